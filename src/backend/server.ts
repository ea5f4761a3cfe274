// A server at run time: its address, its state (as the balancers, the checks
// and later the runtime API see it), its counters, and the idle connections
// kept for reuse.

import type { Server as ServerConfig } from '../config/index.ts';
import type { LbServer } from '../lb/index.ts';
import type { SampleExpression } from '../acl/index.ts';
import type { ServerTlsPlan } from '../tls/index.ts';
import { LiveCount } from './live-count.ts';

/** Administrative state, as `set server ... state` sets it. */
export type AdminState = 'ready' | 'drain' | 'maint';

export class RuntimeServer implements LbServer {
  readonly name: string;
  readonly id: number;
  readonly backup: boolean;
  host: string;
  /** Changed at run time by `set server B/S addr A port P`. */
  port: number;
  family: 0 | 4 | 6;
  /**
   * In maintenance because its name does not resolve (HAProxy's RMAINT):
   * `init-addr none`, or a `resolvers` error that outlived its hold period.
   * Kept apart from `admin` so that leaving it restores what the operator set.
   */
  resolutionMaint = false;
  /** A UNIX-socket server's path (`server s1 /run/app.sock`, `unix@...`); null for an address and port. */
  readonly path: string | null;
  /** TLS to this server (`ssl`, `check-ssl`), set by the engine from the configuration's TLS material. */
  tls: ServerTlsPlan | null = null;
  /** `sni EXPR`, evaluated for each new connection. */
  sni: SampleExpression | null = null;
  readonly config: ServerConfig;
  readonly backendName: string;
  /** Configured weight; `weight` below is the effective one (agent, drain). */
  readonly configuredWeight: number;
  weight: number;
  usable = true;
  /** Current sessions (every thread's under nbthread). */
  readonly live = new LiveCount();
  /** Requests queued for this server itself (hash balancing, persistence), every thread's: what maxqueue limits. */
  readonly bound = new LiveCount();
  maxconn: number;
  maxqueue: number;
  /** Health as the checks say (true without checks). */
  checkUp = true;
  /** `cookie VALUE`: what a persistence cookie says to come back here. */
  readonly cookie: string | undefined;
  admin: AdminState;
  /** Idle server connections for HTTP reuse, most recent last (owned by the proxy layer). */
  readonly idle: Array<{ destroy(): void }> = [];
  // counters (HAProxy's stats names)
  cumConns = 0;
  maxActive = 0;
  failedConns = 0;
  failedResp = 0;
  retries = 0;
  redispatches = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** HTTP responses by class (1xx..5xx, other), the server's hrsp_* stats. */
  readonly responses = [0, 0, 0, 0, 0, 0];
  lastChange = Date.now();
  downTransitions = 0;

  constructor(cfg: ServerConfig, backendName: string) {
    this.config = cfg;
    this.backendName = backendName;
    this.name = cfg.name;
    this.id = cfg.id ?? 0;
    this.backup = cfg.backup === true;
    this.configuredWeight = cfg.weight ?? 1;
    this.weight = this.configuredWeight;
    this.maxconn = cfg.maxconn ?? 0;
    this.maxqueue = cfg.maxqueue ?? 0;
    this.cookie = cfg.cookie;
    this.admin = cfg.disabled ? 'maint' : 'ready';
    if (cfg.address.kind === 'unix') {
      // `host` keeps the path so that stats and logs show where the server is.
      this.path = cfg.address.path;
      this.host = cfg.address.path;
      this.family = 0;
      this.port = 0;
    } else if (cfg.address.kind === 'inet') {
      this.path = null;
      this.host = cfg.address.host;
      this.family = cfg.address.family;
      this.port = cfg.port ?? 0;
    } else {
      throw new Error(`server ${backendName}/${cfg.name}: an inherited socket (fd@) is not a server address`);
    }
    this.refreshUsable();
  }

  /** Recompute `usable` after a health or admin change; true when it changed. */
  refreshUsable(): boolean {
    const before = this.usable;
    this.usable = this.checkUp && this.admin === 'ready' && !this.resolutionMaint && this.weight > 0;
    return before !== this.usable;
  }

  /** Not stopped (UP, or draining): a persistence cookie may still lead here. */
  get running(): boolean {
    return this.checkUp && this.admin !== 'maint' && !this.resolutionMaint;
  }

  get active(): number {
    return this.live.value;
  }

  set active(v: number) {
    this.live.value = v;
  }

  /** True when this server cannot take one more concurrent request. */
  get full(): boolean {
    return this.maxconn > 0 && this.active >= this.maxconn;
  }

  /** "UP", "DOWN", "MAINT", "DRAIN" as HAProxy's stats print them. */
  get status(): string {
    if (this.resolutionMaint) return 'MAINT (resolution)';
    if (this.admin === 'maint') return 'MAINT';
    if (!this.checkUp) return 'DOWN';
    if (this.admin === 'drain' || this.weight === 0) return 'DRAIN';
    return 'UP';
  }

  closeIdle(): void {
    for (const c of this.idle.splice(0)) c.destroy();
  }
}
