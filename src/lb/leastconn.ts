// `balance leastconn`: the server with the fewest connections for its
// weight gets the next one; servers of equal load take turns. As HAProxy's
// lb_fwlc.c: a server's load key is 0 when idle, else
// floor((active + 1) · 4096 / (16 · weight)) (the load it would have with one
// more connection), and a server whose key changes goes behind the others of the
// same key, which makes ties round-robin. Dynamic: weights apply at
// `update()`.
//
// The structure is a heap kept current by `taken`/`released`; full servers
// are parked outside it until they have room again, so `pick` reads the top
// (or, to avoid the excluded server, one of its two children) in O(1).

import type { Balancer, LbServer, PickInput } from './index.ts';
import { IndexedHeap, type HeapNode } from './indexed-heap.ts';
import { isFull } from './saturation.ts';
import { chooseGroup, pickInGroups, scaledWeight, type GroupChoice } from './server-groups.ts';

/** HAProxy's SRV_EWGHT_MAX: keys are in 1/4096 of a connection per sixteenth of weight. */
const KEY_SCALE = 4096;

class LcNode implements HeapNode {
  heapIndex = -1;
  readonly server: LbServer;
  key = 0;
  /** Arrival order among equal keys. */
  seq = 0;
  /** The group it is a member of (in its heap, or parked there because full). */
  group: LcGroup | undefined;

  constructor(server: LbServer) {
    this.server = server;
  }
}

function lighter(a: LcNode, b: LcNode): boolean {
  return a.key !== b.key ? a.key < b.key : a.seq < b.seq;
}

function loadKey(s: LbServer): number {
  return s.active === 0 ? 0 : Math.floor(((s.active + 1) * KEY_SCALE) / scaledWeight(s));
}

class LcGroup {
  readonly heap = new IndexedHeap<LcNode>(lighter);
  readonly parked = new Set<LcNode>();

  next(exclude: LbServer | undefined): LbServer | undefined {
    const items = this.heap.items;
    const top = items[0];
    if (top !== undefined) {
      if (top.server !== exclude) return top.server;
      // The second lightest of a binary heap is one of the top's children.
      const l = items[1];
      const r = items[2];
      if (l === undefined) return exclude;
      return (r !== undefined && lighter(r, l) ? r : l).server;
    }
    // Every member is full: the least loaded stands for the backend queue.
    let best: LcNode | undefined;
    for (const n of this.parked) if (best === undefined || lighter(n, best)) best = n;
    return best?.server;
  }
}

export class LeastConn implements Balancer {
  queueOnServer = false;
  readonly #servers: LbServer[];
  readonly #allbackups: boolean;
  readonly #nodes = new Map<LbServer, LcNode>();
  readonly #act = new LcGroup();
  readonly #bck = new LcGroup();
  readonly #actives: LbServer[] = [];
  readonly #backups: LbServer[] = [];
  #choice: GroupChoice = { kind: 'none', members: [], single: undefined };
  #seq = 0;

  constructor(servers: LbServer[], allbackups: boolean) {
    this.#servers = servers;
    this.#allbackups = allbackups;
    this.update();
  }

  pick(_input: PickInput, exclude?: LbServer): LbServer | undefined {
    return pickInGroups(this, this.#choice, this.#act, this.#bck, exclude);
  }

  update(): void {
    for (const s of this.#servers) {
      if (!this.#nodes.has(s)) {
        const n = new LcNode(s);
        n.seq = ++this.#seq;
        this.#nodes.set(s, n);
      }
    }
    this.#choice = chooseGroup(this.#servers, this.#allbackups, this.#actives, this.#backups);
    for (const n of this.#nodes.values()) n.group = undefined;
    this.#fill(this.#act, this.#actives);
    this.#fill(this.#bck, this.#allbackups ? this.#backups : []);
  }

  taken(s: LbServer): void {
    this.#reposition(s);
  }

  released(s: LbServer): void {
    this.#reposition(s);
  }

  #fill(group: LcGroup, servers: readonly LbServer[]): void {
    const inHeap: LcNode[] = [];
    group.parked.clear();
    for (const s of servers) {
      const n = this.#nodes.get(s)!;
      n.group = group;
      const key = loadKey(s);
      if (key !== n.key) {
        n.key = key;
        n.seq = ++this.#seq;
      }
      if (isFull(s)) group.parked.add(n);
      else inHeap.push(n);
    }
    group.heap.rebuild(inHeap);
  }

  #reposition(s: LbServer): void {
    const n = this.#nodes.get(s);
    const group = n?.group;
    if (n === undefined || group === undefined) return;
    const key = loadKey(s);
    const moved = key !== n.key;
    if (moved) {
      n.key = key;
      n.seq = ++this.#seq;
    }
    if (isFull(s)) {
      if (n.heapIndex >= 0) {
        group.heap.remove(n);
        group.parked.add(n);
      }
    } else if (n.heapIndex >= 0) {
      if (moved) group.heap.update(n);
    } else if (group.parked.delete(n)) {
      group.heap.push(n);
    }
  }
}
