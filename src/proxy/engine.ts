// The proxy engine of one node: builds backends, frontends and listeners from
// the configuration model, starts and stops them, and swaps in a new
// configuration on reload. Everything the process runs hangs off one Engine.

import type { Config } from '../config/index.ts';
import { RuntimeBackend } from '../backend/index.ts';
import type { EventLogger } from '../events/index.ts';
import { AccessLog } from './access-log.ts';
import { ProcessCounters } from './counters.ts';
import { RuntimeFrontend } from './frontend.ts';
import { Listener, bindKey } from './listener.ts';
import { NO_TLS, type TlsMaterial, type TlsTerminator } from '../tls/index.ts';
import { sslCommands } from './ssl-commands.ts';
import { HealthMonitor } from './health.ts';
import { carryBackend, carryFrontend } from './carry-over.ts';
import { NO_RULES, type CompiledRouting } from './routing.ts';
import { RuntimeApi } from '../runtime/index.ts';
import { EmailAlerts } from '../alerts/index.ts';
import { hostname } from 'node:os';
import { buildCaches, cacheCommands } from './caches.ts';
import type { HttpCache } from '../cache/index.ts';
import { tableCommands } from '../runtime/index.ts';
import type { StickTable } from '../stick/index.ts';
import { StickPurger, bindStickTables, buildStickTables, serverIdOf } from './stick-tables.ts';
import { ServerResolvers, initServerAddresses, resolversCommands } from './server-resolution.ts';

interface Generation {
  readonly frontends: Map<string, RuntimeFrontend>;
  readonly backends: Map<string, RuntimeBackend>;
  readonly listeners: Array<{ frontend: RuntimeFrontend; listener: Listener }>;
  readonly accessLogs: AccessLog[];
  readonly caches: Map<string, HttpCache>;
  readonly tables: Map<string, StickTable>;
  readonly tls: TlsMaterial;
}

/** What a reload changed (logged by the caller as one `reload` event). */
export interface ReloadSummary {
  listenersKept: number;
  listenersOpened: number;
  listenersClosed: number;
  serversCarried: number;
  statsSocketsKept: number;
  statsSocketsOpened: number;
  statsSocketsClosed: number;
}

export interface EngineOptions {
  /**
   * One of the extra `nbthread` workers (src/threads): it serves its
   * listeners and nothing else. Health checks, the stats sockets and email
   * alerts belong to the main thread, which pushes server states here.
   */
  serveOnly?: boolean;
}

export class Engine {
  /** The configuration now in force (replaced by a reload). */
  config: Config;
  readonly counters: ProcessCounters;
  /** Filled in place on reload, so whoever holds these maps sees the new runtime. */
  readonly backends = new Map<string, RuntimeBackend>();
  readonly frontends = new Map<string, RuntimeFrontend>();
  readonly listeners: Array<{ frontend: RuntimeFrontend; listener: Listener }> = [];
  readonly events: EventLogger;
  private health: HealthMonitor;
  /** The `stats socket` CLI (runtime API). */
  readonly runtime: RuntimeApi;
  /** `email-alert`: server state changes mailed (rebuilt on reload; mails under way finish). */
  alerts: EmailAlerts;
  private accessLogs: AccessLog[] = [];
  /** Replaced frontends still finishing their sessions after a reload. */
  private readonly retiring = new Set<RuntimeFrontend>();
  private stopped = false;
  /** The `cache` sections in force (replaced by a reload; unchanged ones keep their content). */
  private caches = new Map<string, HttpCache>();
  /** Certificates and TLS settings in force (`show ssl cert`). */
  private tls: TlsMaterial = NO_TLS;
  /** The stick tables in force (a reload keeps the unchanged ones, entries and all). */
  private tables = new Map<string, StickTable>();
  private readonly purger = new StickPurger(() => this.tables.values());
  private readonly serveOnly: boolean;
  /** `resolvers` sections re-resolving server names (main thread only; workers get the addresses pushed). */
  private readonly resolvers = new ServerResolvers();

