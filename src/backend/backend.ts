// A backend at run time: its servers, its balancer and its pending queue.
// Sessions ask it for a server slot (`assign`) and give the slot back
// (`release`); the backend queues requests when every server is full and
// hands freed slots to the oldest waiter.

import type { Backend as BackendConfig, HashType } from '../config/index.ts';
import { createBalancer, type Balancer, type PickInput } from '../lb/index.ts';
import type { HttpRule, TcpRule } from '../rules/index.ts';
import type { Condition } from '../acl/index.ts';
import { CookiePersistence } from '../persist/index.ts';
import type { StickRules } from '../stick/index.ts';
import { PendingQueue, QueueNode, type Waiter } from './queue.ts';
import { RuntimeServer } from './server.ts';

const DEFAULT_HASH: HashType = { method: 'map-based', function: 'sdbm', avalanche: false };

/** Settings the sessions read on every request, resolved once with HAProxy's defaults. */
export interface BackendTimeouts {
  connect: number;
  server: number;
  queue: number;
  tunnel: number;
}

/** The HTTP rules a backend evaluates (compiled by src/proxy, run by its HTTP sessions). */
export interface BackendRules {
  readonly request: readonly HttpRule[];
  readonly response: readonly HttpRule[];
  readonly afterResponse: readonly HttpRule[];
  /** tcp-request content rules run once the backend is chosen, with this backend's inspect-delay (ms). */
  readonly tcpContent: readonly TcpRule[];
  readonly inspectDelay: number;
  /** `stick` rules (server persistence through stick tables); null when there are none. */
  readonly stick: StickRules | null;
  /** force-persist / ignore-persist lines: the first whose condition holds decides. */
  readonly persist: readonly PersistRule[];
  /** errorfile / errorloc / http-error: the backend's reply for a status. */
  readonly errorReplies: ReadonlyMap<number, HttpRule>;
}

/** `force-persist if COND` (force) or `ignore-persist if COND`. */
export interface PersistRule {
  readonly force: boolean;
  readonly cond: Condition;
}

export type RetryDecision = { kind: 'give-up' } | { kind: 'redispatch' } | { kind: 'retry'; delay: number };
const GIVE_UP: RetryDecision = { kind: 'give-up' };
const REDISPATCH: RetryDecision = { kind: 'redispatch' };

export class RuntimeBackend {
  readonly name: string;
  readonly config: BackendConfig;
  /** This backend's compiled HTTP rules (src/proxy compiles them). */
  readonly rules: BackendRules;
  readonly mode: 'http' | 'tcp';
  readonly servers: RuntimeServer[];
  readonly byName = new Map<string, RuntimeServer>();
  readonly balancer: Balancer;
  readonly queue = new PendingQueue();
  readonly timeouts: BackendTimeouts;
  readonly retries: number;
  readonly redispatch: boolean;
  /** `cookie NAME ...` persistence, or null. */
  readonly cookie: CookiePersistence<RuntimeServer> | null;
  /** `option persist`: a cookie naming a stopped server still goes there (then redispatch). */
  readonly persist: boolean;
  /** first, roundrobin, static-rr: new requests join a non-empty queue rather than overtake it (HAProxy). */
  private readonly fifo: boolean;
  // counters
  active = 0;
  maxActive = 0;
  cumConns = 0;
  cumRequests = 0;
  failedConns = 0;
  failedResp = 0;
  retriesCount = 0;
  redispatches = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** Count of responses by class: 1xx..5xx, other. */
  readonly responses = [0, 0, 0, 0, 0, 0];
  lastChange = Date.now();

  constructor(cfg: BackendConfig, rules: BackendRules) {
    this.name = cfg.name;
    this.rules = rules;
    this.config = cfg;
    this.mode = cfg.mode ?? 'tcp';
    let nextId = 1;
    this.servers = cfg.servers.map((s) => {
      const id = s.id ?? nextId;
      nextId = id + 1;
      const rs = new RuntimeServer({ ...s, id }, cfg.name);
      this.byName.set(rs.name, rs);
      return rs;
    });
    const algo = cfg.balance ?? { kind: 'roundrobin' };
    this.fifo = algo.kind === 'first' || algo.kind === 'roundrobin' || algo.kind === 'static-rr';
    this.balancer = createBalancer(algo, cfg.hashType ?? DEFAULT_HASH, this.servers, {
      allbackups: cfg.options.allbackups === true,
    });
    const t = cfg.timeouts;
    this.timeouts = {
      connect: t.connect ?? 0,
      server: t.server ?? 0,
      queue: t.queue ?? t.connect ?? 0,
      tunnel: t.tunnel ?? 0,
    };
    this.retries = cfg.retries ?? 3;
    this.redispatch = cfg.options.redispatch === true;
    this.cookie = cfg.cookie !== undefined && this.mode === 'http' ? new CookiePersistence(cfg.cookie, this.servers) : null;
    this.persist = cfg.options.persist === true;
  }

