// The runtime API (HAProxy's "stats socket" CLI): listeners, the line
// protocol, and the commands. The engine starts and stops it.

import type { Socket } from 'node:net';
import type { StatsSocket } from '../config/index.ts';
import { CommandRegistry, type RuntimeState } from './commands.ts';
import type { RuntimeHost } from './host.ts';
import { processCommands } from './process-commands.ts';
import { serverCommands } from './server-commands.ts';
import { sessionCommands } from './session-commands.ts';
import { CliSession } from './session.ts';
import { StatsSocketListener } from './socket.ts';
import type { ThreadSync } from './thread-sync.ts';

export type { RuntimeHost, StatProxy } from './host.ts';
export type { ServiceRequest, ThreadSync, RemoteDetails, ErrorCaptures } from './thread-sync.ts';
export { NO_REMOTE_DETAILS } from './thread-sync.ts';
export type { Command, CommandContext, Level, RuntimeState } from './commands.ts';
export { CommandRegistry, levelAllows } from './commands.ts';
export { answerLine, splitCommands } from './session.ts';
export { STAT_FIELDS, STAT_HEADER } from './stat-fields.ts';
export { showStatCsv, statRows, serverStatus } from './show-stat.ts';
export { formatUptime } from './show-info.ts';
export { runCtl } from './ctl.ts';
export { tableCommands, type TableHost } from './table-commands.ts';
export { applyServerAddr, setResolutionMaint } from './server-commands.ts';

/** The default registry: every command this build answers. */
export function defaultRegistry(): CommandRegistry {
  const r = new CommandRegistry();
  r.add(...processCommands, ...serverCommands, ...sessionCommands);
  return r;
}

/** Everything that makes a stats socket what it is: a change in any of these re-creates it. */
function socketKey(s: StatsSocket): string {
  return JSON.stringify([s.address, s.mode, s.level, s.user, s.group, s.exposeFdListeners]);
}

export class RuntimeApi {
  readonly registry = defaultRegistry();
  readonly state: RuntimeState = { healthDisabled: new Set(), cli: new Set() };
  /** The stats sockets now open (replaced in place by a reload). */
  readonly listeners: StatsSocketListener[];
  readonly host: RuntimeHost;
  /** Set by src/threads when `nbthread` > 1 (null: this process is the only worker). */
  threads: ThreadSync | null = null;
  /**
   * More Prometheus families appended to the exporter's page, registered by
   * the parts src/ does not know (the cluster's hawser_peers_*, hawser_vrrp_*).
   */
  readonly metricFamilies: Array<() => string> = [];
  /** HTML sections of the stats page registered the same way (the cluster's table); each renders escaped HTML. */
  readonly htmlSections: Array<() => string> = [];
  private readonly sockets = new Set<Socket>();

  constructor(host: RuntimeHost) {
    this.host = host;
    this.listeners = host.config.global.statsSockets.map((cfg) => new StatsSocketListener(cfg, (s, c) => this.accept(s, c)));
  }

  /** Binds every stats socket; rejects with one message per failure. */
  async start(): Promise<string[]> {
    const failures: string[] = [];
    await Promise.all(this.listeners.map((l) => l.listen().catch((err: Error) => failures.push(`Starting proxy GLOBAL: ${err.message}`))));
    return failures;
  }

  /**
   * A reload's `stats socket` lines: sockets whose settings did not change
   * keep their listener (and their connected sessions); changed ones are
   * closed and bound again with the new settings; new ones are bound,
   * removed ones closed. Returns what happened and what failed to bind.
   */
  async reconfigure(sockets: readonly StatsSocket[]): Promise<{ kept: number; opened: number; closed: number; failures: string[] }> {
    const old = new Map<string, StatsSocketListener>();
    for (const l of this.listeners) old.set(socketKey(l.config), l);
    const next: StatsSocketListener[] = [];
    const fresh: StatsSocketListener[] = [];
    let kept = 0;
    for (const cfg of sockets) {
      const same = old.get(socketKey(cfg));
      if (same !== undefined) {
        old.delete(socketKey(cfg));
        next.push(same);
        kept++;
        continue;
      }
      const l = new StatsSocketListener(cfg, (s, c) => this.accept(s, c));
      next.push(l);
      fresh.push(l);
    }
    // Closed first: a changed socket is bound again at the same address.
    await Promise.all([...old.values()].map((l) => l.close()));
    const failures: string[] = [];
    await Promise.all(fresh.map((l) => l.listen().catch((err: Error) => failures.push(`Starting proxy GLOBAL: ${err.message}`))));
    this.listeners.length = 0;
    this.listeners.push(...next);
    return { kept, opened: fresh.length, closed: old.size, failures };
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.listeners.map((l) => l.close()));
  }

  private accept(socket: Socket, cfg: StatsSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    new CliSession(socket, this.registry, this.host, this.state, cfg.level, this.host.config.global.statsTimeout ?? 10_000, () => this.threads);
  }
}
