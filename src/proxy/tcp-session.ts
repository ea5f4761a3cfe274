// One client connection in `mode tcp`: tcp-request connection and session
// rules at accept, content rules over the first bytes (held up to the
// inspect-delay while a rule cannot decide), the backend, a server slot, a
// server connection (with retries and redispatch), then bytes both ways
// untouched, with backpressure, half-closes passed through, and HAProxy's
// timeouts.

import type { Socket } from 'node:net';
import type { AssignFailure, QueueNode, RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import { DEFAULT_LIMITS, HEAD_END, type HttpHead, isHeadError, parseRequestHead } from '../http/index.ts';
import { runTcpRules, TCP_REJECT, TCP_WAIT, type TcpRule } from '../rules/index.ts';
import type { PickInput } from '../lb/index.ts';
import type { RuntimeFrontend, Session } from './frontend.ts';
import { ServerConn, type ServerConnOwner } from './server-conn.ts';
import { SessionSamples } from './session-samples.ts';
import { StickState } from './stick-rules.ts';
import { Txn } from './txn.ts';
import type { ClientConn } from './client-conn.ts';

const P_ASSIGN = 0;
const P_CONNECT = 1;
const P_PIPE = 2;
const P_CLOSED = 3;
const P_INSPECT = 4; // content rules wait for request bytes

/** HAProxy's tune.bufsize minus tune.maxrewrite: a buffer this full ends the inspection. */
const INSPECT_LIMIT = 16384 - 1024;

export class TcpSession extends SessionSamples implements ServerConnOwner, PickInput, Session {
  protected readonly fe: RuntimeFrontend;
  private readonly client: Socket;
  private be: RuntimeBackend | null = null;
  protected readonly txn: Txn;
  private phase = P_ASSIGN;
  private server: RuntimeServer | null = null;
  private conn: ServerConn | null = null;
  private queueNode: QueueNode | null = null;
  private retriesLeft = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Bytes the client sent before the server connection was up. */
  private early: Buffer[] = [];
  private clientEnded = false;
  private serverEnded = false;
  private logged = false;
  /** Request bytes held while content rules inspect them (and switching rules read them). */
  private inspected: Buffer | null = null;
  private contentRules: readonly TcpRule[] = [];
  private inspectTimer: NodeJS.Timeout | null = null;
  /** The inspect-delay ran out, the buffer filled or the client finished: rules must decide. */
  private inspectOver = false;
  /** The HTTP head parsed from `inspected` (HTTP fetches on a TCP stream), for its length then. */
  private parsedLength = -1;
  private parsedHead: HttpHead | null = null;
  /** Stick persistence (null unless the backend has stick rules). */
  private stick: StickState | null = null;

  constructor(fe: RuntimeFrontend, client: Socket, conn: ClientConn | null = null) {
    super();
    this.fe = fe;
    this.client = client;
    this.txn = new Txn(client, fe.name, conn);
    this.txn.startRequest();
    client.setNoDelay(true);
    client.on('data', this.onClientData);
    client.on('end', this.onClientEnd);
    client.on('close', this.onClientClose);
    client.on('error', noop);
    client.on('drain', this.onClientDrain);
    client.on('timeout', this.onClientTimeout);
    if (fe.timeouts.client > 0) client.setTimeout(fe.timeouts.client);
    const r = fe.rules;
    if (r.tcpConnection.length > 0 && runTcpRules(r.tcpConnection, this, false) === TCP_REJECT) {
      this.refuse(true);
      return;
    }
    if (r.tcpSession.length > 0 && runTcpRules(r.tcpSession, this, false) === TCP_REJECT) {
      this.refuse(false);
      return;
    }
    // HAProxy counts the session on the counters its connection-level rules tracked.
    if (this.sc !== null) this.sc.countSession();
    fe.accessLog?.accepted(this.txn, fe);
    if (r.captures.request.length + r.captures.response.length > 0) this.txn.initCaptures(r.captures.request.length, r.captures.response.length);
    if (r.tcpContent.length > 0) {
      this.inspect(r.tcpContent, r.inspectDelay);
      return;
    }
    this.route();
  }

  /** tcp-request connection / session reject: closed at once, not logged (HAProxy's dcon / dses). */
  private refuse(connection: boolean): void {
    if (connection) this.fe.deniedConn++;
    else this.fe.deniedSess++;
    this.phase = P_CLOSED;
    this.logged = true;
    this.client.destroy();
  }

  /** Switching rules, then the chosen backend's content rules, then a server slot. */
  private route(): void {
    const be = this.fe.selectBackend(this);
    if (be === null) {
      this.finish('PR');
      return;
    }
    this.be = be;
    this.txn.backend = be.name;
    const own = be.config.fromListen && be.name === this.fe.name;
    if (be.rules.tcpContent.length > 0 && !own) {
      this.inspect(be.rules.tcpContent, be.rules.inspectDelay);
      return;
    }
    this.assignServer();
  }

  private assignServer(): void {
    const be = this.be!;
    this.retriesLeft = be.retries;
    if (this.inspected !== null) {
      this.early.push(this.inspected);
      this.inspected = null;
    }
    this.client.pause();
    this.phase = P_ASSIGN;
    this.txn.queuedAt = performance.now();
    const server = be.rules.stick !== null ? (this.stick ??= new StickState()).request(be, this, null) : null;
    this.queueNode = server !== null ? be.assignTo(this, server) : be.assign(this, this);
  }

  // ---- content inspection

  /** Run content `rules` now and on each read until they decide or `delay` ms pass (0: decide now). */
  private inspect(rules: readonly TcpRule[], delay: number): void {
    this.phase = P_INSPECT;
    this.contentRules = rules;
    this.inspectOver = delay <= 0 || this.clientEnded || (this.inspected !== null && this.inspected.length >= INSPECT_LIMIT);
    if (!this.inspectOver) this.inspectTimer = setTimeout(this.onInspectTimeout, delay);
    this.client.resume();
    this.evaluateContent();
  }

  private readonly onInspectTimeout = (): void => {
    this.inspectTimer = null;
    if (this.phase !== P_INSPECT) return;
    this.inspectOver = true;
    this.evaluateContent();
  };

  private evaluateContent(): void {
    const v = runTcpRules(this.contentRules, this, true);
    if (v === TCP_WAIT) return;
    if (this.inspectTimer !== null) {
      clearTimeout(this.inspectTimer);
      this.inspectTimer = null;
    }
    if (v === TCP_REJECT) {
      this.fe.deniedReq++;
      this.finish('PR');
      return;
    }
    if (this.be === null) this.route();
    else this.assignServer();
  }

  override requestPayload(): Buffer | undefined {
    return this.inspected ?? undefined;
  }

  override requestMayGrow(): boolean {
    return this.phase === P_INSPECT && !this.inspectOver;
  }

  /** The HTTP request head in the bytes inspected so far (HTTP fetches on a TCP stream), or null. */
  private httpHead(): HttpHead | null {
    const b = this.inspected;
    if (b === null) return null;
    if (this.parsedLength !== b.length) {
      this.parsedLength = b.length;
      const end = b.indexOf(HEAD_END);
      const h = end < 0 ? null : parseRequestHead(b, 0, end + 4, DEFAULT_LIMITS);
      this.parsedHead = h === null || isHeadError(h) ? null : h;
    }
    return this.parsedHead;
  }

  override method(): string | undefined {
    return this.httpHead()?.method;
  }
  override url(): string | undefined {
    return this.httpHead()?.target;
  }
  override httpVersion(): string | undefined {
    const h = this.httpHead();
    return h === null ? undefined : h.versionMinor === 0 ? '1.0' : '1.1';
  }
  override requestHeaders(): readonly string[] | undefined {
    return this.httpHead()?.headers;
  }

  get src(): string {
    return this.txn.clientAddr;
  }

  protected currentBackend(): RuntimeBackend | null {
    return this.be;
  }

  serverAssigned(s: RuntimeServer): void {
    this.queueNode = null;
    if (this.phase !== P_ASSIGN) {
      this.be!.release(s);
      return;
    }
    this.server = s;
    this.txn.server = s.name;
    this.txn.assigned();
    this.phase = P_CONNECT;
    this.conn = this.open(s);
  }

  /** A new server connection whose reads are written to our client. */
  private open(s: RuntimeServer): ServerConn {
    const c = new ServerConn(s, this, this.be!.timeouts.connect, this.txn, this);
    c.sink = this.client;
    return c;
  }

  assignFailed(reason: AssignFailure): void {
    this.queueNode = null;
    if (this.phase !== P_ASSIGN) return;
    this.finish(reason === 'noserver' ? 'SC' : 'sQ');
  }

  onServerConnect(c: ServerConn): void {
    if (c !== this.conn) return;
    this.phase = P_PIPE;
    this.txn.connected(false);
    // Only the access log prints the server's addresses: two system calls saved per connection without one.
    if (this.fe.accessLog !== null) this.txn.setServerSocket(c.socket);
    // Stick store rules apply once the server is connected.
    if (this.be!.rules.stick !== null && this.server !== null) (this.stick ??= new StickState()).store(this.be!, this, this.server);
    const tunnel = this.fe.timeouts.tunnel || this.be!.timeouts.tunnel;
    c.socket.setTimeout(tunnel || this.be!.timeouts.server);
    if (tunnel > 0) this.client.setTimeout(tunnel);
    for (const b of this.early) c.socket.write(b);
    this.early = [];
    if (this.clientEnded) c.socket.end();
    this.client.resume();
  }

  private readonly onClientData = (chunk: Buffer): void => {
    this.txn.bytesIn += chunk.length;
    this.fe.bytesIn += chunk.length;
    if (this.sc !== null) this.sc.bytesIn(chunk.length);
    if (this.phase === P_PIPE) {
      if (!this.conn!.socket.write(chunk)) this.client.pause();
    } else if (this.phase === P_INSPECT) {
      this.inspected = this.inspected === null ? chunk : Buffer.concat([this.inspected, chunk]);
      if (this.inspected.length >= INSPECT_LIMIT) {
        this.inspectOver = true;
        this.client.pause();
      }
      this.evaluateContent();
    } else {
      this.early.push(chunk);
      this.client.pause();
    }
  };

  onServerData(c: ServerConn, chunk: Buffer): void {
    if (c !== this.conn) return;
    this.txn.bytesOut += chunk.length;
    this.fe.bytesOut += chunk.length;
    if (this.sc !== null) this.sc.bytesOut(chunk.length);
    if (!this.client.write(chunk)) c.socket.pause();
  }

  onServerDrain(c: ServerConn): void {
    if (c === this.conn && this.phase === P_PIPE) this.client.resume();
  }

  private readonly onClientDrain = (): void => {
    if (this.phase === P_PIPE) this.conn?.socket.resume();
  };

  private readonly onClientEnd = (): void => {
    this.clientEnded = true;
    if (this.phase === P_INSPECT) {
      this.inspectOver = true;
      this.evaluateContent();
    } else if (this.phase === P_PIPE) {
      this.conn!.socket.end();
      if (this.fe.timeouts.clientFin > 0) this.client.setTimeout(this.fe.timeouts.clientFin);
    } else if (this.phase === P_ASSIGN) {
      this.finish('CC');
    }
  };

  onServerEnd(c: ServerConn): void {
    if (c !== this.conn) return;
    this.serverEnded = true;
    this.client.end();
  }

  onServerClose(c: ServerConn, _err: Error | null): void {
    if (c !== this.conn) return;
    this.conn = null;
    if (this.phase === P_CONNECT) {
      this.connectFailed('SC');
      return;
    }
    if (this.phase === P_PIPE) {
      this.finish(this.serverEnded ? '--' : 'SD');
    }
  }

  onServerTimeout(c: ServerConn): void {
    if (c !== this.conn) return;
    if (this.phase === P_CONNECT) {
      c.destroy();
      this.conn = null;
      this.connectFailed('sC');
      return;
    }
    // Silent because we stopped reading it (the client is slow): not the server's fault.
    if (this.client.writableNeedDrain) return;
    this.finish('sD');
  }

  private readonly onClientTimeout = (): void => {
    if (this.conn !== null && this.conn.socket.writableNeedDrain) return;
    this.finish(this.phase === P_PIPE ? 'cD' : this.phase === P_INSPECT ? 'cR' : 'cC');
  };

  private connectFailed(term: string): void {
    const s = this.server!;
    const be = this.be!;
    this.conn?.destroy();
    this.conn = null;
    const next = be.connectFailed(s, this.retriesLeft, term === 'sC');
    if (next.kind === 'give-up') {
      this.finish(term);
      return;
    }
    this.retriesLeft--;
    this.txn.retries++;
    if (next.kind === 'redispatch') {
      this.server = null;
      this.txn.redispatched = true;
      this.phase = P_ASSIGN;
      this.queueNode = be.assign(this, this, s);
      return;
    }
    this.retryTimer = setTimeout(this.retryConnect, next.delay);
  }

  private readonly retryConnect = (): void => {
    this.retryTimer = null;
    if (this.phase !== P_CONNECT || this.server === null) return;
    this.conn = this.open(this.server);
  };

  private readonly onClientClose = (): void => {
    if (this.phase !== P_CLOSED) {
      this.finish(this.clientEnded ? '--' : 'CD');
    }
    if (this.sc !== null) this.sc.endSession();
    this.fe.sessionEnded(this);
  };

  /** End the session: log once, free the slot, close both sides. */
  private finish(term: string): void {
    if (this.phase === P_CLOSED) return;
    const was = this.phase;
    this.phase = P_CLOSED;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.inspectTimer !== null) clearTimeout(this.inspectTimer);
    if (this.queueNode !== null) {
      this.be?.leaveQueue(this.queueNode);
      this.queueNode = null;
    }
    const srv = this.server;
    if (this.server !== null && this.be !== null) {
      this.be.release(this.server);
      this.be.bytesIn += this.txn.bytesIn;
      this.be.bytesOut += this.txn.bytesOut;
      this.server.bytesIn += this.txn.bytesIn;
      this.server.bytesOut += this.txn.bytesOut;
    }
    this.server = null;
    if (!this.logged) {
      this.logged = true;
      this.txn.finished(term);
      if (was !== P_PIPE && term === '--') this.txn.termination = 'CC';
      this.fe.accessLog?.tcp(this.txn, this.fe, this.be, srv);
    }
    if (term === '--') {
      // both sides finished cleanly: let pending writes flush
      this.conn?.socket.end();
      this.client.end();
    } else {
      this.conn?.destroy();
      this.client.destroy();
    }
    this.conn = null;
  }

  /** A TCP session has no boundary to stop at: it runs until either side closes. */
  softStop(): void {}

  abort(): void {
    this.finish('PD');
  }
}

function noop(): void {}
