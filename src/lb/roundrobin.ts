// `balance roundrobin`: smooth weighted round robin with dynamic weights.
//
// Each server of a group holds its next position on a virtual time line.
// Weights count in sixteenths (e = 16·weight, HAProxy's effective weight);
// with E the group's total, a server is due at floor((k + φ)·E/e) for
// k = 0, 1, ...: evenly spaced, with a phase φ in [0, 1) that spreads the
// servers of equal weight over one step (so they alternate instead of
// bunching). `pick` serves the server due first (ties: heavier first, then
// declaration order) and moves it one step on, exactly E per e steps.
// Whatever the phases, a server has exactly `weight` due positions in every
// stretch of E/16 positions, so over every full cycle of W = E/16 picks (W
// the sum of the integer weights) each server is served exactly its weight;
// equal weights give a strict rotation. This is the idea of HAProxy's
// lb_fwrr.c (positions on a weighted time line, steps computed from the
// current total at each serve) kept in one heap.
//
// Dynamic weights, as HAProxy: `update()` rescales pending positions to the
// new total, a server whose weight changed gets its next position brought
// within one new step, and a server coming (back) up starts within one step
// of now, so it neither floods nor waits a whole cycle.
//
// Full servers are skipped and lose their turn (HAProxy treats them as served
// and requeues them), so they do not get a burst once they have room again.

import type { Balancer, LbServer, PickInput } from './index.ts';
import { IndexedHeap, type HeapNode } from './indexed-heap.ts';
import { isFull } from './saturation.ts';
import { chooseGroup, pickInGroups, scaledWeight, type GroupChoice } from './server-groups.ts';

/**
 * Positions are brought back near 0 past this, which keeps them small
 * integers (V8's 31-bit Smis: a cycle is at most 16·256·4095 < 2^24, so
 * positions stay below 2^30).
 */
const RENORMALISE_AT = 2 ** 29;

class RrNode implements HeapNode {
  heapIndex = -1;
  readonly server: LbServer;
  /** Declaration order, the last tie-break. */
  readonly order: number;
  /** The weight (in sixteenths) the node is scheduled with; 0 = not in a group. */
  weight = 0;
  /** Next due position. */
  pos = 0;
  /** Carry of the fractional part of the step, in 1/weight units. */
  rem = 0;
  step = 0;
  stepRem = 0;
  /** Marks membership during a sync. */
  stamp = 0;
  /** The weight being synced to. */
  target = 0;

  constructor(server: LbServer, order: number) {
    this.server = server;
    this.order = order;
  }
}

function dueFirst(a: RrNode, b: RrNode): boolean {
  if (a.pos !== b.pos) return a.pos < b.pos;
  if (a.weight !== b.weight) return a.weight > b.weight;
  return a.order < b.order;
}

/** One set of servers balanced together: the actives, or the backups under allbackups. */
class RrGroup {
  readonly heap = new IndexedHeap<RrNode>(dueFirst);
  readonly #renormaliseAt: number;
  /** Total weight of the members, in sixteenths: the length of a cycle. */
  total = 0;
  /** The position of the last serve: the group's virtual now. */
  now = 0;
  #stamp = 0;
  readonly #held: RrNode[] = [];

  constructor(renormaliseAt: number) {
    this.#renormaliseAt = renormaliseAt;
  }

  /** Makes `members` (with their servers' current weights, all > 0) the group. */
  sync(members: readonly RrNode[]): void {
    const stamp = ++this.#stamp;
    let total = 0;
    for (const n of members) {
      n.stamp = stamp;
      n.target = scaledWeight(n.server);
      total += n.target;
    }
    const oldTotal = this.total;
    const now = this.now;
    // Servers joining with the same weight are given phases spread over one
    // step, so that they alternate with each other instead of queueing up
    // behind one another.
    const joining = new Map<number, number>();
    for (const n of members) {
      if (n.heapIndex < 0) joining.set(n.target, (joining.get(n.target) ?? 0) + 1);
    }
    const rank = new Map<number, number>();
    for (const n of members) {
      const w = n.target;
      if (n.heapIndex < 0) {
        const j = rank.get(w) ?? 0;
        rank.set(w, j + 1);
        const offset = Math.floor(((2 * j + 1) * total) / (2 * joining.get(w)!));
        n.weight = w;
        n.pos = now + Math.floor(offset / w);
        n.rem = offset % w;
        continue;
      }
      if (total !== oldTotal && oldTotal > 0) {
        n.pos = now + Math.floor(((n.pos - now) * total) / oldTotal);
      }
      if (n.weight !== w) {
        const step = Math.floor(total / w);
        if (n.pos - now > step) n.pos = now + step;
        n.weight = w;
        n.rem = 0;
      }
      if (n.rem >= w) n.rem = w - 1;
    }
    for (const n of members) {
      n.step = Math.floor(total / n.weight);
      n.stepRem = total % n.weight;
    }
    for (const n of this.heap.items) if (n.stamp !== stamp) n.weight = 0;
    this.heap.rebuild(members);
    this.total = total;
  }

