// What a backend shares with its twins in the other `nbthread` workers, in
// cells of a SharedArrayBuffer: the ticket of its next balancer pick (so
// roundrobin and static-rr give the sequence of one thread), how many
// requests wait in all the threads' queues, and each thread's oldest
// waiter, numbered in enqueue order. A slot freed in one thread goes to the
// oldest waiter of any thread: the thread holding it is woken (`wake`) and
// takes the slot itself. Server counts (live, bound) have cells of their own.

import type { PendingQueue, QueueNode, QueueWatcher } from './queue.ts';

const PICKS = 0;
const QUEUED = 1;
const TICKETS = 2;
/** The pick ticket at which the main thread last rebuilt its balancer (server states changed), and how many times it did. */
const EPOCH = 3;
const GENERATION = 4;
const HEADS = 5;
/** How often a thread with waiters looks for a free slot by itself, should a wake-up have crossed a slot taken elsewhere. */
const RETRY_MS = 20;

/** Cells a backend needs with `threads` threads. */
export function backendCells(threads: number): number {
  return HEADS + threads;
}

export interface BackendShareSpec {
  readonly cells: Int32Array;
  /** The first of the backend's backendCells(threads) cells. */
  readonly base: number;
  /** This thread (0 is the main one). */
  readonly thread: number;
  readonly threads: number;
  /** Asks `thread` to offer free slots of `backend` to its waiters. */
  readonly wake: (thread: number, backend: string) => void;
}

export class BackendShare implements QueueWatcher {
  readonly spec: BackendShareSpec;
  readonly #queue: PendingQueue;
  readonly #retry: () => void;
  readonly #hasRoom: () => boolean;
  #timer: NodeJS.Timeout | null = null;
  /** The first in line at the last retry tick: another thread's that has not moved since is served here. */
  #lastOldest = -1;
  #lastHead = 0;
  #lastRoom = false;

  /** `retry` offers free slots to this thread's waiters; `hasRoom`: some server has a free slot. */
  constructor(spec: BackendShareSpec, queue: PendingQueue, retry: () => void, hasRoom: () => boolean) {
    this.spec = spec;
    this.#queue = queue;
    this.#retry = retry;
    this.#hasRoom = hasRoom;
  }

  /** The ticket of this thread's next pick: picks before it were made by some thread, in this order. */
  nextPick(): number {
    return Atomics.add(this.spec.cells, this.spec.base + PICKS, 1);
  }

  /**
   * The main thread's servers changed: from ticket `picks` on, every
   * thread balances with a balancer built afresh (a new generation), so
   * the order stays one thread's. `picks`: where the main thread's own
   * count stands when it shares first (picks made before sharing).
   */
  newEpoch(picks = 0): void {
    const { cells, base } = this.spec;
    if (picks > Atomics.load(cells, base + PICKS)) Atomics.store(cells, base + PICKS, picks);
    Atomics.store(cells, base + EPOCH, Atomics.load(cells, base + PICKS));
    Atomics.add(cells, base + GENERATION, 1);
  }

  get epoch(): number {
    return Atomics.load(this.spec.cells, this.spec.base + EPOCH);
  }

  get generation(): number {
    return Atomics.load(this.spec.cells, this.spec.base + GENERATION);
  }

  /** Requests waiting in every thread's queue. */
  get queued(): number {
    return Atomics.load(this.spec.cells, this.spec.base + QUEUED);
  }

  entered(node: QueueNode): void {
    const { cells, base } = this.spec;
    // Kept when a node is put back: it keeps its place in line.
    if (node.ticket === 0) node.ticket = (Atomics.add(cells, base + TICKETS, 1) + 1) & 0x7fffffff || 1;
    Atomics.add(cells, base + QUEUED, 1);
    node.server?.bound.add(1);
    this.#publishHead();
    if (this.#timer === null) {
      this.#timer = setInterval(this.#tick, RETRY_MS);
      this.#timer.unref();
    }
  }

  left(node: QueueNode): void {
    Atomics.sub(this.spec.cells, this.spec.base + QUEUED, 1);
    node.server?.bound.add(-1);
    this.#publishHead();
    if (this.#queue.length === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** The thread whose first waiter has waited longest (this one on a tie), or -1 when nobody waits. */
  oldest(): number {
    const { cells, base, threads, thread } = this.spec;
    let best = -1;
    let bestTicket = 0;
    for (let t = 0; t < threads; t++) {
      const k = Atomics.load(cells, base + HEADS + t);
      if (k === 0) continue;
      if (best < 0 || k < bestTicket || (k === bestTicket && t === thread)) {
        best = t;
        bestTicket = k;
      }
    }
    return best;
  }

  /** A slot is free and `t`'s waiter is first in line. */
  wake(t: number, backend: string): void {
    this.spec.wake(t, backend);
  }

  /** The backend is gone (reload): its waiters are all answered, nothing to retry. */
  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /**
   * Keeps FIFO across threads: free slots go to the oldest waiter's thread
   * (woken when the slot freed). Only a slot left free for a whole tick
   * with the same waiter first in line (a wake-up that crossed a slot
   * taken elsewhere) is taken here.
   */
  readonly #tick = (): void => {
    const t = this.oldest();
    if (t === this.spec.thread || t < 0) {
      this.#lastOldest = -1;
      this.#retry();
      return;
    }
    const head = Atomics.load(this.spec.cells, this.spec.base + HEADS + t);
    const room = this.#hasRoom();
    if (room && this.#lastRoom && t === this.#lastOldest && head === this.#lastHead) this.#retry();
    this.#lastOldest = t;
    this.#lastHead = head;
    this.#lastRoom = room;
  };

  #publishHead(): void {
    const first = this.#queue.first;
    Atomics.store(this.spec.cells, this.spec.base + HEADS + this.spec.thread, first === null ? 0 : first.ticket);
  }
}