  /** Number of usable servers (HAProxy's nbsrv). */
  get usableCount(): number {
    let n = 0;
    for (const s of this.servers) if (s.usable && !s.backup) n++;
    return n;
  }

  /**
   * Find a server slot for `w`. Calls w.serverAssigned or w.assignFailed,
   * possibly later (queued); returns the queue node when queued so the
   * caller can leave the queue if its client goes away.
   */
  assign(w: Waiter, input: PickInput, exclude?: RuntimeServer): QueueNode | null {
    if (this.fifo && this.queue.length > 0) return this.enqueue(w, null);
    const s = this.balancer.pick(input, exclude) as RuntimeServer | undefined;
    if (s === undefined) {
      w.assignFailed('noserver');
      return null;
    }
    if (!s.full) {
      this.take(s);
      w.serverAssigned(s);
      return null;
    }
    return this.enqueue(w, this.balancer.queueOnServer ? s : null);
  }

  /** Take a slot on a given server (persistence, retries on the same server). */
  assignTo(w: Waiter, s: RuntimeServer): QueueNode | null {
    if (!s.full) {
      this.take(s);
      w.serverAssigned(s);
      return null;
    }
    return this.enqueue(w, s);
  }

  private enqueue(w: Waiter, s: RuntimeServer | null): QueueNode | null {
    // maxqueue is per server; counting is O(queue) but only runs when full.
    if (s && s.maxqueue > 0 && this.queue.countFor(s) >= s.maxqueue) {
      w.assignFailed('queuefull');
      return null;
    }
    const node = new QueueNode(w, s, Date.now());
    this.queue.push(node);
    if (this.timeouts.queue > 0) {
      node.timer = setTimeout(() => {
        node.timer = null;
        this.queue.remove(node);
        w.assignFailed('queuetimeout');
      }, this.timeouts.queue);
    }
    return node;
  }

  /** A waiter gave up (client closed) while queued. */
  leaveQueue(node: QueueNode): void {
    if (node.timer) clearTimeout(node.timer);
    node.timer = null;
    this.queue.remove(node);
  }

  private take(s: RuntimeServer): void {
    this.active++;
    this.cumConns++;
    if (this.active > this.maxActive) this.maxActive = this.active;
    s.active++;
    s.cumConns++;
    if (s.active > s.maxActive) s.maxActive = s.active;
    this.balancer.taken(s);
  }

  /** Give back a slot taken on `s`; the oldest eligible waiter gets it. */
  release(s: RuntimeServer): void {
    this.active--;
    s.active--;
    this.balancer.released(s);
    if (this.queue.length > 0 && s.usable && !s.full) {
      const node = this.queue.takeFor(s);
      if (node) {
        if (node.timer) clearTimeout(node.timer);
        node.timer = null;
        this.take(s);
        node.waiter.serverAssigned(s);
      }
    }
  }

  /**
   * A connection attempt to `s` failed with `retriesLeft` retries left.
   * Counts it and says what HAProxy does next: give up; or retry the same
   * server (at once after a timeout, else after up to one second, HAProxy's
   * turn-around); or, with `option redispatch`, spend the last retry on
   * another server, in which case the slot on `s` is released here.
   */
  connectFailed(s: RuntimeServer, retriesLeft: number, timedOut: boolean): RetryDecision {
    s.failedConns++;
    this.failedConns++;
    if (retriesLeft <= 0) return GIVE_UP;
    s.retries++;
    this.retriesCount++;
    if (retriesLeft === 1 && this.redispatch) {
      this.release(s);
      s.redispatches++;
      this.redispatches++;
      return REDISPATCH;
    }
    return { kind: 'retry', delay: timedOut ? 0 : Math.min(1000, this.timeouts.connect || 1000) };
  }

  /** Call after any server's state or weight changed. */
  serversChanged(): void {
    this.balancer.update();
    this.lastChange = Date.now();
    if (this.queue.length === 0) return;
    // Slots may have opened (a server came back): serve the queue.
    for (const s of this.servers) {
      while (this.queue.length > 0 && s.usable && !s.full) {
        const node = this.queue.takeFor(s);
        if (!node) break;
        if (node.timer) clearTimeout(node.timer);
        node.timer = null;
        this.take(s);
        node.waiter.serverAssigned(s);
      }
    }
    // Nobody left to serve them: fail the rest now rather than at timeout.
    if (this.balancer.pick({ src: '' }) === undefined) {
      for (const node of this.queue.drain()) {
        if (node.timer) clearTimeout(node.timer);
        node.waiter.assignFailed('noserver');
      }
    }
  }
}
