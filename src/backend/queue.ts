// The pending queue of a backend: requests waiting for a server slot when
// every server is at its maxconn. A doubly linked list so that a request that
// gives up (client gone, `timeout queue`) leaves in O(1).

import type { RuntimeServer } from './server.ts';

export interface Waiter {
  /** A slot on `s` was taken for this waiter (s.active already counts it). */
  serverAssigned(s: RuntimeServer): void;
  /** No slot: 'noserver' (none usable), 'queuetimeout', 'queuefull'. */
  assignFailed(reason: AssignFailure): void;
}

export type AssignFailure = 'noserver' | 'queuetimeout' | 'queuefull';

export class QueueNode {
  prev: QueueNode | null = null;
  next: QueueNode | null = null;
  readonly waiter: Waiter;
  /** The server this request must go to (hash balancing), or null for any. */
  readonly server: RuntimeServer | null;
  readonly since: number;
  timer: NodeJS.Timeout | null = null;
  queued = true;
  /** Enqueue order across nbthread workers (0 with one thread): the oldest head is served first. */
  ticket = 0;
  constructor(waiter: Waiter, server: RuntimeServer | null, since: number) {
    this.waiter = waiter;
    this.server = server;
    this.since = since;
  }
}

/** Told of every change (nbthread: the backend publishes its queue to the other threads). */
export interface QueueWatcher {
  entered(node: QueueNode): void;
  left(node: QueueNode): void;
}

export class PendingQueue {
  private head: QueueNode | null = null;
  private tail: QueueNode | null = null;
  length = 0;
  /** Highest length seen (stats' qmax). */
  max = 0;
  watcher: QueueWatcher | null = null;

  /** The oldest waiter, left in place. */
  get first(): QueueNode | null {
    return this.head;
  }

  push(node: QueueNode): void {
    node.queued = true;
    node.prev = this.tail;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.length++;
    if (this.length > this.max) this.max = this.length;
    this.watcher?.entered(node);
  }

  /** Puts back a waiter just taken out (the slot it was to get went to another thread). */
  pushFront(node: QueueNode): void {
    node.queued = true;
    node.next = this.head;
    if (this.head) this.head.prev = node;
    else this.tail = node;
    this.head = node;
    this.length++;
    this.watcher?.entered(node);
  }

  remove(node: QueueNode): void {
    if (!node.queued) return;
    node.queued = false;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = null;
    this.length--;
    this.watcher?.left(node);
  }

  /** The oldest waiter that may go to `s`, removed from the queue. */
  takeFor(s: RuntimeServer): QueueNode | null {
    for (let n = this.head; n; n = n.next) {
      if (n.server === null || n.server === s) {
        this.remove(n);
        return n;
      }
    }
    return null;
  }

  /** How many waiters are bound to `s`. */
  countFor(s: RuntimeServer): number {
    let n = 0;
    for (let q = this.head; q; q = q.next) if (q.server === s) n++;
    return n;
  }

  /** Every node, removed (for a backend with no usable server left). */
  drain(): QueueNode[] {
    const out: QueueNode[] = [];
    while (this.head) {
      const n = this.head;
      this.remove(n);
      out.push(n);
    }
    return out;
  }
}
