// A server at run time: its address, its state (as the balancers, the checks
// and later the runtime API see it), its counters, and the idle connections
// kept for reuse.

import type { Server as ServerConfig } from '../config/index.ts';
import type { LbServer } from '../lb/index.ts';

/** Administrative state, as `set server ... state` sets it. */
export type AdminState = 'ready' | 'drain' | 'maint';

export class RuntimeServer implements LbServer {
  readonly name: string;
  readonly id: number;
  readonly backup: boolean;
  host: string;
  readonly port: number;
  family: 0 | 4 | 6;
  readonly config: ServerConfig;
  readonly backendName: string;
  /** Configured weight; `weight` below is the effective one (agent, drain). */
  readonly configuredWeight: number;
  weight: number;
  usable = true;
  active = 0;
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
    if (cfg.address.kind !== 'inet') throw new Error(`server ${backendName}/${cfg.name}: only inet addresses are supported`);
    this.host = cfg.address.host;
    this.family = cfg.address.family;
    this.port = cfg.port ?? 0;
    this.refreshUsable();
  }

  /** Recompute `usable` after a health or admin change; true when it changed. */
  refreshUsable(): boolean {
    const before = this.usable;
    this.usable = this.checkUp && this.admin === 'ready' && this.weight > 0;
    return before !== this.usable;
  }

  /** Not stopped (UP, or draining): a persistence cookie may still lead here. */
  get running(): boolean {
    return this.checkUp && this.admin !== 'maint';
  }

  /** True when this server cannot take one more concurrent request. */
  get full(): boolean {
    return this.maxconn > 0 && this.active >= this.maxconn;
  }

  /** "UP", "DOWN", "MAINT", "DRAIN" as HAProxy's stats print them. */
  get status(): string {
    if (this.admin === 'maint') return 'MAINT';
    if (!this.checkUp) return 'DOWN';
    if (this.admin === 'drain' || this.weight === 0) return 'DRAIN';
    return 'UP';
  }

  closeIdle(): void {
    for (const c of this.idle.splice(0)) c.destroy();
  }
}
