// The facts of one transaction (an HTTP request, or a whole TCP session) that
// the access log prints: addresses, names, HAProxy's timers, status, bytes
// and the termination state. Filled as the session goes; one per session,
// reset per request.

import type { Socket } from 'node:net';
import type { HttpHead } from '../http/index.ts';
import type { ClientTls } from '../tls/index.ts';
import { socketConn, unmapped, type ClientConn } from './client-conn.ts';

export class Txn {
  readonly clientAddr: string;
  readonly clientPort: number;
  readonly frontendAddr: string;
  readonly frontendPort: number;
  readonly frontend: string;
  backend = '';
  server = '';
  serverAddr = '';
  serverPort = 0;
  backendSrcAddr = '';
  backendSrcPort = 0;
  /** Epoch ms of the accept, and of the current request's first byte. */
  readonly acceptDate = Date.now();
  requestDate = 0;
  // monotonic marks, ms (performance.now())
  private readonly acceptAt = performance.now();
  /** End of the previous request (or the accept): where the idle time Ti starts. */
  private lastEnd = this.acceptAt;
  private idleFrom = this.acceptAt;
  private requestAt = 0;
  private headAt = 0;
  queuedAt = 0;
  private assignedAt = 0;
  private connectedAt = 0;
  private responseAt = 0;
  private endAt = 0;
  status = -1;
  bytesIn = 0;
  bytesOut = 0;
  termination = '--';
  retries = 0;
  redispatched = false;
  method = '';
  target = '';
  version = '';
  /** Why we answered ourselves, for logs. */
  reason = '';
  /** `set-log-level`: '' for the default (info), 'silent' for no line. */
  logLevel = '';
  // Cookie persistence (src/persist's CookieState): %tsc's 3rd and 4th
  // characters, direct access, the cookie's dates, `capture cookie` values.
  ckClient = 'N';
  ckServer = 'N';
  direct = false;
  cookieFirst = 0;
  cookieLast = 0;
  capturedRequestCookie = '';
  capturedResponseCookie = '';
  /** An ignore-persist rule matched. */
  persistIgnored = false;
  /** Captured request and response values by slot (%hr, %hs), null when the frontend captures nothing. */
  reqCaptures: Array<string | null> | null = null;
  resCaptures: Array<string | null> | null = null;

  /** TLS terminated on this connection (ssl_fc*, %sslv, %sslc), or null. */
  readonly tls: ClientTls | null;
  /** The request came on an HTTP/2 stream. */
  readonly http2: boolean;

  /** `conn`: what the listener learnt first (PROXY header addresses, TLS); without it, the socket's own addresses. */
  constructor(client: Socket, frontend: string, conn: ClientConn | null = null) {
    const c = conn ?? socketConn(client, null);
    this.clientAddr = c.src;
    this.clientPort = c.srcPort;
    this.frontendAddr = c.dst;
    this.frontendPort = c.dstPort;
    this.tls = c.tls;
    this.http2 = c.http2 === true;
    this.frontend = frontend;
  }

  /** First byte of a new request (HTTP) or the session itself (TCP). */
  startRequest(): void {
    this.requestAt = performance.now();
    this.requestDate = Date.now();
    this.idleFrom = this.lastEnd;
    this.backend = '';
    this.server = '';
    this.serverAddr = '';
    this.serverPort = 0;
    this.headAt = this.queuedAt = this.assignedAt = this.connectedAt = this.responseAt = this.endAt = 0;
    this.status = -1;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.termination = '--';
    this.retries = 0;
    this.redispatched = false;
    this.method = this.target = this.version = '';
    this.reason = '';
    this.logLevel = '';
    this.ckClient = this.ckServer = 'N';
    this.direct = this.persistIgnored = false;
    this.cookieFirst = this.cookieLast = 0;
    this.capturedRequestCookie = this.capturedResponseCookie = '';
  }

  /** Fresh capture slots for this transaction (frontends without captures keep null). */
  initCaptures(requestSlots: number, responseSlots: number): void {
    this.reqCaptures = requestSlots > 0 ? new Array<string | null>(requestSlots).fill(null) : null;
    this.resCaptures = responseSlots > 0 ? new Array<string | null>(responseSlots).fill(null) : null;
  }

  requestParsed(h: HttpHead): void {
    this.headAt = performance.now();
    this.method = h.method;
    this.target = h.target;
    this.version = this.http2 ? 'HTTP/2.0' : h.versionMinor === 0 ? 'HTTP/1.0' : 'HTTP/1.1';
  }

  assigned(): void {
    this.assignedAt = performance.now();
  }

  /** The server connection is ready (`reused`: an idle one, no connect time). */
  connected(_reused: boolean): void {
    this.connectedAt = performance.now();
  }

  setServerSocket(s: Socket): void {
    this.serverAddr = unmapped(s.remoteAddress ?? '');
    this.serverPort = s.remotePort ?? 0;
    this.backendSrcAddr = unmapped(s.localAddress ?? '');
    this.backendSrcPort = s.localPort ?? 0;
  }

  responseHead(status: number): void {
    this.responseAt = performance.now();
    this.status = status;
  }

  /** Hawser answered by itself. */
  reply(status: number, reason: string): void {
    this.status = status;
    this.reason = reason;
  }

  finished(termination: string): void {
    this.endAt = performance.now();
    this.termination = termination;
    this.lastEnd = this.endAt;
  }

  /** Request line as the log shows it (%r). */
  get requestLine(): string {
    return this.method === '' ? '<BADREQ>' : `${this.method} ${this.target} ${this.version}`;
  }

  // HAProxy's timers, in whole ms, -1 when the event did not happen.
  get Th(): number {
    return 0;
  }
  /** Idle time before the request's first byte. */
  get Ti(): number {
    return this.requestAt > 0 ? ms(this.requestAt - this.idleStart()) : -1;
  }
  /** Time to receive the request head. */
  get TR(): number {
    return this.headAt > 0 ? ms(this.headAt - this.requestAt) : -1;
  }
  /** Time waiting for a server slot. */
  get Tw(): number {
    return this.assignedAt > 0 && this.queuedAt > 0 ? ms(this.assignedAt - this.queuedAt) : -1;
  }
  /** Time to connect to the server. */
  get Tc(): number {
    return this.connectedAt > 0 && this.assignedAt > 0 ? ms(this.connectedAt - this.assignedAt) : -1;
  }
  /** Server response time (request sent to response head). */
  get Tr(): number {
    return this.responseAt > 0 && this.connectedAt > 0 ? ms(this.responseAt - this.connectedAt) : -1;
  }
  /** Active time of the request. */
  get Ta(): number {
    return this.endAt > 0 ? ms(this.endAt - this.requestAt) : -1;
  }
  /** Total session time (TCP), or Ti + Ta (HTTP). */
  get Tt(): number {
    return this.endAt > 0 ? ms(this.endAt - this.idleStart()) : -1;
  }

  private idleStart(): number {
    return this.idleFrom;
  }
}

function ms(x: number): number {
  return Math.round(x);
}
