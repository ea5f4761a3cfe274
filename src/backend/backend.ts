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
import { LiveCount } from './live-count.ts';
import { BackendShare, type BackendShareSpec } from './backend-share.ts';

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
/** What a replayed pick hashes on: nothing (only roundrobin and static-rr replay). */
const REPLAY_INPUT: PickInput = { src: '' };
/** A thread further behind than this skips ahead instead of replaying (a worker restarted late). */
const MAX_REPLAY = 100_000;

export class RuntimeBackend {
  readonly name: string;
  readonly config: BackendConfig;
  /** This backend's compiled HTTP rules (src/proxy compiles them). */
  readonly rules: BackendRules;
  readonly mode: 'http' | 'tcp';
  readonly servers: RuntimeServer[];
  readonly byName = new Map<string, RuntimeServer>();
  /** Rebuilt afresh under nbthread when servers change (roundrobin, static-rr: see shareThreads). */
  balancer: Balancer;
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
  /** nbthread: the queue and pick order shared with this backend's twins in the other threads, or null. */
  share: BackendShare | null = null;
  /** Picks this thread's balancer made (its own, and under nbthread the others' it replayed). */
  private picks = 0;
  /** nbthread, roundrobin and static-rr: the balancer generation this thread runs (BackendShare.newEpoch). */
  private generation = 0;
  /** roundrobin, static-rr: under nbthread each thread replays the others' picks, so the order is one thread's. */
  private readonly replays: boolean;
  /** leastconn under nbthread: each server's load as the balancer last saw it (other threads change it). */
  private seen: Int32Array | null = null;
  // counters
  /** Current sessions (every thread's under nbthread). */
  readonly live = new LiveCount();
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
    this.replays = algo.kind === 'roundrobin' || algo.kind === 'static-rr';
    this.balancer = this.newBalancer();
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

  get active(): number {
    return this.live.value;
  }

  set active(v: number) {
    this.live.value = v;
  }

  /**
   * nbthread: from now on this backend counts, queues and picks together
   * with its twins in the other threads (`liveSlot`: its session count's
   * cell; its servers' cells are set on them). The main thread shares
   * first: the pick order starts where its own picks left it.
   */
  shareThreads(spec: BackendShareSpec, liveSlot: number): void {
    if (this.share !== null) return;
    this.live.share(spec.cells, liveSlot);
    const share = new BackendShare(
      spec,
      this.queue,
      () => this.offerSlots(),
      () => this.servers.some((s) => s.usable && !s.full),
    );
    if (this.replays) {
      if (spec.thread === 0) share.newEpoch(this.picks);
      this.joinEpoch(share);
    }
    if (!this.replays && this.config.balance?.kind === 'leastconn') this.seen = new Int32Array(this.servers.length);
    this.share = share;
    this.queue.watcher = share;
    for (let n = this.queue.first; n !== null; n = n.next) share.entered(n);
  }

  private newBalancer(): Balancer {
    const cfg = this.config;
    return createBalancer(cfg.balance ?? { kind: 'roundrobin' }, cfg.hashType ?? DEFAULT_HASH, this.servers, {
      allbackups: cfg.options.allbackups === true,
    });
  }

  /**
   * roundrobin, static-rr under nbthread: a balancer built afresh from the
   * current servers at the main thread's last epoch; the picks made since
   * by any thread are replayed at the next pick.
   */
  private joinEpoch(share: BackendShare): void {
    this.generation = share.generation;
    this.picks = share.epoch;
    this.balancer = this.newBalancer();
  }

  /** Requests waiting for a slot, in every thread (stats' qcur). */
  get queued(): number {
    return this.share !== null ? this.share.queued : this.queue.length;
  }

  /** Requests waiting for `s` itself, in every thread. */
  queuedFor(s: RuntimeServer): number {
    return this.share !== null ? s.bound.value : this.queue.countFor(s);
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
    if (this.fifo && this.queued > 0) return this.enqueue(w, null);
    const s = this.pick(input, exclude);
    if (s === undefined) {
      w.assignFailed('noserver');
      return null;
    }
    if (this.take(s)) {
      w.serverAssigned(s);
      return null;
    }
    return this.enqueue(w, this.balancer.queueOnServer ? s : null);
  }