  constructor(config: Config, routing: CompiledRouting, events: EventLogger, options: EngineOptions = {}) {
    this.config = config;
    this.events = events;
    this.serveOnly = options.serveOnly === true;
    this.counters = new ProcessCounters(config.global.maxconn ?? 0);
    const g = this.build(config, routing);
    this.install(g);
    this.counters.onInvalid = (kind, where, detail) =>
      events.debug({ event: kind, where, detail }, `${kind} from ${where}: ${detail}`);
    this.alerts = new EmailAlerts(config, { hostname: hostname(), events });
    this.health = new HealthMonitor(this, events);
    const engine = this;
    this.runtime = new RuntimeApi({
      // A getter: the runtime API must read the configuration in force after a reload.
      get config() {
        return engine.config;
      },
      counters: this.counters,
      backends: this.backends,
      frontends: this.frontends,
      events,
      checkOf: (s) => this.health.checkOf(s),
      get alerts() {
        return engine.alerts;
      },
    });
    this.runtime.registry.add(...cacheCommands(() => this.caches.values()));
    this.runtime.registry.add(...sslCommands(() => this.tls));
    this.runtime.registry.add(...resolversCommands(this.resolvers));
    this.runtime.registry.add(
      ...tableCommands({
        tables: () => this.tables,
        serverId: (table, server) => serverIdOf(this.backends, table, server),
        serverName: (table, id) => {
          const own = this.backends.get(table)?.servers.find((x) => x.id === id);
          if (own !== undefined) return own.name;
          for (const be of this.backends.values()) for (const x of be.servers) if (x.id === id) return x.name;
          return undefined;
        },
      }),
    );
  }

  /** Runtime objects for a configuration; listeners created but not bound. */
  private build(config: Config, routing: CompiledRouting): Generation {
    const g: Generation = {
      frontends: new Map(),
      backends: new Map(),
      listeners: [],
      accessLogs: [],
      caches: buildCaches(config, this.caches),
      tables: buildStickTables(config, routing.tables, this.tables),
      tls: routing.tls.tls,
    };
    for (const b of config.backends.values()) {
      if (b.disabled) continue;
      g.backends.set(b.name, new RuntimeBackend(b, routing.backends.get(b.name) ?? NO_RULES));
    }
    for (const b of config.backends.values()) {
      const rb = g.backends.get(b.name);
      if (rb === undefined) continue;
      for (const s of b.servers) {
        const rs = rb.byName.get(s.name);
        if (rs === undefined) continue;
        rs.tls = routing.tls.tls.servers.get(s) ?? null;
        rs.sni = routing.tls.serverSni.get(s) ?? null;
      }
    }
    bindStickTables(routing.tables, g.tables, g.backends);
    for (const f of config.frontends.values()) {
      if (f.disabled) continue;
      const log = AccessLog.forProxy(f, config.global);
      if (log !== null) g.accessLogs.push(log);
      const fe = new RuntimeFrontend(f, g.backends, this.counters, log, routing.frontends.get(f.name) ?? NO_RULES);
      fe.caches = g.caches;
      fe.h2MaxStreams = config.global.tune.h2MaxConcurrentStreams ?? 100;
      g.frontends.set(f.name, fe);
      for (const b of f.binds) g.listeners.push({ frontend: fe, listener: new Listener(b, fe, routing.tls.tls.binds.get(b) ?? null) });
    }
    return g;
  }

  private install(g: Generation): void {
    this.backends.clear();
    for (const [k, v] of g.backends) this.backends.set(k, v);
    this.frontends.clear();
    for (const [k, v] of g.frontends) {
      this.frontends.set(k, v);
      this.counters.addAdmitter(v);
      v.process = this;
    }
    this.listeners.length = 0;
    this.listeners.push(...g.listeners);
    this.accessLogs = g.accessLogs;
    this.caches = g.caches;
    this.tables = g.tables;
    this.tls = g.tls;
  }

  /** The stick tables in force, by name (the peers part replicates those whose def.peers is set). */
  stickTables(): ReadonlyMap<string, StickTable> {
    return this.tables;
  }

  /** The `cache` sections in force, by name (nbthread keeps every thread's copy alike). */
  httpCaches(): ReadonlyMap<string, HttpCache> {
    return this.caches;
  }

