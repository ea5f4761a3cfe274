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
  constructor(waiter: Waiter, server: RuntimeServer | null, since: number) {
    this.waiter = waiter;
    this.server = server;
    this.since = since;
  }
}

export class PendingQueue {
  private head: QueueNode | null = null;
  private tail: QueueNode | null = null;
  length = 0;
  /** Highest length seen (stats' qmax). */
  max = 0;

  push(node: QueueNode): void {
    node.prev = this.tail;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.length++;
    if (this.length > this.max) this.max = this.length;
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
