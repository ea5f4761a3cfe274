// What a frontend answers itself instead of forwarding: the stats page at
// `stats uri` (HTML, `;csv`, admin POSTs) behind `stats auth`, and the
// services `http-request use-service` names (the Prometheus exporter).
// The session calls matches() per request and serve() for the ones it keeps.

import { readFileSync } from 'node:fs';
import { PatternFiles, ProxyAcls, isAclError, type Condition, type SampleContext } from '../acl/index.ts';
import type { RuntimeBackend } from '../backend/index.ts';
import type { Frontend, StatsSettings } from '../config/index.ts';
import type { HttpHead } from '../http/index.ts';
import { showStatCsv, type RuntimeApi, type ServiceRequest } from '../runtime/index.ts';
import type { HttpReply } from '../rules/index.ts';
import { applyAdminForm } from './admin-form.ts';
import { renderMetrics } from './metrics.ts';
import { renderStatsPage } from './stats-page.ts';
import { HAWSER_VERSION } from '../cli/index.ts';

const EMPTY = Buffer.alloc(0);

/**
 * A reply with content-length placed where HAProxy places it: first in its
 * error messages (401, 503), after content-type in the admin redirect, last
 * otherwise. `lengthAt` counts header fields (not array slots).
 */
function reply(status: number, reason: string, fields: string[], body: string | Buffer, lengthAt = fields.length / 2): HttpReply {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (let i = 0; i <= fields.length; i += 2) {
    if (i === lengthAt * 2) head += `content-length: ${b.length}\r\n`;
    if (i < fields.length) head += `${fields[i]}: ${fields[i + 1]}\r\n`;
  }
  return { status, head, body: b.length === 0 ? EMPTY : b };
}

const UNAVAILABLE = reply(503, 'Service Unavailable', ['cache-control', 'no-cache', 'content-type', 'text/html'], '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n', 0);

export class LocalServices {
  private readonly stats: StatsSettings | null;
  private readonly runtime: () => RuntimeApi | null;
  private readonly proxyName: string;
  /** `stats admin` conditions (any one holding makes the client an admin). */
  private readonly admin: Condition[] = [];
  /** `Basic <base64>` values `stats auth` accepts. */
  private readonly credentials: Set<string>;
  private readonly challenge: HttpReply | null;

  constructor(cfg: Frontend, backends: Map<string, RuntimeBackend>, runtime: () => RuntimeApi | null) {
    this.stats = cfg.stats !== undefined && cfg.stats.enabled ? cfg.stats : null;
    this.runtime = runtime;
    this.proxyName = cfg.name;
    this.credentials = new Set((this.stats?.auth ?? []).map((a) => 'basic ' + Buffer.from(`${a.user}:${a.password}`).toString('base64')));
    this.challenge =
      this.stats !== null && this.stats.auth.length > 0
        ? reply(401, 'Unauthorized', ['cache-control', 'no-cache', 'content-type', 'text/html', 'www-authenticate', `Basic realm="${this.stats.realm}"`],
            '<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n', 0)
        : null;
    if (this.stats !== null && this.stats.admin.length > 0) this.compileAdmin(cfg, backends);
  }

  /**
   * The admin conditions see the ACLs declared above them, as every rule
   * does. Errors were reported by `hawser -c` when routing compiled the
   * same ACL lines; a condition that fails here grants nothing.
   */
  private compileAdmin(cfg: Frontend, backends: Map<string, RuntimeBackend>): void {
    const acls = new ProxyAcls({
      files: new PatternFiles((p) => readFileSync(p, 'latin1')),
      proxy: cfg.name,
      hasBackend: (n) => backends.has(n),
      hasServer: (b, s) => backends.get(b)?.byName.has(s) === true,
    });
    const lines = [...cfg.acls.map((a) => ({ pos: a.pos, acl: a.words, admin: null as string[] | null })), ...this.stats!.admin.map((a) => ({ pos: a.pos, acl: null as string[] | null, admin: a.words }))];
    lines.sort((a, b) => a.pos.line - b.pos.line);
    for (const l of lines) {
      if (l.acl !== null) acls.declare(l.acl, l.pos);
      else {
        const c = acls.condition(l.admin!, l.pos);
        if (!isAclError(c)) this.admin.push(c);
      }
    }
  }

