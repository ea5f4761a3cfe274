// What the runtime API reads and changes in the running process: the engine's
// frontends, backends and process counters, and the servers' health checks.
// An interface, so the commands can be driven by anything shaped like the engine.

import type { Config } from '../config/index.ts';
import type { RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import type { ServerHealth } from '../checks/index.ts';
import type { EventLogger } from '../events/index.ts';
import type { EmailAlerts } from '../alerts/index.ts';
import type { ProcessCounters, RuntimeFrontend } from '../proxy/index.ts';

export interface RuntimeHost {
  readonly config: Config;
  readonly counters: ProcessCounters;
  readonly backends: Map<string, RuntimeBackend>;
  readonly frontends: Map<string, RuntimeFrontend>;
  readonly events: EventLogger;
  /** The health check of a server, when it has one (`check` or `agent-check`). */
  checkOf(s: RuntimeServer): ServerHealth | undefined;
  /** Told of admin state changes (mailed by `email-alert`). */
  readonly alerts?: Pick<EmailAlerts, 'serverEvent'>;
}

/** One proxy as the stats list it: a frontend, a backend, or both (a `listen`). */
export interface StatProxy {
  name: string;
  iid: number;
  frontend?: RuntimeFrontend;
  backend?: RuntimeBackend;
}

/**
 * Proxies in configuration order with HAProxy's ids: explicit `id`, else the
 * next free number; the defaults section takes the first one, as it is a
 * proxy in HAProxy 2.6.
 */
export function statProxies(host: RuntimeHost): StatProxy[] {
  const byName = new Map<string, StatProxy & { line: number; file: number; id?: number }>();
  const files = host.config.files;
  const add = (name: string, pos: { file: string; line: number }, id: number | undefined): StatProxy & { line: number; file: number; id?: number } => {
    let p = byName.get(name);
    if (p === undefined) {
      p = { name, iid: 0, line: pos.line, file: Math.max(0, files.indexOf(pos.file)), id };
      byName.set(name, p);
    }
    return p;
  };
  for (const fe of host.frontends.values()) add(fe.name, fe.config.pos, fe.config.id).frontend = fe;
  for (const be of host.backends.values()) add(be.name, be.config.pos, be.config.id).backend = be;
  const list = [...byName.values()].sort((a, b) => a.file - b.file || a.line - b.line);
  const taken = new Set<number>();
  for (const p of list) if (p.id !== undefined) taken.add(p.id);
  let next = host.config.defaults.length > 0 ? 2 : 1;
  for (const p of list) {
    if (p.id !== undefined) {
      p.iid = p.id;
      continue;
    }
    while (taken.has(next)) next++;
    p.iid = next++;
  }
  return list.map(({ name, iid, frontend, backend }) => ({ name, iid, frontend, backend }));
}
