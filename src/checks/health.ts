// A server's health as HAProxy 2.6 keeps it, pure: time comes from an
// injected clock and each check run from an injected runner, so the rules
// can be tested without sockets or waiting.
//
// The rules (check.c, server.c):
// - One counter per check, 0..rise+fall-1. The server is UP while the
//   counter is >= rise. At startup it is `rise`: UP, but one failure away
//   from DOWN ("start OK but check immediately"), and checked at fastinter.
// - A failure lowers the counter by one; once below rise it drops to 0 and
//   the server goes DOWN. A success raises it by one; once at rise it jumps
//   to the top and the server goes UP. So from fully UP it takes `fall`
//   failures to go DOWN, and from DOWN `rise` successes to come back.
// - The next check is planned when one ends: `inter` at the top,
//   `downinter` when DOWN at 0, `fastinter` in between (each defaulting to
//   inter), plus `spread-checks` percent of random noise either way.
// - An agent check has its own counter with rise = fall = 1. Only what the
//   agent says counts ("down", "fail", "stopped" mark the server DOWN; "up"
//   lets it come back); failing to reach the agent changes nothing. A server
//   comes UP only when both its health check and its agent allow it.

import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { CheckProtocol } from '../config/model.ts';
import { agentScript } from './agent.ts';
import { scriptFor } from './protocols.ts';
import type { Script } from './script.ts';
import { makeResult, statusHasData, statusOutcome, type AgentCommand, type CheckResult, type CheckStatus } from './status.ts';

/** Who is checked, and where a check connects by default. */
export interface CheckTarget {
  backend: string;
  server: string;
  host: string;
  /** The server's port; checks use `checkPort` / the agent its own. */
  port: number;
  backup?: boolean;
  /**
   * How checks reach the server itself (no `addr`/`port` of their own): its
   * UNIX socket, the PROXY header it expects, TLS. `check-send-proxy` and
   * `check-ssl` set `proxyFirst` / `tls` whatever the address.
   */
  path?: string;
  proxyFirst?: Endpoint['preamble'];
  tls?: ConnectionOptions;
  /** `check-send-proxy` / `check-ssl`: also when the check has its own address or port. */
  forced?: { proxy: boolean; ssl: boolean };
}

/** A server's health check (`check`), with HAProxy's defaults filled in by `healthSettings`. */
export interface CheckSettings {
  protocol: CheckProtocol;
  inter: number;
  fastinter?: number;
  downinter?: number;
  rise: number;
  fall: number;
  /** `timeout connect` of the backend. */
  timeoutConnect?: number;
  /** `timeout check`: the read timeout once connected; unset, `inter` bounds the whole check. */
  timeoutCheck?: number;
  /** `addr`, `port` on the server line. */
  checkAddr?: string;
  checkPort?: number;
}

/** A server's agent check (`agent-check`). */
export interface AgentSettings {
  port: number;
  addr?: string;
  inter: number;
  send?: string;
  timeoutConnect?: number;
  timeoutCheck?: number;
}

export interface HealthSettings {
  check?: CheckSettings;
  agent?: AgentSettings;
}

export type CheckSource = 'check' | 'agent';

/** One finished check, with the counter HAProxy shows ("status: 2/3 UP"). */
export interface CheckReport {
  source: CheckSource;
  result: CheckResult;
  /** The check's health counter after this result, and its bounds. */
  health: number;
  rise: number;
  fall: number;
  /** The server's state after this result (before a transition it may cause). */
  up: boolean;
  /**
   * True when HAProxy's `option log-health-checks` logs this check: its
   * status changed or the counter moved. Never for neutral agent replies.
   */
  changed: boolean;
}

export interface HealthEvents {
  /** Once per server transition, with the result that caused it. */
  onTransition(up: boolean, result: CheckResult, source: CheckSource): void;
  /** After every check (stats, `option log-health-checks`). */
  onCheck?(report: CheckReport): void;
  /** What an agent asked for (weight, drain, maint, maxconn); health words are applied here already. */
  onAgent?(command: AgentCommand, result: CheckResult): void;
}

