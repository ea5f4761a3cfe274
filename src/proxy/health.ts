// Connects the health checks to the servers: a check's verdict changes the
// server's state, the balancer is told, and the change is logged once in
// HAProxy's words (with a stable `event` field). Agent replies set weight,
// drain/maint and maxconn as HAProxy's agent-check does.

import {
  HealthCheck,
  agentWeight,
  checkLogMessage,
  healthSettings,
  noServerMessage,
  startOffset,
  transitionMessage,
  type AgentCommand,
  type CheckResult,
  type CheckTarget,
} from '../checks/index.ts';
import type { RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import type { EventLogger } from '../events/index.ts';
import type { EmailAlerts } from '../alerts/index.ts';
import { encodeProxyV1, encodeProxyV2 } from './proxy-protocol.ts';
import { serverTlsOptions } from '../tls/index.ts';

export interface HealthHost {
  readonly backends: Map<string, RuntimeBackend>;
  /** Told of every server going UP or DOWN (mailed by `email-alert`). */
  readonly alerts?: Pick<EmailAlerts, 'serverEvent'>;
}

/** Whom a running check reports to; a reload points it at the new runtime objects. */
interface Binding {
  be: RuntimeBackend;
  s: RuntimeServer;
  logHealth: boolean;
  /** The check's settings and target, to tell whether a reload changed them. */
  readonly key: string;
}

type Settings = NonNullable<ReturnType<typeof healthSettings>>;

export class HealthMonitor {
  private readonly checks: HealthCheck[] = [];
  private readonly byServer = new Map<RuntimeServer, HealthCheck>();
  private readonly bindings = new Map<HealthCheck, Binding>();
  private readonly host: HealthHost;
  private readonly events: EventLogger;

  constructor(host: HealthHost, events: EventLogger) {
    this.host = host;
    this.events = events;
  }

  start(): void {
    const pending: Array<{ be: RuntimeBackend; s: RuntimeServer; settings: Settings }> = [];
    for (const be of this.host.backends.values()) {
      for (const s of be.servers) {
        if (this.byServer.has(s)) continue;
        const settings = healthSettings(be.config, s.config);
        if (settings !== undefined) pending.push({ be, s, settings });
      }
    }
    // Spread the first checks over the smallest interval, as HAProxy does, so
    // that many servers are not checked in the same millisecond.
    const minInter = Math.min(...pending.map((p) => p.settings.check?.inter ?? p.settings.agent?.inter ?? 2000));
    pending.forEach(({ be, s, settings }, i) => {
      const b: Binding = { be, s, logHealth: be.config.options.logHealthChecks === true, key: settingsKey(s, settings) };
      const hc = new HealthCheck(
        checkTarget(be, s),
        settings,
        {
          onTransition: (up, result) => this.transition(b.be, b.s, up, result, b.logHealth),
          onCheck: (report) => {
            if (b.logHealth && report.changed) {
              const target = { backend: b.be.name, server: b.s.name, backup: b.s.backup };
              this.events.info({ event: 'health-check', backend: b.be.name, server: b.s.name }, checkLogMessage(target, report));
            }
          },
          onAgent: (cmd) => this.agent(b.be, b.s, cmd),
        },
        { initialDelay: startOffset(i, pending.length, minInter) },
      );
      this.checks.push(hc);
      this.byServer.set(s, hc);
      this.bindings.set(hc, b);
      hc.start();
    });
  }

  /**
   * A reload: checks of servers that kept their backend, name, address and
   * check settings keep running (their rise/fall state intact) and now
   * report to the new server objects; the others stop. Servers that get a
   * fresh check start UP, as at start-up. Call start() on the result.
   */
  handOver(host: HealthHost): HealthMonitor {
    const next = new HealthMonitor(host, this.events);
    for (const hc of this.checks) {
      const b = this.bindings.get(hc)!;
      const be = host.backends.get(b.be.name);
      const s = be?.byName.get(b.s.name);
      const settings = be !== undefined && s !== undefined ? healthSettings(be.config, s.config) : undefined;
      if (be === undefined || s === undefined || settings === undefined || settingsKey(s, settings) !== b.key) {
        hc.stop();
        continue;
      }
      b.be = be;
      b.s = s;
      b.logHealth = be.config.options.logHealthChecks === true;
      next.checks.push(hc);
      next.byServer.set(s, hc);
      next.bindings.set(hc, b);
    }
    for (const be of host.backends.values()) {
      for (const s of be.servers) {
        if (next.byServer.has(s) || s.checkUp) continue;
        s.checkUp = true;
        s.refreshUsable();
      }
    }
    this.checks.length = 0;
    this.byServer.clear();
    this.bindings.clear();
    return next;
  }

  stop(): void {
    for (const c of this.checks) c.stop();
    this.checks.length = 0;
    this.byServer.clear();
    this.bindings.clear();
  }

  /** The server's health check (read by the runtime API's stats and `enable/disable health`). */
  checkOf(s: RuntimeServer): HealthCheck | undefined {
    return this.byServer.get(s);
  }

  private transition(be: RuntimeBackend, s: RuntimeServer, up: boolean, result: CheckResult, logHealth: boolean): void {
    s.checkUp = up;
    s.lastChange = Date.now();
    if (!up) s.downTransitions++;
    s.refreshUsable();
    be.serversChanged();
    let active = 0;
    let backup = 0;
    for (const x of be.servers) if (x.usable) x.backup ? backup++ : active++;
    const msg = transitionMessage({
      backend: be.name,
      server: s.name,
      backup: s.backup,
      up,
      result: logHealth ? undefined : result,
      activeServers: active,
      backupServers: backup,
      sessionsActive: s.active,
      requeued: 0,
      queued: 0,
    });
    const fields = { event: up ? 'server-up' : 'server-down', backend: be.name, server: s.name, status: result.status, info: result.info };
    if (up) this.events.info(fields, msg);
    else this.events.warn(fields, msg);
    // As HAProxy: DOWN is an alert, unless the server was only draining; UP a notice.
    this.host.alerts?.serverEvent(be.name, up || s.admin === 'drain' ? 'notice' : 'alert', msg);
    if (!up && active === 0 && backup === 0) {
      this.events.error({ event: 'backend-down', backend: be.name }, noServerMessage('backend', be.name));
    }
  }

  private agent(be: RuntimeBackend, s: RuntimeServer, cmd: AgentCommand): void {
    let changed = false;
    if (cmd.weightPercent !== undefined) {
      const w = agentWeight(s.configuredWeight, cmd.weightPercent);
      if (w !== s.weight) {
        s.weight = w;
        changed = true;
      }
    }
    if (cmd.admin !== undefined && cmd.admin !== s.admin) {
      s.admin = cmd.admin;
      changed = true;
    }
    if (cmd.maxconn !== undefined && cmd.maxconn !== s.maxconn) {
      s.maxconn = cmd.maxconn;
      changed = true;
    }
    if (!changed) return;
    s.refreshUsable();
    be.serversChanged();
    this.events.info(
      { event: 'server-agent', backend: be.name, server: s.name, weight: s.weight, admin: s.admin, maxconn: s.maxconn },
      `Server ${be.name}/${s.name} agent: weight ${s.weight}, state ${s.admin.toUpperCase()}`,
    );
  }
}

function settingsKey(s: RuntimeServer, settings: Settings): string {
  return JSON.stringify([s.host, s.port, s.backup, settings], (_k, v: unknown) => (v instanceof RegExp ? String(v) : v));
}

/**
 * What a server's checks connect to and how: its address or UNIX socket,
 * the PROXY header it expects (`send-proxy*`, `check-send-proxy`: the check
 * connection's own addresses, as HAProxy writes them), TLS (`ssl`,
 * `check-ssl`: the server's verify and CA settings, `check-sni`, `check-alpn`).
 */
function checkTarget(be: RuntimeBackend, s: RuntimeServer): CheckTarget {
  const c = s.config;
  const t: CheckTarget = { backend: be.name, server: s.name, host: s.host, port: s.port, backup: s.backup };
  if (s.path !== null) t.path = s.path;
  const version = c.sendProxy !== undefined && c.sendProxy !== 0 ? c.sendProxy : c.checkSendProxy === true ? 1 : 0;
  if (version !== 0) {
    t.proxyFirst = (sock) => {
      const a = sock.localAddress === undefined || sock.remoteAddress === undefined
        ? null
        : { src: sock.localAddress, srcPort: sock.localPort ?? 0, dst: sock.remoteAddress, dstPort: sock.remotePort ?? 0 };
      return version === 1 ? encodeProxyV1(a) : encodeProxyV2(a);
    };
  }
  if (s.tls !== null && s.tls.checks) t.tls = serverTlsOptions(s.tls, c.checkSni, true);
  t.forced = { proxy: c.checkSendProxy === true, ssl: c.checkSsl === true };
  return t;
}
