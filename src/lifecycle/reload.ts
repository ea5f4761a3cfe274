// Reload (SIGHUP, SIGUSR2, `systemctl reload`): read the same files again,
// run the same checks as start-up and `hawser -c`, and only then hand the
// new configuration to the engine. A bad file changes nothing: every problem
// is logged at error with its file:line, the old configuration keeps
// serving, and STATUS= says so. Signals arriving during a reload coalesce
// into one more reload after it.

import { formatDiagnostic, type Config, type Diagnostic } from '../config/index.ts';
import type { EventLogger } from '../events/index.ts';
import { StartError, type CompiledRouting, type Engine } from '../proxy/index.ts';
import { monotonicUsec, type SystemdNotifier } from './notify.ts';
import { readyStatus, reloadFailedStatus, type RuntimeSummary } from './status.ts';

/** What start-up's checks produce: a config and its compiled rules, or the reasons there is none. */
export interface CheckedConfig {
  config: Config | undefined;
  routing: CompiledRouting | undefined;
  diagnostics: Diagnostic[];
}

export interface ReloaderDeps {
  engine: Engine;
  /** Loads and checks the configuration exactly as start-up does. */
  load: () => Promise<CheckedConfig>;
  events: EventLogger;
  notifier: SystemdNotifier | null;
  /** -dW: warnings are fatal, at reload as at start. */
  zeroWarning: boolean;
  /** Told of each successful reload (the cluster may want the new config, the nbthread workers its routing too). */
  onReloaded?: (config: Config, routing: CompiledRouting) => void;
}

export class Reloader {
  private readonly deps: ReloaderDeps;
  private running: Promise<void> | null = null;
  private again: string | null = null;
  private closed = false;

  constructor(deps: ReloaderDeps) {
    this.deps = deps;
  }

  /** A reload signal arrived. */
  request(signal: string): void {
    if (this.closed) return;
    if (this.running !== null) {
      this.again = signal;
      return;
    }
    this.running = this.run(signal).finally(() => {
      this.running = null;
      const next = this.again;
      this.again = null;
      if (next !== null) this.request(next);
    });
  }

  /** No reload after this one (the process is stopping); resolves when none runs. */
  async close(): Promise<void> {
    this.closed = true;
    this.again = null;
    while (this.running !== null) await this.running;
  }

  private async run(signal: string): Promise<void> {
    const { engine, events, notifier } = this.deps;
    const started = Date.now();
    notifier?.send('RELOADING=1', `MONOTONIC_USEC=${monotonicUsec()}`, 'STATUS=Reloading configuration');
    events.info({ event: 'reload-start', signal }, `${signal}: reloading configuration`);
    let problems: string[];
    try {
      problems = await this.apply(signal, started);
    } catch (err) {
      problems = [(err as Error).message];
    }
    if (problems.length > 0) {
      events.error(
        { event: 'reload', result: 'failed', signal, problems, durationMs: Date.now() - started },
        `Reload failed, previous configuration kept:\n${problems.join('\n')}`,
      );
      notifier?.send('READY=1', `STATUS=${reloadFailedStatus(problems)}`);
      return;
    }
    notifier?.send('READY=1', `STATUS=${readyStatus(summarize(engine))}`);
  }

  /** Returns the problems that made the reload fail (none on success). */
  private async apply(signal: string, started: number): Promise<string[]> {
    const { engine, events } = this.deps;
    const checked = await this.deps.load();
    const errors = checked.diagnostics.filter((d) => d.severity === 'error' || this.deps.zeroWarning);
    for (const d of checked.diagnostics) {
      if (d.severity !== 'error' && !this.deps.zeroWarning) events.warn({ event: 'config-warning', code: d.code }, formatDiagnostic(d));
    }
    if (checked.config === undefined || checked.routing === undefined || errors.length > 0) {
      const lines = errors.map(formatDiagnostic);
      return lines.length > 0 ? lines : ['configuration could not be loaded'];
    }
    let summary;
    try {
      summary = await engine.reload(checked.config, checked.routing);
    } catch (err) {
      if (err instanceof StartError) return err.problems;
      throw err;
    }
    // What follows the configuration (pidfile, VRRP) is done when `reload` is announced.
    this.deps.onReloaded?.(checked.config, checked.routing);
    const s = summarize(engine);
    events.info(
      { event: 'reload', result: 'ok', signal, ...summary, ...s, durationMs: Date.now() - started },
      `Reload complete: ${readyStatus(s)}`,
    );
    return [];
  }
}

export function summarize(engine: Engine): RuntimeSummary {
  let servers = 0;
  let serversUp = 0;
  for (const be of engine.backends.values()) {
    for (const s of be.servers) {
      servers++;
      if (s.usable) serversUp++;
    }
  }
  return { frontends: engine.frontends.size, backends: engine.backends.size, servers, serversUp };
}
