// Process-wide connection accounting: the global maxconn, and the connections
// held unread by frontends until a slot frees (HAProxy's actconn), and the
// snapshots of refused messages (`show errors`).

import { ErrorSnapshots, type CaptureInput } from './error-snapshots.ts';

export class ProcessCounters {
  /** Current client connections, all frontends (HAProxy's actconn / CurrConns). */
  active = 0;
  maxActive = 0;
  cumConns = 0;
  cumRequests = 0;
  /** Connections accepted but waiting for a slot. */
  held = 0;
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

  get full(): boolean {
    return this.maxconn > 0 && this.active >= this.maxconn;
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

  sessionStarted(): void {
    this.active++;
    this.cumConns++;
    if (this.active > this.maxActive) this.maxActive = this.active;
  }

  sessionEnded(): void {
    this.active--;
    if (this.held === 0) return;
    for (const a of this.admitters) {
      if (this.full) return;
      while (a.admitHeld()) if (this.full) return;
    }
  }
}