/** Timers, injected (check durations are the runner's to measure). */
export interface Clock {
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export interface Endpoint {
  host: string;
  port: number;
  /** A UNIX socket instead of host and port. */
  path?: string;
  /** Written first on the connection, made from it (a PROXY header). */
  preamble?: (s: Socket) => Buffer | string;
  /** The connection speaks TLS with these options before the check's own steps (the server's `ssl` settings). */
  tls?: ConnectionOptions;
}

/** How long one check may take (see `CheckSettings.timeoutCheck`). */
export interface CheckTiming {
  inter: number;
  timeoutConnect?: number;
  timeoutCheck?: number;
}

/** Runs one script against an endpoint to its result; resolves (never rejects). */
export type CheckRunner = (script: Script, endpoint: Endpoint, timing: CheckTiming, signal: AbortSignal) => Promise<CheckResult>;

export interface HealthDeps {
  clock: Clock;
  runner: CheckRunner;
  /** [0, 1); for `spread-checks`. */
  random?: () => number;
  /** Global `spread-checks` percent (HAProxy default 0). */
  spreadPercent?: number;
  /** Delay before the first check; spread servers with `startOffset`. */
  initialDelay?: number;
}

/**
 * HAProxy's start-up spread: with `count` checks sharing the smallest
 * interval `minInter`, the check at `position` starts minInter*position/count
 * after start, so the checks of many servers never fire together.
 */
export function startOffset(position: number, count: number, minInter: number): number {
  return count > 0 ? Math.floor((minInter * position) / count) : 0;
}

interface Track {
  readonly source: CheckSource;
  readonly script: Script;
  readonly endpoint: Endpoint;
  readonly timing: CheckTiming;
  readonly rise: number;
  readonly fall: number;
  readonly fastinter?: number;
  readonly downinter?: number;
  health: number;
  prevStatus: CheckStatus;
  timer: unknown;
  abort: AbortController | undefined;
  last: CheckResult | undefined;
  failed: number;
}

/** The health of one server: runs its checks, counts, and reports transitions. */
export class ServerHealth {
  readonly target: CheckTarget;
  private readonly events: HealthEvents;
  private readonly deps: HealthDeps;
  private readonly check: Track | undefined;
  private readonly agent: Track | undefined;
  private isUp = true;
  private running = false;
  private maint = false;

  constructor(target: CheckTarget, settings: HealthSettings, events: HealthEvents, deps: HealthDeps) {
    this.target = target;
    this.events = events;
    this.deps = deps;
    const c = settings.check;
    if (c) {
      this.check = {
        source: 'check',
        script: scriptFor(c.protocol),
        endpoint: checkEndpoint(target, c.checkAddr, c.checkPort),
        timing: { inter: c.inter, timeoutConnect: c.timeoutConnect, timeoutCheck: c.timeoutCheck },
        rise: c.rise,
        fall: c.fall,
        fastinter: c.fastinter,
        downinter: c.downinter,
        health: c.rise,
        prevStatus: 'INI',
        timer: undefined,
        abort: undefined,
        last: undefined,
        failed: 0,
      };
    }
    const a = settings.agent;
    if (a) {
      this.agent = {
        source: 'agent',
        script: agentScript(a.send),
        endpoint: { host: a.addr ?? target.host, port: a.port },
        timing: { inter: a.inter, timeoutConnect: a.timeoutConnect, timeoutCheck: a.timeoutCheck },
        rise: 1,
        fall: 1,
        health: 1,
        prevStatus: 'INI',
        timer: undefined,
        abort: undefined,
        last: undefined,
        failed: 0,
      };
    }
  }

  /** The server's health: UP at start, as in HAProxy. */
  get up(): boolean {
    return this.isUp;
  }

  get lastResult(): CheckResult | undefined {
    return this.check?.last;
  }

  get lastAgentResult(): CheckResult | undefined {
    return this.agent?.last;
  }

