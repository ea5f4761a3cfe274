// What a frontend answers itself instead of forwarding: the stats page at
// `stats uri` (HTML, `;csv`, admin POSTs) behind `stats auth`, and the
// services `http-request use-service` names (the Prometheus exporter).
// The session calls matches() per request and serve() for the ones it keeps.

import { readFileSync } from 'node:fs';
import { PatternFiles, ProxyAcls, isAclError, type Condition, type SampleContext } from '../acl/index.ts';
import type { RuntimeBackend } from '../backend/index.ts';
import type { Frontend, StatsSettings } from '../config/index.ts';
import type { HttpHead } from '../http/index.ts';
import { showStatCsv, type RuntimeApi } from '../runtime/index.ts';
import type { HttpReply } from '../rules/index.ts';
import { applyAdminForm } from './admin-form.ts';
import { renderMetrics } from './metrics.ts';
import { renderStatsPage } from './stats-page.ts';
import { HAWSER_VERSION } from '../cli/index.ts';

const EMPTY = Buffer.alloc(0);

function reply(status: number, reason: string, fields: string[], body: string | Buffer): HttpReply {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (let i = 0; i < fields.length; i += 2) head += `${fields[i]}: ${fields[i + 1]}\r\n`;
  head += `content-length: ${b.length}\r\n`;
  return { status, head, body: b.length === 0 ? EMPTY : b };
}

const UNAVAILABLE = reply(503, 'Service Unavailable', ['cache-control', 'no-cache', 'content-type', 'text/html'], '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n');

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
            '<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n')
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

  /** The answer of service `name` ('stats' or a use-service name) to a request and its body. */
  serve(name: string, head: HttpHead, body: Buffer, ctx: SampleContext): HttpReply {
    const api = this.runtime();
    if (api === null) return UNAVAILABLE;
    const view = { host: api.host, healthDisabled: api.state.healthDisabled, now: Date.now() };
    if (name === 'prometheus-exporter') {
      const text = renderMetrics(view, {
        version: HAWSER_VERSION,
        nbthread: api.host.config.global.nbthread ?? 1,
        listeners: [...api.host.frontends.values()].reduce((n, f) => n + f.config.binds.length, 0),
        stopping: false,
      });
      return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', 'text/plain; version=0.0.4'], text);
    }
    const st = this.stats;
    if (st === null) return UNAVAILABLE;
    if (this.challenge !== null && !this.credentials.has(authorization(head))) return this.challenge;
    const isAdmin = this.admin.some((c) => c.eval(ctx));
    const opts = head.target.slice(st.uri.length);
    if (head.method === 'POST') {
      if (!isAdmin) return reply(403, 'Forbidden', ['cache-control', 'no-cache', 'content-type', 'text/plain'], 'Permission denied\n');
      const outcome = applyAdminForm(api, body.toString('latin1'), view.now);
      return reply(303, 'See Other', ['cache-control', 'no-cache', 'content-type', 'text/plain', 'location', `${st.uri};st=${outcome}`], '');
    }
    if (opts.includes(';csv')) {
      return reply(200, 'OK', ['cache-control', 'no-cache', 'content-type', 'text/plain'], showStatCsv(view));
    }
    const refresh = opts.includes(';norefresh') ? 0 : st.refresh;
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
    });
    const fields = ['cache-control', 'no-cache', 'content-type', 'text/html'];
    if (refresh > 0) fields.push('refresh', String(Math.max(1, Math.round(refresh / 1000))));
    return reply(200, 'OK', fields, html);
  }
}

/** The Authorization value with its scheme lower-cased, for comparison with the accepted ones. */
function authorization(head: HttpHead): string {
  const v = head.get('authorization');
  if (v === undefined) return '';
  const sp = v.indexOf(' ');
  return sp < 0 ? v : v.slice(0, sp).toLowerCase() + ' ' + v.slice(sp + 1).trim();
}
