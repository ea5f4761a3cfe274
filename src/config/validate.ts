// Checks that need the whole configuration, after inheritance: references
// between proxies, modes, unique ids, what health checks need, and the
// warnings HAProxy gives (missing timeouts, frontends without bind, HTTP
// features in TCP mode). Adjusts the model where HAProxy falls back
// (layer-7 balancing or httplog in TCP mode).

import type { Backend, Config, Frontend, SourcePos } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import { suggestion } from './suggest.ts';
import { checkStickTables } from './stick-table.ts';

export interface ValidationContext {
  /** Frontends of listen sections whose default backend is themselves (not written). */
  implicitDefault: ReadonlySet<Frontend>;
  /** Backends whose section was refused (bad or duplicate name): references to them are not reported again. */
  rejectedBackends: ReadonlySet<string>;
}

const at = (p: SourcePos): string => `${p.file}:${p.line}`;

function label(p: Frontend | Backend, side: 'frontend' | 'backend'): string {
  return p.fromListen ? `listen '${p.name}'` : `${side} '${p.name}'`;
}

export function validateConfig(config: Config, ctx: ValidationContext, diags: DiagnosticList): void {
  // HAProxy gives its advice (no bind, missing timeouts) only on a file that parsed;
  // after errors it would mostly repeat their consequences.
  const advise = diags.errorCount === 0;
  for (const fe of config.frontends.values()) checkFrontend(config, fe, ctx, diags, advise);
  for (const be of config.backends.values()) checkBackend(be, diags);
  if (advise) checkTimeouts(config, diags);
  checkProxyIds(config, diags);
  checkStickTables(config, diags);
}

function checkFrontend(config: Config, fe: Frontend, ctx: ValidationContext, diags: DiagnosticList, advise: boolean): void {
  const me = label(fe, 'frontend');
  if (advise && fe.binds.length === 0) {
    diags.warning(
      CfgCode.INCOMPLETE,
      fe.pos,
      fe.fromListen
        ? `${me} has no 'bind' directive: it will not accept connections`
        : `${me} has no 'bind' directive. Please declare it as a backend if this was intended`,
    );
  }
  if (fe.mode === 'tcp') {
    if (fe.options.httplog !== undefined) {
      diags.warning(
        CfgCode.MODE_MISMATCH,
        fe.pos,
        `'option httplog' not usable with ${me} (needs 'mode http'): falling back to 'option tcplog'`,
      );
      delete fe.options.httplog;
      fe.options.tcplog = true;
    }
    httpOnlyOptions(fe, me, diags);
    if (fe.fromListen) {
      // The listen's backend half carries the same options; the warning above covers both.
      const own = config.backends.get(fe.name);
      if (own !== undefined) for (const [field] of HTTP_ONLY) delete own.options[field];
    }
  }

  const route = (name: string, pos: SourcePos, what: string, implicit: boolean): void => {
    const be = config.backends.get(name);
    if (be === undefined) {
      if (ctx.rejectedBackends.has(name)) return;
      diags.error(CfgCode.UNKNOWN_BACKEND, pos, `${me}: ${what} '${name}' does not exist${suggestion(name, config.backends.keys())}`);
      return;
    }
    if (!implicit && fe.fromListen && be.fromListen && be.name === fe.name) {
      diags.error(CfgCode.LOOP, pos, `${me}: loop detected for ${what} '${name}' (a listen section is its own backend already)`);
      return;
    }
    if (fe.mode !== be.mode && !(fe.mode === 'tcp' && be.mode === 'http')) {
      diags.error(
        CfgCode.MODE_MISMATCH,
        pos,
        `${fe.mode} ${me} (${at(fe.pos)}) tries to use incompatible ${be.mode} ${label(be, 'backend')} (${at(be.pos)}) in ${what} (see 'mode')`,
      );
    }
  };

  if (fe.defaultBackend !== undefined) {
    const implicit = ctx.implicitDefault.has(fe);
    route(fe.defaultBackend.name, fe.defaultBackend.pos, 'default_backend', implicit);
    if (!implicit && fe.fromListen) {
      const own = config.backends.get(fe.name);
      if (own !== undefined && own.servers.length > 0 && fe.defaultBackend.name !== fe.name) {
        diags.warning(
          CfgCode.IGNORED,
          fe.defaultBackend.pos,
          `in ${me}, the 'default_backend' rule always has precedence over the servers, which will never be used`,
        );
      }
    }
  }
  for (const rule of fe.useBackends) {
    if (!rule.dynamic) route(rule.backend, rule.pos, 'use_backend', false);
  }
}

const HTTP_ONLY: ReadonlyArray<['forwardfor' | 'httpclose' | 'httpServerClose' | 'httpKeepAlive' | 'httpBufferRequest', string]> = [
  ['forwardfor', 'forwardfor'],
  ['httpclose', 'httpclose'],
  ['httpServerClose', 'http-server-close'],
  ['httpKeepAlive', 'http-keep-alive'],
  ['httpBufferRequest', 'http-buffer-request'],
];

