// The runtime API (HAProxy's "stats socket" CLI): listeners, the line
// protocol, and the commands. The engine starts and stops it.

import type { Socket } from 'node:net';
import type { StatsSocket } from '../config/index.ts';
import { CommandRegistry, type RuntimeState } from './commands.ts';
import type { RuntimeHost } from './host.ts';
import { processCommands } from './process-commands.ts';
import { serverCommands } from './server-commands.ts';
import { CliSession } from './session.ts';
import { StatsSocketListener } from './socket.ts';

export type { RuntimeHost, StatProxy } from './host.ts';
export type { Command, CommandContext, Level, RuntimeState } from './commands.ts';
export { CommandRegistry, levelAllows } from './commands.ts';
export { answerLine, splitCommands } from './session.ts';
export { STAT_FIELDS, STAT_HEADER } from './stat-fields.ts';
export { showStatCsv, statRows, serverStatus } from './show-stat.ts';
export { formatUptime } from './show-info.ts';
export { runCtl } from './ctl.ts';

/** The default registry: every command this build answers. */
export function defaultRegistry(): CommandRegistry {
  const r = new CommandRegistry();
  r.add(...processCommands, ...serverCommands);
  return r;
}

export class RuntimeApi {
  readonly registry = defaultRegistry();
  readonly state: RuntimeState = { healthDisabled: new Set() };
  readonly listeners: StatsSocketListener[];
  readonly host: RuntimeHost;
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

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.listeners.map((l) => l.close()));
  }

  private accept(socket: Socket, cfg: StatsSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    new CliSession(socket, this.registry, this.host, this.state, cfg.level, this.host.config.global.statsTimeout ?? 10_000);
  }
}