  /** Whether the request is for the stats page (a prefix of the URI, as HAProxy matches it). */
  matches(target: string): boolean {
    return this.stats !== null && target.startsWith(this.stats.uri);
  }

  /**
   * The answer of service `name` ('stats' or a use-service name) to a
   * request and its body. With several workers (nbthread > 1) the answer is
   * a promise: the main thread renders it from every worker's counters.
   */
  serve(name: string, head: HttpHead, body: Buffer, ctx: SampleContext): HttpReply | Promise<HttpReply> {
    const api = this.runtime();
    if (api === null) return UNAVAILABLE;
    const req: ServiceRequest = {
      name,
      method: head.method,
      target: head.target,
      authorization: authorization(head),
      body,
      admin: name !== 'prometheus-exporter' && this.admin.some((c) => c.eval(ctx)),
    };
    const threads = api.threads;
    if (threads === null) return this.render(api, req);
    if (threads.forward !== null) return threads.forward(this.proxyName, req);
    return this.renderSynced(api, req);
  }

  /** The main thread's answer when several workers serve: their counters first, their state after an admin action. */
  async renderSynced(api: RuntimeApi, req: ServiceRequest): Promise<HttpReply> {
    const threads = api.threads;
    if (threads === null) return this.render(api, req);
    await threads.collect();
    const r = threads.withRemote(() => this.render(api, req));
    if (req.method === 'POST') await threads.publish();
    return r;
  }

  private render(api: RuntimeApi, req: ServiceRequest): HttpReply {
    const name = req.name;
    const view = { host: api.host, healthDisabled: api.state.healthDisabled, now: Date.now() };
    if (name === 'prometheus-exporter') {
      const text = renderMetrics(view, {
        version: HAWSER_VERSION,
        nbthread: api.host.config.global.nbthread ?? 1,
        listeners: [...api.host.frontends.values()].reduce((n, f) => n + f.config.binds.length, 0),
        stopping: false,
      }) + api.metricFamilies.map((render) => render()).join('');
      return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', 'text/plain; version=0.0.4'], text);
    }
    const st = this.stats;
    if (st === null) return UNAVAILABLE;
    if (this.challenge !== null && !this.credentials.has(req.authorization)) return this.challenge;
    const isAdmin = req.admin;
    const opts = req.target.slice(st.uri.length);
    if (req.method === 'POST') {
      // As HAProxy: a non-admin's POST is redirected with the outcome DENY, not refused.
      const outcome = isAdmin ? applyAdminForm(api, Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength).toString('latin1'), view.now) : 'DENY';
      return reply(303, 'See Other', ['cache-control', 'no-cache', 'content-type', 'text/plain', 'location', `${st.uri};st=${outcome}`], '', 2);
    }
    const refresh = opts.includes(';norefresh') ? 0 : st.refresh;
    // HAProxy sends its refresh header with the CSV too, hence `;csv;norefresh` for scrapers.
    const refreshField = refresh > 0 ? ['refresh', String(Math.max(1, Math.round(refresh / 1000)))] : [];
    if (opts.includes(';csv')) {
      return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', 'text/plain', ...refreshField], showStatCsv(view));
    }
    const stMatch = /;st=([A-Z]+)/.exec(opts);
    const html = renderStatsPage(view, {
      proxy: this.proxyName,
      uri: st.uri,
      refresh,
      hideVersion: st.hideVersion,
      showLegends: st.showLegends,
      admin: isAdmin,
      version: HAWSER_VERSION,
      outcome: stMatch?.[1] ?? '',
      sections: api.htmlSections.map((render) => render()).join(''),
    });
    return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', 'text/html', ...refreshField], html);
  }
}

/** The Authorization value with its scheme lower-cased, for comparison with the accepted ones. */
function authorization(head: HttpHead): string {
  const v = head.get('authorization');
  if (v === undefined) return '';
  const sp = v.indexOf(' ');
  return sp < 0 ? v : v.slice(0, sp).toLowerCase() + ' ' + v.slice(sp + 1).trim();
}