  /** Resolve server names, bind every listener, start health checks. */
  async start(): Promise<void> {
    const unresolved = await initServerAddresses(this.backends);
    if (unresolved.length > 0) throw new StartError(unresolved);
    const failures: string[] = [];
    await Promise.all(
      this.listeners.map(({ frontend, listener }) =>
        listener.listen().catch((err: Error) => {
          failures.push(`Starting ${frontend.config.fromListen ? 'proxy' : 'frontend'} ${frontend.name}: ${err.message}`);
        }),
      ),
    );
    if (!this.serveOnly) failures.push(...(await this.runtime.start()));
    if (failures.length > 0) {
      await Promise.all(this.listeners.map(({ listener }) => listener.close()));
      await this.runtime.stop();
      throw new StartError(failures);
    }
    if (!this.serveOnly) this.health.start();
    if (!this.serveOnly) this.reportResolvers(await this.resolvers.start(this.config, this.backends, this.runtime.host));
    this.purger.start();
    for (const { frontend, listener } of this.listeners) {
      this.events.info(
        { event: 'listener-bound', frontend: frontend.name, address: listener.label, port: listener.port },
        `Proxy ${frontend.name} listening on ${listener.label}`,
      );
    }
  }

  /**
   * Put `config` in force without dropping a connection. Everything that can
   * fail (name resolution, binding new addresses) happens before anything
   * changes: on failure the running configuration is untouched and a
   * StartError lists the problems. Then: listeners whose address did not
   * change keep their socket and hand new connections to the new frontend;
   * removed ones close; in-flight sessions finish on the objects they
   * started with; servers that keep their backend, name and address keep
   * their health, admin state, weight and counters.
   */
  async reload(config: Config, routing: CompiledRouting): Promise<ReloadSummary> {
    if (this.stopped) throw new StartError(['the engine is stopping']);
    const g = this.build(config, routing);
    let serversCarried = 0;
    for (const [name, nb] of g.backends) {
      const ob = this.backends.get(name);
      if (ob !== undefined) serversCarried += carryBackend(ob, nb);
    }
    for (const [name, nf] of g.frontends) {
      const of = this.frontends.get(name);
      if (of !== undefined) carryFrontend(of, nf);
    }
    const unresolved = await initServerAddresses(g.backends);
    if (unresolved.length > 0) {
      await Promise.all(g.accessLogs.map((l) => l.close()));
      throw new StartError(unresolved);
    }
    const old = new Map<string, Listener>();
    for (const { listener } of this.listeners) old.set(bindKey(listener.bind), listener);
    const newTls = new Map<Listener, TlsTerminator | null>();
    const kept = new Set<Listener>();
    const opened: Array<{ frontend: RuntimeFrontend; listener: Listener }> = [];
    const failures: string[] = [];
    for (let i = 0; i < g.listeners.length; i++) {
      const entry = g.listeners[i];
      const same = old.get(bindKey(entry.listener.bind));
      if (same !== undefined && !kept.has(same)) {
        kept.add(same);
        // The kept socket takes the new certificates and TLS settings.
        newTls.set(same, entry.listener.tls);
        g.listeners[i] = { frontend: entry.frontend, listener: same };
        continue;
      }
      opened.push(entry);
    }
    await Promise.all(
      opened.map(({ frontend, listener }) =>
        listener.listen().catch((err: Error) => {
          failures.push(`Starting ${frontend.config.fromListen ? 'proxy' : 'frontend'} ${frontend.name}: ${err.message}`);
        }),
      ),
    );
    if (failures.length > 0) {
      await Promise.all(opened.map(({ listener }) => listener.close()));
      await Promise.all(g.accessLogs.map((l) => l.close()));
      throw new StartError(failures);
    }
    // From here on nothing fails: commit.
    const closing: Listener[] = [];
    for (const l of old.values()) if (!kept.has(l)) closing.push(l);
    for (const { frontend, listener } of g.listeners) {
      const bind = frontend.config.binds.find((b) => bindKey(b) === bindKey(listener.bind)) ?? listener.bind;
      listener.retarget(frontend, bind, newTls.has(listener) ? newTls.get(listener)! : listener.tls);
    }
    for (const l of closing) void l.close();
    const oldFrontends = [...this.frontends.values()];
    const oldBackends = [...this.backends.values()];
    const oldLogs = this.accessLogs;
    const oldHealth = this.health;
    this.install(g);
    this.config = config;
    this.alerts = new EmailAlerts(config, { hostname: hostname(), events: this.events });
    this.counters.maxconn = config.global.maxconn ?? 0;
    for (const be of this.backends.values()) be.serversChanged();
    this.health = oldHealth.handOver(this);
    if (!this.serveOnly) this.health.start();
    if (!this.serveOnly) this.reportResolvers(await this.resolvers.start(config, this.backends, this.runtime.host));
    // `disable health` sticks to a server the reload carried over.
    const disabled = this.runtime.state.healthDisabled;
    for (const s of [...disabled]) {
      disabled.delete(s);
      const now = this.backends.get(s.backendName)?.byName.get(s.name);
      if (now !== undefined && this.health.checkOf(now) !== undefined) disabled.add(now);
    }
    for (const fe of oldFrontends) {
      fe.stopping = true;
      this.retiring.add(fe);
    }
    void this.retire(oldFrontends, oldBackends, oldLogs, config.global.hardStopAfter ?? 0);
    for (const { frontend, listener } of opened) {
      this.events.info(
        { event: 'listener-bound', frontend: frontend.name, address: listener.label, port: listener.port },
        `Proxy ${frontend.name} listening on ${listener.label}`,
      );
    }
    // Stats sockets follow the file too; the proxies are already switched, so a socket that fails is reported, not fatal.
    const sockets = this.serveOnly ? NO_SOCKETS : await this.runtime.reconfigure(config.global.statsSockets);
    for (const f of sockets.failures) this.events.error({ event: 'stats-socket-failed', error: f }, f);
    return {
      listenersKept: kept.size,
      listenersOpened: opened.length,
      listenersClosed: closing.length,
      serversCarried,
      statsSocketsKept: sockets.kept,
      statsSocketsOpened: sockets.opened,
      statsSocketsClosed: sockets.closed,
    };
  }

