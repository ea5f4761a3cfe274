// Commands that change a server at run time: admin state (enable/disable
// server, set server state), weight, forced health, health checks and
// maxconn, address (shared with the resolvers). Messages are HAProxy 2.6's, byte for byte.

import type { RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import { isIP } from 'node:net';
import { noServerMessage } from '../checks/index.ts';
import type { Command, CommandContext } from './commands.ts';
import type { RuntimeHost } from './host.ts';

type Found = { be: RuntimeBackend; s: RuntimeServer } | string;

/** HAProxy's `cli_find_server`: "backend/server", with its three refusals. */
export function findServer(ctx: CommandContext, arg: string | undefined): Found {
  const slash = arg === undefined ? -1 : arg.indexOf('/');
  if (arg === undefined || slash < 0) return "Require 'backend/server'.\n";
  const be = ctx.host.backends.get(arg.slice(0, slash));
  if (be === undefined) return 'No such backend.\n';
  const s = be.byName.get(arg.slice(slash + 1));
  if (s === undefined) return 'No such server.\n';
  return { be, s };
}

function activeLeft(be: RuntimeBackend): [number, number] {
  let a = 0;
  let b = 0;
  for (const x of be.servers) if (x.usable) x.backup ? b++ : a++;
  return [a, b];
}

/** Applies an admin state, pausing or resuming the health check, and logs it as HAProxy does. */
export function setAdmin(ctx: CommandContext, be: RuntimeBackend, s: RuntimeServer, admin: RuntimeServer['admin']): void {
  if (s.admin === admin) return;
  const was = s.admin;
  s.admin = admin;
  const hc = ctx.host.checkOf(s);
  if (hc !== undefined && hc.counters.checkHealth !== undefined) {
    hc.setMaintenance(admin === 'maint');
    if (admin !== 'maint') s.checkUp = hc.up;
  }
  s.lastChange = ctx.now;
  s.refreshUsable();
  be.serversChanged();
  const [a, b] = activeLeft(be);
  const kind = s.backup ? 'Backup Server' : 'Server';
  const fields = { event: 'server-admin', backend: be.name, server: s.name, admin, source: 'cli' };
  if (admin === 'maint') {
    const msg = `${kind} ${be.name}/${s.name} is going DOWN for maintenance. ${a} active and ${b} backup servers left. ${s.active} sessions active, 0 requeued, 0 remaining in queue.`;
    ctx.host.events.warn(fields, msg);
    ctx.host.alerts?.serverEvent(be.name, 'notice', msg);
  } else if (was === 'maint') {
    const msg = `${kind} ${be.name}/${s.name} is ${s.usable || admin === 'drain' ? 'UP' : 'DOWN'} (leaving forced maintenance).`;
    ctx.host.events.info(fields, msg);
    ctx.host.alerts?.serverEvent(be.name, 'notice', msg);
  } else {
    ctx.host.events.info(fields, `${kind} ${be.name}/${s.name} is ${admin === 'drain' ? 'entering drain mode' : 'leaving drain mode'}.`);
  }
}

/** HAProxy's server_parse_weight_change_request; a message, or undefined when applied. */
export function applyWeight(ctx: CommandContext, be: RuntimeBackend, s: RuntimeServer, text: string | undefined): string | undefined {
  if (text === undefined || text === '') return 'Require <weight> or <weight%>.\n';
  const m = /^\s*([+-]?\d+)(.*)$/.exec(text);
  if (m === null) return 'Empty weight string empty or preceded by garbage';
  let w = Number.parseInt(m[1], 10);
  const rest = m[2];
  if (rest === '%') {
    if (w < 0) return 'Relative weight must be positive.\n';
    w = Math.min(w, 25600);
    w = Math.min(Math.floor((s.configuredWeight * w) / 100), 256);
  } else if (w < 0 || w > 256) return 'Absolute weight can only be between 0 and 256 inclusive.\n';
  else if (rest !== '') return 'Trailing garbage in weight string';
  if (w !== 0 && s.configuredWeight === 0) {
    return "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n";
  }
  if (w !== s.weight) {
    s.weight = w;
    s.lastChange = ctx.now;
    s.refreshUsable();
    be.serversChanged();
  }
  return undefined;
}

/**
 * Points a server at a new IP (and port): `set server B/S addr` and the
 * resolvers both come here. New connections go to the new address; idle
 * ones to the old address are closed. Returns HAProxy's
 * srv_update_addr_port() message (without the trailing newline).
 */
export function applyServerAddr(host: RuntimeHost, be: RuntimeBackend, s: RuntimeServer, addr: string, port: string | undefined, updater: string): string {
  const family = isIP(addr);
  if (s.path !== null) return 'Update for the current server address family is only supported through configuration file';
  if (family === 0) return `Invalid addr '${addr}' by '${updater}'`;
  let msg: string;
  const before = s.host === '' ? '(none)' : s.host;
  if (addr === s.host) msg = 'no need to change the addr';
  else {
    msg = `IP changed from '${before}' to '${addr}'`;
    s.host = addr;
    s.family = family as 4 | 6;
    s.closeIdle();
    const text = `${be.name}/${s.name} changed its IP from ${before} to ${addr} by ${updater}`;
    host.events.warn({ event: 'server-addr', backend: be.name, server: s.name, from: before, to: addr, source: updater }, `${text}.`);
  }
  if (port !== undefined) {
    const p = /^\d+$/.test(port) ? Number(port) : NaN;
    // A relative port ('+1') would make a port map, which HAProxy refuses while checks use the traffic port.
    if (/^[+-]/.test(port) && s.config.checkPort === undefined) {
      msg += ", can't change <port> to port map because it is incompatible with current health check port configuration (use 'port' statement from the 'server' directive.";
    } else if (!(p >= 1 && p <= 65535)) msg += `, problem converting port '${port}' to an int`;
    else if (p === s.port) msg += ', no need to change the port';
    else {
      msg += `, port changed from '${s.port}' to '${p}'`;
      s.port = p;
      s.closeIdle();
    }
  }
  be.serversChanged();
  return `${msg} by '${updater}'`;
}

/**
 * Enters or leaves maintenance because of name resolution (HAProxy's
 * RMAINT), with HAProxy's log lines; `cause` says why it is entered, or
 * 'dns' when a valid answer ends it.
 */
export function setResolutionMaint(host: RuntimeHost, be: RuntimeBackend, s: RuntimeServer, on: boolean, cause: string, now: number): void {
  if (s.resolutionMaint === on) return;
  const wasUsable = s.usable;
  s.resolutionMaint = on;
  const hc = host.checkOf(s);
  if (hc !== undefined && hc.counters.checkHealth !== undefined) {
    hc.setMaintenance(on || s.admin === 'maint');
    if (!on && s.admin !== 'maint') s.checkUp = hc.up;
  }
  s.lastChange = now;
  s.refreshUsable();
  be.serversChanged();
  const kind = s.backup ? 'Backup Server' : 'Server';
  const fields = { event: 'server-resolution', backend: be.name, server: s.name, maint: on, cause };
  if (on) {
    if (!s.running) s.downTransitions++;
    const [a, b] = activeLeft(be);
    const msg = `${kind} ${be.name}/${s.name} is going DOWN for maintenance (${cause}). ${a} active and ${b} backup servers left. ${s.active} sessions active, 0 requeued, 0 remaining in queue.`;
    host.events.warn(fields, msg);
    host.alerts?.serverEvent(be.name, 'notice', msg);
    if (wasUsable && a === 0 && b === 0) host.events.error({ event: 'backend-down', backend: be.name }, noServerMessage('backend', be.name));
  } else {
    const name = s.config.address.kind === 'inet' ? s.config.address.host : s.host;
    const state = `${s.checkUp ? 'UP' : 'DOWN'}/${s.admin === 'drain' ? 'DRAIN' : 'READY'}`;
    const msg = `${kind} ${be.name}/${s.name} ('${name}') is ${state} (resolves again).`;
    host.events.warn(fields, msg);
    host.alerts?.serverEvent(be.name, 'notice', msg);
    // HAProxy 2.6 logs this second line when a DNS answer (not the CLI) ends it.
    if (cause === 'dns') host.events.warn(fields, `Server ${be.name}/${s.name} administratively READY thanks to valid DNS answer.`);
  }
}

function withServer(ctx: CommandContext, arg: string | undefined, fn: (be: RuntimeBackend, s: RuntimeServer) => string): string {
  const f = findServer(ctx, arg);
  return typeof f === 'string' ? f : fn(f.be, f.s);
}

const SET_SERVER_USAGE =
  'usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n';

export const serverCommands: Command[] = [
  {
    words: ['disable', 'server'],
    usage: 'disable server (DEPRECATED)',
    help: "disable a server for maintenance (use 'set server' instead)",
    level: 'admin',
    run: (a, ctx) =>
      withServer(ctx, a[0], (be, s) => {
        setAdmin(ctx, be, s, 'maint');
        return '';
      }),
  },
  {
    words: ['enable', 'server'],
    usage: 'enable server  (DEPRECATED)',
    help: "enable a disabled server (use 'set server' instead)",
    level: 'admin',
    run: (a, ctx) =>
      withServer(ctx, a[0], (be, s) => {
        if (s.admin === 'maint') setAdmin(ctx, be, s, 'ready');
        return '';
      }),
  },
  {
    words: ['set', 'server'],
    usage: 'set server <bk>/<srv> [opts]',
    help: "change a server's state, weight, address or ssl",
    level: 'admin',
    run: (a, ctx) =>
      withServer(ctx, a[0], (be, s) => {
        switch (a[1]) {
          case 'state':
            if (a[2] !== 'ready' && a[2] !== 'drain' && a[2] !== 'maint') {
              return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
            }
            setAdmin(ctx, be, s, a[2]);
            return '';
          case 'weight':
            return applyWeight(ctx, be, s, a[2]) ?? '';
          case 'addr': {
            if (a[2] === undefined || a[2] === '') return 'set server <b>/<s> addr requires an address and optionally a port.\n';
            const msg = applyServerAddr(ctx.host, be, s, a[2], a[3] === 'port' ? (a[4] ?? '') : undefined, 'stats socket command');
            // An operator-given address ends a resolution maintenance, as in HAProxy.
            if (isIP(a[2]) !== 0) setResolutionMaint(ctx.host, be, s, false, '', ctx.now);
            return `${msg}\n`;
          }
          case 'health': {
            if (a[2] !== 'up' && a[2] !== 'stopping' && a[2] !== 'down') {
              return "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n";
            }
            const up = a[2] !== 'down';
            if (s.checkUp !== up) {
              s.checkUp = up;
              s.lastChange = ctx.now;
              if (!up) s.downTransitions++;
              s.refreshUsable();
              be.serversChanged();
            }
            return '';
          }
          default:
            return SET_SERVER_USAGE;
        }
      }),
  },
  {
    words: ['set', 'weight'],
    usage: 'set weight <bk>/<srv>  (DEPRECATED)',
    help: "change a server's weight (use 'set server' instead)",
    level: 'admin',
    run: (a, ctx) => withServer(ctx, a[0], (be, s) => applyWeight(ctx, be, s, a[1]) ?? ''),
  },
  {
    words: ['get', 'weight'],
    usage: 'get weight <bk>/<srv>',
    help: "report a server's current weight",
    level: 'user',
    run: (a, ctx) => withServer(ctx, a[0], (_be, s) => `${s.weight} (initial ${s.configuredWeight})\n`),
  },
  {
    words: ['enable', 'health'],
    usage: 'enable health',
    help: 'enable health checks',
    level: 'admin',
    run: (a, ctx) =>
      withServer(ctx, a[0], (_be, s) => {
        const hc = ctx.host.checkOf(s);
        if (hc === undefined || hc.counters.checkHealth === undefined) {
          return 'Health check was not configured on this server, cannot enable.\n';
        }
        if (ctx.state.healthDisabled.delete(s)) hc.start();
        return '';
      }),
  },
  {
    words: ['disable', 'health'],
    usage: 'disable health',
    help: 'disable health checks',
    level: 'admin',
    run: (a, ctx) =>
      withServer(ctx, a[0], (_be, s) => {
        // Unlike `enable health`, HAProxy accepts it silently on a server without checks.
        const hc = ctx.host.checkOf(s);
        if (hc === undefined || hc.counters.checkHealth === undefined) return '';
        if (!ctx.state.healthDisabled.has(s)) {
          ctx.state.healthDisabled.add(s);
          hc.stop();
        }
        return '';
      }),
  },
  {
    words: ['set', 'maxconn', 'server'],
    usage: 'set maxconn server <bk>/<srv>',
    help: "change a server's maxconn setting",
    level: 'admin',
    run: (a, ctx) =>
      withServer(ctx, a[0], (be, s) => {
        const m = /^\s*([+-]?\d+)(.*)$/.exec(a[1] ?? '');
        if (m === null) return 'maxconn string empty or preceded by garbage';
        if (m[2] !== '') return 'Trailing garbage in maxconn string';
        s.maxconn = Math.max(0, Number.parseInt(m[1], 10));
        // A raised limit may let queued requests through now.
        be.serversChanged();
        return '';
      }),
  },
];