  /** Counters for the stats: health (0..rise+fall-1) and failed checks (`chkfail`). */
  get counters(): { checkHealth?: number; agentHealth?: number; failedChecks: number } {
    return {
      checkHealth: this.check?.health,
      agentHealth: this.agent?.health,
      failedChecks: (this.check?.failed ?? 0) + (this.agent?.failed ?? 0),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const delay = this.deps.initialDelay ?? 0;
    if (this.check && !this.maint) this.schedule(this.check, delay);
    if (this.agent) this.schedule(this.agent, delay);
  }

  stop(): void {
    this.running = false;
    for (const t of [this.check, this.agent]) {
      if (!t) continue;
      if (t.timer !== undefined) this.deps.clock.clearTimer(t.timer);
      t.timer = undefined;
      t.abort?.abort();
      t.abort = undefined;
    }
  }

  /**
   * Maintenance (agent "maint", `disabled`, the runtime API): HAProxy pauses
   * the health check and counts the server DOWN; the agent keeps running so
   * it can say "ready". Leaving it, the check restarts at `rise` ("start OK
   * but check immediately") and the server is UP unless its agent says
   * otherwise. No transition event: the caller words these changes itself
   * ("is going DOWN for maintenance").
   */
  setMaintenance(on: boolean): void {
    if (on === this.maint) return;
    this.maint = on;
    const c = this.check;
    if (on) {
      this.isUp = false;
      if (!c) return;
      c.health = 0;
      if (c.timer !== undefined) this.deps.clock.clearTimer(c.timer);
      c.timer = undefined;
      c.abort?.abort();
      c.abort = undefined;
      return;
    }
    if (c) c.health = c.rise;
    this.isUp = !this.agent || this.agent.health >= this.agent.rise;
    if (c && this.running) this.schedule(c, 0);
  }

  get inMaintenance(): boolean {
    return this.maint;
  }

  private schedule(t: Track, delay: number): void {
    t.timer = this.deps.clock.setTimer(() => this.runOnce(t), delay);
  }

  private runOnce(t: Track): void {
    t.timer = undefined;
    if (!this.running) return;
    const abort = new AbortController();
    t.abort = abort;
    const run = this.deps.runner(t.script, t.endpoint, t.timing, abort.signal)
      // A runner bug must not stop the checks: it counts as a socket error.
      .catch((e: unknown) => makeResult('SOCKERR', e instanceof Error ? e.message : String(e), 0, 0));
    void run.then((result) => {
      if (!this.running || abort.signal.aborted) return;
      t.abort = undefined;
      if (t.source === 'check') this.applyCheck(t, result);
      else this.applyAgent(t, result);
      if (this.running && !(t.source === 'check' && this.maint)) this.schedule(t, this.nextDelay(t));
    });
  }

  /** HAProxy's srv_getinter plus spread-checks noise. */
  private nextDelay(t: Track): number {
    const inter = t.timing.inter;
    let d: number;
    if (t.health === t.rise + t.fall - 1) d = inter;
    else if (!this.isUp && t.health === 0) d = t.downinter || inter;
    else d = t.fastinter || inter;
    const spread = this.deps.spreadPercent ?? 0;
    if (spread > 0) {
      const rv = Math.floor((d * spread) / 100);
      d += rv - Math.floor(2 * rv * (this.deps.random ?? Math.random)());
    }
    return Math.max(0, d);
  }

  /** Moves the counter as set_server_check_status does; true when it moved. */
  private count(t: Track, status: CheckStatus): boolean {
    const outcome = statusOutcome(status);
    if (outcome === 'failed') {
      // An agent that cannot be reached says nothing about the server.
      if ((t.source === 'check' || statusHasData(status)) && t.health > 0) {
        t.failed++;
        t.health--;
        if (t.health < t.rise) t.health = 0;
        return true;
      }
    } else if (outcome === 'passed' || outcome === 'condpass') {
      if (t.health < t.rise + t.fall - 1) {
        t.health++;
        if (t.health >= t.rise) t.health = t.rise + t.fall - 1;
        return true;
      }
    }
    return false;
  }

  private report(t: Track, result: CheckResult, moved: boolean): void {
    // HAProxy remembers even a neutral status, but never logs one.
    const neutral = statusOutcome(result.status) === 'neutral';
    const changed = !neutral && (result.status !== t.prevStatus || moved);
    t.prevStatus = result.status;
    t.last = result;
    this.events.onCheck?.({ source: t.source, result, health: t.health, rise: t.rise, fall: t.fall, up: this.isUp, changed });
  }

  private applyCheck(t: Track, result: CheckResult): void {
    const moved = this.count(t, result.status);
    this.report(t, result, moved);
    const outcome = statusOutcome(result.status);
    if (outcome === 'failed' && t.health === 0) this.setDown(result, 'check');
    else if (outcome === 'passed' || outcome === 'condpass') this.trySetUp(result, 'check');
  }

  private applyAgent(t: Track, result: CheckResult): void {
    const cmd = result.agent;
    // The agent's health words set its counter outright.
    if (cmd?.health === 'up') t.health = t.rise + t.fall - 1;
    else if (cmd?.health !== undefined) t.health = 0;
    if (cmd) this.events.onAgent?.(cmd, result);
    const moved = this.count(t, result.status);
    this.report(t, result, moved);
    const outcome = statusOutcome(result.status);
    if (outcome === 'failed' && statusHasData(result.status) && t.health === 0) this.setDown(result, 'agent');
    else if (outcome === 'passed') this.trySetUp(result, 'agent');
  }

  private setDown(result: CheckResult, source: CheckSource): void {
    if (!this.isUp || this.maint) return;
    this.isUp = false;
    this.events.onTransition(false, result, source);
  }

  private trySetUp(result: CheckResult, source: CheckSource): void {
    if (this.isUp || this.maint) return;
    if (this.check && this.check.health < this.check.rise) return;
    if (this.agent && this.agent.health < this.agent.rise) return;
    this.isUp = true;
    this.events.onTransition(true, result, source);
  }
}

/**
 * Where a server's checks connect: its own address unless `addr`/`port`
 * say otherwise; the UNIX socket, PROXY header and TLS of the traffic only
 * then (HAProxy's inheritance), unless `check-send-proxy` / `check-ssl`.
 */
function checkEndpoint(target: CheckTarget, addr: string | undefined, port: number | undefined): Endpoint {
  const own = addr === undefined && port === undefined;
  const e: Endpoint = { host: addr ?? target.host, port: port ?? target.port };
  if (own && target.path !== undefined) e.path = target.path;
  if (target.proxyFirst !== undefined && (own || target.forced?.proxy === true)) e.preamble = target.proxyFirst;
  if (target.tls !== undefined && (own || target.forced?.ssl === true)) e.tls = target.tls;
  return e;
}
