// Test helper: a LAN in a fake clock. Each node is a real VrrpStateMachine
// whose actions are applied the way the adapters will (timers armed and
// cancelled synchronously, VIPs owned or not), and whose adverts go through
// the real codec: encoded, wrapped in the IPv4 header the kernel would add,
// decoded and checked by every other node. Time only moves in runUntil.

import {
  checkReceivedAdvert,
  decodeIPv4Packet,
  encodeAdvert,
  VRRP_MULTICAST_IPV4,
  VrrpStateMachine,
  type ReceiveContext,
  type VrrpAction,
  type VrrpEvent,
  type VrrpGarpSettings,
  type VrrpState,
  type VrrpTimer,
  type VrrpTransitionReason,
} from '../../../cluster/vrrp/index.ts';
import { ipv4Packet } from './ipv4-packet.ts';

export class FakeClock {
  t = 0;
  now(): number {
    return this.t;
  }
}

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export interface NodeOptions {
  address: string;
  priority: number;
  version?: 2 | 3;
  /** ms */
  advertInterval?: number;
  preempt?: boolean;
  preemptDelay?: number;
  garp?: VrrpGarpSettings;
  vrid?: number;
  vips?: string[];
  pseudoHeader?: boolean;
  /** A sync-group member (see afterHandle). */
  syncGroup?: boolean;
}

export class SimulatedLan {
  readonly clock = new FakeClock();
  readonly nodes: SimNode[] = [];
  /** ms between a send and its arrival at the other nodes. */
  latency = 0;
  #queue: Scheduled[] = [];
  #seq = 0;

  get now(): number {
    return this.clock.t;
  }

  node(name: string, options: NodeOptions): SimNode {
    const n = new SimNode(this, name, options);
    this.nodes.push(n);
    return n;
  }

  schedule(at: number, fn: () => void): Scheduled {
    const s = { at, seq: this.#seq++, fn, cancelled: false };
    this.#queue.push(s);
    return s;
  }

  /** Runs everything due up to `t` in time order (FIFO on equal times), then leaves the clock at `t`. */
  runUntil(t: number): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      let next: Scheduled | undefined;
      let index = -1;
      for (let i = 0; i < this.#queue.length; i++) {
        const s = this.#queue[i]!;
        if (s.at <= t && (next === undefined || s.at < next.at || (s.at === next.at && s.seq < next.seq))) {
          next = s;
          index = i;
        }
      }
      if (next === undefined) break;
      this.#queue.splice(index, 1);
      if (next.cancelled) continue;
      this.clock.t = Math.max(this.clock.t, next.at);
      next.fn();
    }
    this.clock.t = Math.max(this.clock.t, t);
  }

  runFor(ms: number): void {
    this.runUntil(this.clock.t + ms);
  }

  /** Delivers a packet to every other live node after the latency. */
  broadcast(from: SimNode, packet: Buffer): void {
    for (const n of this.nodes) {
      if (n === from) continue;
      this.schedule(this.clock.t + this.latency, () => n.deliver(packet));
    }
  }

  /** Live nodes holding the VIPs now (a killed node keeps them on its interface, but nobody reaches it). */
  owners(): string[] {
    return this.nodes.filter((n) => n.alive && n.ownsVips).map((n) => n.name);
  }
}

export interface Transition {
  at: number;
  from: VrrpState;
  to: VrrpState;
  reason: VrrpTransitionReason;
  message: string;
}

export class SimNode {
  readonly name: string;
  readonly machine: VrrpStateMachine;
  readonly transitions: Transition[] = [];
  readonly sent: Array<{ at: number; priority: number }> = [];
  readonly announces: Array<{ at: number; count: number }> = [];
  readonly drops: string[] = [];
  readonly notes: string[] = [];
  ownsVips = false;
  alive = true;
  /** Called with what each handled event produced (a sync group routes it to the other members). */
  afterHandle: ((actions: VrrpAction[]) => void) | undefined;
  readonly #lan: SimulatedLan;
  readonly #ctx: ReceiveContext;
  readonly #timers = new Map<VrrpTimer, Scheduled>();
  readonly #pseudoHeader: boolean;