  private pick(input: PickInput, exclude: RuntimeServer | undefined): RuntimeServer | undefined {
    const share = this.share;
    if (share !== null) {
      if (this.replays) {
        if (share.generation !== this.generation) this.joinEpoch(share);
        const t = share.nextPick();
        if (t - this.picks > MAX_REPLAY) this.picks = t;
        for (; this.picks < t; this.picks++) this.balancer.pick(REPLAY_INPUT);
      } else if (this.seen !== null) {
        this.refreshLoads(this.seen);
      }
    }
    this.picks++;
    return this.balancer.pick(input, exclude) as RuntimeServer | undefined;
  }

  /** leastconn: servers whose load other threads changed take their place again. */
  private refreshLoads(seen: Int32Array): void {
    const servers = this.servers;
    for (let i = 0; i < servers.length && i < seen.length; i++) {
      const a = servers[i].active;
      if (a !== seen[i]) {
        seen[i] = a;
        this.balancer.taken(servers[i]);
      }
    }
  }

  /** Take a slot on a given server (persistence, retries on the same server). */
  assignTo(w: Waiter, s: RuntimeServer): QueueNode | null {
    if (this.take(s)) {
      w.serverAssigned(s);
      return null;
    }
    return this.enqueue(w, s);
  }

  private enqueue(w: Waiter, s: RuntimeServer | null): QueueNode | null {
    // maxqueue is per server; counting is O(queue) but only runs when full.
    if (s && s.maxqueue > 0 && this.queuedFor(s) >= s.maxqueue) {
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

  /** A slot on `s` unless it is at its maxconn (checked and taken in one step across threads). */
  private take(s: RuntimeServer): boolean {
    if (!s.live.tryTake(s.maxconn)) return false;
    const n = this.live.add(1);
    this.cumConns++;
    if (n > this.maxActive) this.maxActive = n;
    s.cumConns++;
    const m = s.active;
    if (m > s.maxActive) s.maxActive = m;
    this.balancer.taken(s);
    return true;
  }

  /** Give back a slot taken on `s`; the oldest eligible waiter gets it (under nbthread, maybe another thread's). */
  release(s: RuntimeServer): void {
    this.live.add(-1);
    s.live.add(-1);
    this.balancer.released(s);
    const share = this.share;
    if (share !== null) {
      if (share.queued === 0) return;
      const t = share.oldest();
      if (t >= 0 && t !== share.spec.thread) share.wake(t, this.name);
      else this.serveOn(s);
      return;
    }
    if (this.queue.length > 0) this.serveOn(s);
  }

  /** The oldest waiter that may go to `s` gets a slot there, if there is one; true when one did. */
  private serveOn(s: RuntimeServer): boolean {
    if (this.queue.length === 0 || !s.usable || s.full) return false;
    const node = this.queue.takeFor(s);
    if (node === null) return false;
    if (!this.take(s)) {
      // Another thread took the slot meanwhile: the waiter keeps its place.
      this.queue.pushFront(node);
      return false;
    }
    if (node.timer) clearTimeout(node.timer);
    node.timer = null;
    node.waiter.serverAssigned(s);
    return true;
  }

  /** Free slots go to this thread's waiters (after a state change; under nbthread, when woken or retrying). */
  offerSlots(): void {
    for (const s of this.servers) while (this.serveOn(s));
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

  /** nbthread, main thread: told after servers changed, so the other threads learn it at once. */
  onServersChanged: (() => void) | null = null;

  /** Call after any server's state or weight changed. */
  serversChanged(): void {
    const share = this.share;
    if (share !== null && this.replays) {
      // The main thread opens an epoch; a worker (its state copied from the main thread) joins the latest.
      if (share.spec.thread === 0) share.newEpoch();
      this.joinEpoch(share);
    } else this.balancer.update();
    this.lastChange = Date.now();
    this.onServersChanged?.();
    if (this.queue.length === 0) return;
    // Slots may have opened (a server came back): serve the queue.
    this.offerSlots();
    // Nobody left to serve them: fail the rest now rather than at timeout.
    // (Not by asking the balancer: a pick would move roundrobin on.)
    if (this.queue.length > 0 && !this.servers.some((s) => s.usable)) {
      for (const node of this.queue.drain()) {
        if (node.timer) clearTimeout(node.timer);
        node.waiter.assignFailed('noserver');
      }
    }
  }
}