  next(exclude: LbServer | undefined): LbServer | undefined {
    const heap = this.heap;
    const top = heap.items[0];
    if (top === undefined) return undefined;
    const s = top.server;
    let chosen = s;
    if (s !== exclude && !isFull(s)) {
      this.#serve(top);
      heap.topIncreased();
    } else {
      chosen = this.#skipping(exclude);
    }
    if (this.now > this.#renormaliseAt) this.#renormalise();
    return chosen;
  }

  /**
   * The slow path: take servers off in due order, each losing its turn, until
   * one has room and is not excluded; then put them all back.
   */
  #skipping(exclude: LbServer | undefined): LbServer {
    const heap = this.heap;
    const held = this.#held;
    let chosen: RrNode | undefined;
    let avoided: RrNode | undefined;
    let firstFull: RrNode | undefined;
    for (let n = heap.pop(); n !== undefined; n = heap.pop()) {
      this.#serve(n);
      held.push(n);
      if (isFull(n.server)) {
        firstFull ??= n;
      } else if (n.server === exclude) {
        avoided ??= n;
      } else {
        chosen = n;
        break;
      }
    }
    for (const n of held) heap.push(n);
    held.length = 0;
    return (chosen ?? avoided ?? firstFull)!.server;
  }

  #serve(n: RrNode): void {
    this.now = n.pos;
    n.pos += n.step;
    n.rem += n.stepRem;
    if (n.rem >= n.weight) {
      n.rem -= n.weight;
      n.pos++;
    }
  }

  #renormalise(): void {
    const now = this.now;
    for (const n of this.heap.items) n.pos -= now;
    this.now = 0;
  }
}

export class RoundRobin implements Balancer {
  queueOnServer = false;
  readonly #servers: LbServer[];
  readonly #allbackups: boolean;
  readonly #nodes = new Map<LbServer, RrNode>();
  readonly #act: RrGroup;
  readonly #bck: RrGroup;
  readonly #actives: LbServer[] = [];
  readonly #backups: LbServer[] = [];
  #choice: GroupChoice = { kind: 'none', members: [], single: undefined };

  /** `renormaliseAt` is for tests, to reach the renormalisation quickly. */
  constructor(servers: LbServer[], allbackups: boolean, renormaliseAt = RENORMALISE_AT) {
    this.#servers = servers;
    this.#allbackups = allbackups;
    this.#act = new RrGroup(renormaliseAt);
    this.#bck = new RrGroup(renormaliseAt);
    this.update();
  }

  pick(_input: PickInput, exclude?: LbServer): LbServer | undefined {
    return pickInGroups(this, this.#choice, this.#act, this.#bck, exclude);
  }

  update(): void {
    const servers = this.#servers;
    for (let i = 0; i < servers.length; i++) {
      const s = servers[i]!;
      if (!this.#nodes.has(s)) this.#nodes.set(s, new RrNode(s, i));
    }
    const choice = chooseGroup(this.#servers, this.#allbackups, this.#actives, this.#backups);
    this.#choice = choice;
    this.#act.sync(this.#nodesOf(this.#actives));
    // Backup positions are kept while they only wait (HAProxy keeps both trees).
    this.#bck.sync(this.#allbackups ? this.#nodesOf(this.#backups) : []);
  }

  taken(_s: LbServer): void {}

  released(_s: LbServer): void {}

  #nodesOf(servers: readonly LbServer[]): RrNode[] {
    const out: RrNode[] = [];
    for (const s of servers) out.push(this.#nodes.get(s)!);
    return out;
  }
}