  constructor(lan: SimulatedLan, name: string, o: NodeOptions) {
    this.#lan = lan;
    this.name = name;
    this.#pseudoHeader = o.pseudoHeader ?? true;
    const version = o.version ?? 3;
    const advertInterval = o.advertInterval ?? 1000;
    this.#ctx = {
      vrid: o.vrid ?? 51,
      version,
      priority: o.priority,
      advertInterval,
      advertisedAddresses: o.vips ?? ['10.99.0.100'],
      primaryAddress: o.address,
    };
    this.machine = new VrrpStateMachine(
      {
        version,
        priority: o.priority,
        advertInterval,
        primaryAddress: o.address,
        ...(o.preempt !== undefined ? { preempt: o.preempt } : {}),
        ...(o.preemptDelay !== undefined ? { preemptDelay: o.preemptDelay } : {}),
        ...(o.garp !== undefined ? { garp: o.garp } : {}),
        inSyncGroup: o.syncGroup ?? false,
      },
      lan.clock,
    );
  }

  get state(): VrrpState {
    return this.machine.state;
  }

  /** When this node last became `state`. */
  becameAt(state: VrrpState): number | undefined {
    return this.transitions.findLast((x) => x.to === state)?.at;
  }

  lastSentAt(): number | undefined {
    return this.sent.at(-1)?.at;
  }

  start(): VrrpAction[] {
    this.alive = true;
    return this.handle({ kind: 'startup' });
  }

  /** Graceful stop (SIGTERM): the machine's Shutdown event. */
  stop(): VrrpAction[] {
    return this.handle({ kind: 'shutdown' });
  }

  /** SIGKILL: silence at once, timers gone, VIPs left behind on the interface. */
  kill(): void {
    this.alive = false;
    for (const s of this.#timers.values()) s.cancelled = true;
    this.#timers.clear();
  }

  handle(event: VrrpEvent): VrrpAction[] {
    const actions = this.machine.handle(event);
    this.apply(actions);
    this.afterHandle?.(actions);
    return actions;
  }

  /** Applies actions decided elsewhere (a sync group) as the adapter does. */
  apply(actions: readonly VrrpAction[]): void {
    for (const a of actions) this.#apply(a);
  }

  /** An advert straight into the state machine (no codec), as if it passed every check. */
  receive(priority: number, maxAdvertInterval: number, srcAddr: string): VrrpAction[] {
    return this.handle({ kind: 'advert', priority, maxAdvertInterval, srcAddr });
  }

  deliver(packet: Buffer): void {
    if (!this.alive) return;
    const r = decodeIPv4Packet(packet, { pseudoHeader: this.#pseudoHeader });
    if (!r.ok) {
      this.drops.push(r.drop.code);
      return;
    }
    const v = checkReceivedAdvert(r.advert, r.source, this.#ctx);
    if (!v.accept) {
      this.drops.push(v.drop.code);
      return;
    }
    if (v.addressMismatch) this.notes.push('address-mismatch');
    if (v.intervalMismatch) this.notes.push('interval-mismatch');
    this.handle({ kind: 'advert', priority: r.advert.priority, maxAdvertInterval: r.advert.interval, srcAddr: r.source });
  }

  #apply(a: VrrpAction): void {
    const now = this.#lan.now;
    switch (a.kind) {
      case 'transition':
        this.transitions.push({ at: now, from: a.from, to: a.to, reason: a.reason, message: a.message });
        break;
      case 'send-advert': {
        this.sent.push({ at: now, priority: a.priority });
        const c = this.#ctx;
        const payload = encodeAdvert(
          { version: c.version, vrid: c.vrid, priority: a.priority, interval: c.advertInterval, addresses: c.advertisedAddresses },
          { source: c.primaryAddress, destination: VRRP_MULTICAST_IPV4 },
          { pseudoHeader: this.#pseudoHeader },
        );
        this.#lan.broadcast(this, ipv4Packet(payload, c.primaryAddress, VRRP_MULTICAST_IPV4));
        break;
      }
      case 'add-vips':
        this.ownsVips = true;
        break;
      case 'remove-vips':
        this.ownsVips = false;
        break;
      case 'announce':
        this.announces.push({ at: now, count: a.count });
        break;
      case 'arm-timer': {
        const old = this.#timers.get(a.timer);
        if (old !== undefined) old.cancelled = true;
        const timer = a.timer;
        this.#timers.set(
          timer,
          this.#lan.schedule(a.at, () => {
            this.#timers.delete(timer);
            if (this.alive) this.handle({ kind: 'timer', timer });
          }),
        );
        break;
      }
      case 'cancel-timer': {
        const old = this.#timers.get(a.timer);
        if (old !== undefined) old.cancelled = true;
        this.#timers.delete(a.timer);
        break;
      }
      case 'want-master':
        break;
    }
  }
}
