// The proxy engine of one node: builds backends, frontends and listeners from
// the configuration model, starts and stops them. Everything the process
// runs hangs off one Engine.

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Config } from '../config/index.ts';
import { RuntimeBackend } from '../backend/index.ts';
import type { EventLogger } from '../events/index.ts';
import { AccessLog } from './access-log.ts';
import { ProcessCounters } from './counters.ts';
import { RuntimeFrontend } from './frontend.ts';
import { Listener } from './listener.ts';
import { HealthMonitor } from './health.ts';
import { NO_RULES, type CompiledRouting } from './routing.ts';
import { RuntimeApi } from '../runtime/index.ts';

export class Engine {
  readonly config: Config;
  readonly counters: ProcessCounters;
  readonly backends = new Map<string, RuntimeBackend>();
  readonly frontends = new Map<string, RuntimeFrontend>();
  readonly listeners: Array<{ frontend: RuntimeFrontend; listener: Listener }> = [];
  readonly events: EventLogger;
  private readonly health: HealthMonitor;
  /** The `stats socket` CLI (runtime API). */
  readonly runtime: RuntimeApi;
  private readonly accessLogs: AccessLog[] = [];
  private stopped = false;

  constructor(config: Config, routing: CompiledRouting, events: EventLogger) {
    this.config = config;
    this.events = events;
    this.counters = new ProcessCounters(config.global.maxconn ?? 0);
    for (const b of config.backends.values()) {
      if (b.disabled) continue;
      this.backends.set(b.name, new RuntimeBackend(b, routing.backends.get(b.name) ?? NO_RULES));
    }
    for (const f of config.frontends.values()) {
      if (f.disabled) continue;
      const log = AccessLog.forProxy(f, config.global);
      if (log !== null) this.accessLogs.push(log);
      const fe = new RuntimeFrontend(f, this.backends, this.counters, log, routing.frontends.get(f.name) ?? NO_RULES);
      this.frontends.set(f.name, fe);
      this.counters.addAdmitter(fe);
      for (const b of f.binds) {
        this.listeners.push({ frontend: fe, listener: new Listener(b, (s) => fe.accept(s)) });
      }
    }
    this.counters.onInvalid = (kind, where, detail) =>
      events.debug({ event: kind, where, detail }, `${kind} from ${where}: ${detail}`);
    this.health = new HealthMonitor(this, events);
    this.runtime = new RuntimeApi({
      config,
      counters: this.counters,
      backends: this.backends,
      frontends: this.frontends,
      events,
      checkOf: (s) => this.health.checkOf(s),
    });
  }

  /** Resolve server names, bind every listener, start health checks. */
  async start(): Promise<void> {
    await this.resolveServers();
    const failures: string[] = [];
    await Promise.all(
      this.listeners.map(({ frontend, listener }) =>
        listener.listen().catch((err: Error) => {
          failures.push(`Starting ${frontend.config.fromListen ? 'proxy' : 'frontend'} ${frontend.name}: ${err.message}`);
        }),
      ),
    );
    failures.push(...(await this.runtime.start()));
    if (failures.length > 0) {
      await Promise.all(this.listeners.map(({ listener }) => listener.close()));
      await this.runtime.stop();
      throw new StartError(failures);
    }
    this.health.start();
    for (const { frontend, listener } of this.listeners) {
      this.events.info(
        { event: 'listener-bound', frontend: frontend.name, address: listener.label, port: listener.port },
        `Proxy ${frontend.name} listening on ${listener.label}`,
      );
    }
  }

  /**
   * Server addresses given as names are resolved once at start-up through
   * the system resolver (HAProxy's default `init-addr libc`).
   */
  private async resolveServers(): Promise<void> {
    const errors: string[] = [];
    const jobs: Array<Promise<void>> = [];
    for (const be of this.backends.values()) {
      for (const s of be.servers) {
        if (isIP(s.host) !== 0) continue;
        jobs.push(
          lookup(s.host, { family: s.family === 6 ? 6 : s.family === 4 ? 4 : 0 }).then(
            (r) => {
              s.host = r.address;
            },
            () => {
              errors.push(
                `${s.config.pos.file}:${s.config.pos.line}: could not resolve address '${s.host}' for server '${be.name}/${s.name}'`,
              );
            },
          ),
        );
      }
    }
    await Promise.all(jobs);
    if (errors.length > 0) throw new StartError(errors);
  }

  /** Stop accepting; with `graceful`, wait for sessions to end (up to `hardStopAfter` ms). */
  async stop(graceful: boolean, hardStopAfter = 0): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.health.stop();
    for (const fe of this.frontends.values()) fe.stopping = true;
    const closing = Promise.all([...this.listeners.map(({ listener }) => listener.close()), this.runtime.stop()]);
    if (!graceful) {
      for (const fe of this.frontends.values()) fe.abortAll();
    } else {
      for (const fe of this.frontends.values()) fe.softStopAll();
      await this.drain(hardStopAfter);
    }
    for (const be of this.backends.values()) for (const s of be.servers) s.closeIdle();
    await closing;
    await Promise.all(this.accessLogs.map((l) => l.close()));
  }

  private async drain(hardStopAfter: number): Promise<void> {
    const deadline = hardStopAfter > 0 ? Date.now() + hardStopAfter : Infinity;
    for (;;) {
      let n = 0;
      for (const fe of this.frontends.values()) n += fe.sessions.size;
      if (n === 0) return;
      if (Date.now() >= deadline) {
        for (const fe of this.frontends.values()) fe.abortAll();
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export class StartError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}
