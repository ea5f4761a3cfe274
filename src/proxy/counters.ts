// Process-wide connection accounting: the global maxconn, and the connections
// held unread by frontends until a slot frees (HAProxy's actconn), and the
// snapshots of refused messages (`show errors`).

import { LiveCount } from '../backend/index.ts';
import { ErrorSnapshots, type CaptureInput } from './error-snapshots.ts';

export class ProcessCounters {
  /** Current client connections, all frontends (HAProxy's actconn / CurrConns; every thread's under nbthread). */
  readonly live = new LiveCount();
  maxActive = 0;
  cumConns = 0;
  cumRequests = 0;
  /** Connections accepted but waiting for a slot, in this thread. */
  held = 0;
  /** The same, in every thread (nbthread): a slot freed here may be for another thread's. */
  readonly heldAll = new LiveCount();
  /** nbthread: tells the other threads a slot freed while they hold connections. */
  freed: () => void = () => {};
  /** Global maxconn; 0 = unlimited. */
  maxconn: number;
  readonly startedAt = Date.now();
  /** Malformed requests refused, malformed responses rejected (stats' ereq / eresp sources). */
  invalidRequests = 0;
  invalidResponses = 0;
  /** The last refused request per frontend and response per backend. */
  readonly errors = new ErrorSnapshots();
  /** Told of every malformed message (the engine logs it at debug level). */
  onInvalid: (kind: 'invalid-request' | 'invalid-response' | 'handshake-failed', where: string, detail: string) => void = () => {};
  private readonly admitters: Array<{ admitHeld(): boolean }> = [];

  constructor(maxconn: number) {
    this.maxconn = maxconn;
  }

  get active(): number {
    return this.live.value;
  }

  set active(v: number) {
    this.live.value = v;
  }

  get full(): boolean {
    return this.maxconn > 0 && this.active >= this.maxconn;
  }

  /** A connection starts (1) or stops (-1) waiting for a slot. */
  hold(d: 1 | -1): void {
    this.held += d;
    this.heldAll.add(d);
  }

  addAdmitter(a: { admitHeld(): boolean }): void {
    this.admitters.push(a);
  }

  /** A frontend replaced by a reload has finished draining. */
  removeAdmitter(a: { admitHeld(): boolean }): void {
    const i = this.admitters.indexOf(a);
    if (i >= 0) this.admitters.splice(i, 1);
  }

  invalidRequest(frontend: string, client: string, detail: string, capture?: CaptureInput): void {
    this.invalidRequests++;
    if (capture !== undefined) this.errors.capture('request', frontend, capture, Date.now());
    this.onInvalid('invalid-request', `${frontend} client ${client}`, detail);
  }

  invalidResponse(backend: string, server: string, detail: string, capture?: CaptureInput): void {
    this.invalidResponses++;
    if (capture !== undefined) this.errors.capture('response', backend, capture, Date.now());
    this.onInvalid('invalid-response', `${backend}/${server}`, detail);
  }

  /** A session started on the slot its frontend reserved (it counted `active` then). */
  sessionStarted(): void {
    this.cumConns++;
    const n = this.live.value;
    if (n > this.maxActive) this.maxActive = n;
  }

  sessionEnded(): void {
    this.live.add(-1);
    this.admitHeld();
    if (this.heldAll.value > this.held) this.freed();
  }

  /** Held connections of this thread get the free slots, frontend by frontend. */
  admitHeld(): void {
    if (this.held === 0) return;
    for (const a of this.admitters) {
      if (this.full) return;
      while (a.admitHeld()) if (this.full) return;
    }
  }
}