function httpOnlyOptions(p: Frontend | Backend, me: string, diags: DiagnosticList): void {
  for (const [field, name] of HTTP_ONLY) {
    const v = p.options[field];
    if (v === undefined || v === false) continue;
    diags.warning(CfgCode.MODE_MISMATCH, p.pos, `'option ${name}' ignored for ${me} as it requires HTTP mode`);
    delete p.options[field];
  }
}

function checkBackend(be: Backend, diags: DiagnosticList): void {
  const me = label(be, 'backend');
  if (be.mode === 'tcp') {
    const b = be.balance;
    if (b !== undefined && (b.kind === 'uri' || b.kind === 'url_param' || b.kind === 'hdr')) {
      diags.warning(
        CfgCode.MODE_MISMATCH,
        be.pos,
        `layer 7 hash 'balance ${b.kind}' not possible for ${me} (needs 'mode http'): falling back to round robin`,
      );
      be.balance = { kind: 'roundrobin' };
    }
    if (!be.fromListen) httpOnlyOptions(be, me, diags);
  }

  const ids = new Map<number, string>();
  for (const s of be.servers) {
    const who = `server '${be.name}/${s.name}'`;
    if (s.id !== undefined) {
      const other = ids.get(s.id);
      if (other !== undefined) diags.error(CfgCode.DUPLICATE, s.pos, `${who} has the same id ${s.id} as server '${other}'`);
      else ids.set(s.id, s.name);
    }
    if (s.check === true && s.address.kind === 'inet' && s.port === undefined && s.checkPort === undefined) {
      const c = be.check;
      if (c?.kind === 'tcp-check') {
        const first = c.rules.find((r) => r.kind !== 'comment');
        if (first === undefined || first.kind !== 'connect' || first.port === undefined) {
          diags.error(
            CfgCode.INCOMPLETE,
            s.pos,
            `${who} has neither service port nor check port nor a first 'tcp-check connect' rule with a port`,
          );
        } else if (c.rules.some((r) => r.kind === 'connect' && r.port === undefined)) {
          diags.error(CfgCode.INCOMPLETE, s.pos, `${who} has neither service port nor check port, and a 'tcp-check connect' rule has no port`);
        }
      } else {
        diags.error(CfgCode.INCOMPLETE, s.pos, `${who} has neither service port nor check port: add ':<port>' to its address or 'port <n>'`);
      }
    }
    if (s.proto === 'h2' && be.mode === 'tcp') {
      diags.error(CfgCode.MODE_MISMATCH, s.pos, `${who}: 'proto h2' is not usable in ${me}, which is 'mode tcp' (HTTP/2 to servers needs 'mode http')`);
    }
    if (s.agentCheck === true && s.agentPort === undefined) {
      diags.error(CfgCode.INCOMPLETE, s.pos, `${who} has 'agent-check' but no 'agent-port'`);
    }
  }
}

function checkTimeouts(config: Config, diags: DiagnosticList): void {
  const report = (pos: SourcePos, who: string, missing: string[]): void => {
    diags.warning(
      CfgCode.MISSING_TIMEOUT,
      pos,
      `missing timeouts for ${who}: set ${missing.map((m) => `'timeout ${m}'`).join(', ')} (while not properly invalid, you will certainly encounter various problems with such a configuration)`,
    );
  };
  const beMissing = (be: Backend): string[] => {
    if (be.servers.length === 0) return [];
    const out: string[] = [];
    if (!be.timeouts.connect) out.push('connect');
    if (!be.timeouts.server && (be.mode === 'http' || !be.timeouts.tunnel)) out.push('server');
    return out;
  };
  for (const fe of config.frontends.values()) {
    const missing = fe.timeouts.client ? [] : ['client'];
    if (fe.fromListen) {
      const be = config.backends.get(fe.name);
      if (be !== undefined) missing.push(...beMissing(be));
      if (missing.length > 0) report(fe.pos, `listen '${fe.name}'`, missing);
    } else if (missing.length > 0) {
      report(fe.pos, `frontend '${fe.name}'`, missing);
    }
  }
  for (const be of config.backends.values()) {
    if (be.fromListen) continue;
    const missing = beMissing(be);
    if (missing.length > 0) report(be.pos, `backend '${be.name}'`, missing);
  }
}

function checkProxyIds(config: Config, diags: DiagnosticList): void {
  const seen = new Map<number, Frontend | Backend>();
  const visit = (p: Frontend | Backend, side: 'frontend' | 'backend'): void => {
    if (p.id === undefined) return;
    const other = seen.get(p.id);
    if (other === undefined) {
      seen.set(p.id, p);
      return;
    }
    if (other.fromListen && p.fromListen && other.name === p.name) return;
    diags.error(
      CfgCode.DUPLICATE,
      p.pos,
      `${label(p, side)} has the same id ${p.id} as ${label(other, 'binds' in other ? 'frontend' : 'backend')} (${at(other.pos)})`,
    );
  };
  for (const fe of config.frontends.values()) visit(fe, 'frontend');
  for (const be of config.backends.values()) visit(be, 'backend');
}
