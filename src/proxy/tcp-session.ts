// One client connection in `mode tcp`: a server slot, a server connection
// (with retries and redispatch), then bytes both ways untouched, with
// backpressure, half-closes passed through, and HAProxy's timeouts.

import type { Socket } from 'node:net';
import type { AssignFailure, QueueNode, RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import type { PickInput } from '../lb/index.ts';
import type { RuntimeFrontend, Session } from './frontend.ts';
import { ServerConn, type ServerConnOwner } from './server-conn.ts';
import { SessionSamples } from './session-samples.ts';
import { Txn } from './txn.ts';

const P_ASSIGN = 0;
const P_CONNECT = 1;
const P_PIPE = 2;
const P_CLOSED = 3;

export class TcpSession extends SessionSamples implements ServerConnOwner, PickInput, Session {
  protected readonly fe: RuntimeFrontend;
  private readonly client: Socket;
  private readonly be: RuntimeBackend | null;
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

  constructor(fe: RuntimeFrontend, client: Socket) {
    super();
    this.fe = fe;
    this.client = client;
    this.txn = new Txn(client, fe.name);
    this.txn.startRequest();
    fe.accessLog?.accepted(this.txn, fe);
    client.setNoDelay(true);
    client.on('data', this.onClientData);
    client.on('end', this.onClientEnd);
    client.on('close', this.onClientClose);
    client.on('error', noop);
    client.on('drain', this.onClientDrain);
    client.on('timeout', this.onClientTimeout);
    if (fe.timeouts.client > 0) client.setTimeout(fe.timeouts.client);
    this.be = fe.selectBackend(this);
    if (this.be === null) {
      this.finish('PR');
      return;
    }
    this.txn.backend = this.be.name;
    this.retriesLeft = this.be.retries;
    client.pause();
    this.txn.queuedAt = performance.now();
    this.queueNode = this.be.assign(this, this);
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
    const c = new ServerConn(s, this, this.be!.timeouts.connect);
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
    this.txn.setServerSocket(c.socket);
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
    if (this.phase === P_PIPE) {
      if (!this.conn!.socket.write(chunk)) this.client.pause();
    } else {
      this.early.push(chunk);
      this.client.pause();
    }
  };

  onServerData(c: ServerConn, chunk: Buffer): void {
    if (c !== this.conn) return;
    this.txn.bytesOut += chunk.length;
    this.fe.bytesOut += chunk.length;
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
    if (this.phase === P_PIPE) {
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
    this.finish(this.phase === P_PIPE ? 'cD' : 'cC');
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
    this.fe.sessionEnded(this);
  };

  /** End the session: log once, free the slot, close both sides. */
  private finish(term: string): void {
    if (this.phase === P_CLOSED) return;
    const was = this.phase;
    this.phase = P_CLOSED;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
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