  /**
   * Replaced frontends finish what they have (keep-alive clients until their
   * timeouts, or `hard-stop-after`), then their logs and the old servers'
   * idle connections close.
   */
  private async retire(fes: RuntimeFrontend[], bes: RuntimeBackend[], logs: AccessLog[], hardStopAfter: number): Promise<void> {
    const deadline = hardStopAfter > 0 ? Date.now() + hardStopAfter : Infinity;
    for (;;) {
      let n = 0;
      for (const fe of fes) n += fe.sessions.size;
      if (n === 0 || this.stopped) break;
      if (Date.now() >= deadline) {
        for (const fe of fes) fe.abortAll();
        break;
      }
      await new Promise((r) => setTimeout(r, 100).unref());
    }
    for (const fe of fes) {
      this.retiring.delete(fe);
      this.counters.removeAdmitter(fe);
    }
    for (const be of bes) for (const s of be.servers) s.closeIdle();
    await Promise.all(logs.map((l) => l.close()));
  }

  /** Resolvers that could not start leave their servers on their current addresses: logged, not fatal. */
  private reportResolvers(problems: string[]): void {
    for (const p of problems) this.events.error({ event: 'resolvers-failed', error: p }, p);
  }

  /** Stop accepting; with `graceful`, wait for sessions to end (up to `hardStopAfter` ms). */
  async stop(graceful: boolean, hardStopAfter = 0): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.health.stop();
    this.resolvers.stop();
    this.purger.stop();
    // Frontends replaced by a reload and still draining stop with the rest.
    const all = [...this.frontends.values(), ...this.retiring];
    for (const fe of all) fe.stopping = true;
    const closing = Promise.all([...this.listeners.map(({ listener }) => listener.close()), this.runtime.stop()]);
    if (!graceful) {
      for (const fe of all) fe.abortAll();
    } else {
      for (const fe of all) fe.softStopAll();
      await drain(all, hardStopAfter);
    }
    for (const be of this.backends.values()) for (const s of be.servers) s.closeIdle();
    await closing;
    await Promise.all(this.accessLogs.map((l) => l.close()));
  }
}

const NO_SOCKETS = { kept: 0, opened: 0, closed: 0, failures: [] as string[] };

async function drain(frontends: RuntimeFrontend[], hardStopAfter: number): Promise<void> {
  const deadline = hardStopAfter > 0 ? Date.now() + hardStopAfter : Infinity;
  for (;;) {
    let n = 0;
    for (const fe of frontends) n += fe.sessions.size;
    if (n === 0) return;
    if (Date.now() >= deadline) {
      for (const fe of frontends) fe.abortAll();
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class StartError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}
