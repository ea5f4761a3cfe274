// HTTP/2 from clients (ALPN h2 over TLS, and h2c with prior knowledge),
// served by the same HTTP/1.1 pipeline as everything else: node:http2 runs
// the connection (frames, flow control, HPACK, settings), and each stream
// becomes one HTTP/1.1 session of the frontend through a StreamSocket, so
// the frontend's rules, backends, stick tables and logs apply unchanged.
// Servers are spoken to in HTTP/1.1.
//
// The connection is what counts as a connection (the frontend is told when
// it ends); its streams are requests. As in HAProxy, a connection with
// streams has no timer of its own (each stream has its session's); one
// without streams is closed after the idle time: `timeout http-request`
// before its first stream, `timeout http-keep-alive` after (both default
// to `timeout client`).

import { createServer, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { requestHead } from './request-head.ts';
import { StreamSocket, type StreamOwner } from './stream-socket.ts';

/** The largest flow-control window (RFC 9113 6.9.1). */
const CONNECTION_WINDOW = 2 ** 31 - 1;

/** The HTTP/2 client connection preface (RFC 9113 3.4), how an h2c client with prior knowledge starts. */
export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Where the streams go: the frontend, with the connection's facts `C`. */
export interface StreamTarget<C> {
  /** `first`: the connection's first stream (`http-reuse safe` lets the others take idle server connections). */
  startStream(socket: Socket, conn: C, first: boolean): void;
  /** The connection `attach` was given has closed (exactly once per attach). */
  connectionEnded(conn: C): void;
}

export interface H2Options {
  /** Idle time before the first stream (ms; 0: none). */
  idleMs: number;
  /** Idle time after a stream (ms; 0: none). */
  keepAliveMs: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS; 0: no limit. */
  maxStreams: number;
}

/** One client connection: its facts and its streams in progress. */
class H2Conn<C> implements StreamOwner {
  readonly conn: C;
  readonly session: Http2Session;
  private readonly opts: H2Options;
  /** Streams in progress; each is ended with the connection (node:http2 may not close every one itself). */
  private readonly streams = new Set<StreamSocket>();
  private served = false;

  constructor(conn: C, session: Http2Session, opts: H2Options) {
    this.conn = conn;
    this.session = session;
    this.opts = opts;
    session.on('timeout', this.onIdle);
    // The connection's receive window opened to its largest (2^31-1), as
    // HAProxy does: only the streams' own windows pace request bodies, so
    // several uploads on one connection do not wait on each other's
    // WINDOW_UPDATEs.
    if (!session.destroyed) session.setLocalWindowSize(CONNECTION_WINDOW);
    this.idle();
  }

  /** True for the connection's first stream. */
  streamStarted(s: StreamSocket): boolean {
    if (this.streams.size === 0) this.session.setTimeout(0);
    this.streams.add(s);
    const first = !this.served;
    this.served = true;
    return first;
  }

  streamGone(s: StreamSocket): void {
    if (this.streams.delete(s) && this.streams.size === 0) this.idle();
  }

  /** The connection closed: no stream outlives it. */
  closed(): void {
    for (const s of this.streams) s.destroy();
    this.streams.clear();
  }

  private idle(): void {
    const ms = this.served ? this.opts.keepAliveMs : this.opts.idleMs;
    if (ms > 0 && !this.session.destroyed) this.session.setTimeout(ms);
  }

  private readonly onIdle = (): void => {
    // GOAWAY, then the close (a stream opened meanwhile still finishes).
    if (this.streams.size === 0) this.session.close();
  };
}

export class H2Gateway<C> {
  private readonly server: Http2Server;
  private readonly target: StreamTarget<C>;
  private readonly opts: H2Options;
  /** The client connection, by the session node:http2 made for it. */
  private readonly conns = new WeakMap<Http2Session, H2Conn<C>>();
  private attaching: C | null = null;
  /** Open HTTP/2 connections (their sessions), for a hard stop. */
  readonly sessions = new Set<Http2Session>();

  constructor(target: StreamTarget<C>, opts: H2Options) {
    this.target = target;
    this.opts = opts;
    // enableConnectProtocol: WebSocket over HTTP/2 (RFC 8441). node:http2's
    // "no limit" is the largest value the setting can carry.
    const maxConcurrentStreams = opts.maxStreams > 0 ? opts.maxStreams : 0xffffffff;
    this.server = createServer({ maxSessionMemory: 32, settings: { enableConnectProtocol: true, maxConcurrentStreams } });
    this.server.on('session', this.onSession);
    this.server.on('stream', this.onStream);
    // A client's protocol error ends its own connection, never more.
    this.server.on('sessionError', noop);
  }

  /** Serves `socket` (TLS with ALPN h2, or clear text starting with the preface) as HTTP/2. */
  attach(socket: Socket, conn: C): void {
    this.attaching = conn;
    try {
      const encrypted = (socket as Socket & { encrypted?: boolean }).encrypted === true;
      // HTTP/2 has no half-closed connection: the client's FIN ends it (the
      // listener's sockets are half-open for HTTP/1.1, which would leave the
      // session, and a stream of it, open).
      socket.allowHalfOpen = false;
      // node:http2 waits for 'secureConnect' while `secureConnecting` is set,
      // which only a tls.Server clears on a server socket: cleared here, the
      // session reads the TLS socket's native handle itself (decryption,
      // framing and HPACK in one native pass, no JavaScript stream between).
      if (encrypted) (socket as TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
      this.server.emit('connection', socket);
    } catch {
      // node:http2 refused the socket: nothing was made of it.
    }
    if (this.attaching !== null) {
      this.attaching = null;
      socket.destroy();
      this.target.connectionEnded(conn);
    }
  }

  /** Hard stop: every connection and its streams. */
  closeAll(): void {
    for (const s of this.sessions) s.destroy();
  }

  /** Graceful stop: GOAWAY, streams in progress finish. */
  drain(): void {
    for (const s of this.sessions) s.close();
  }

  private readonly onSession = (session: Http2Session): void => {
    const conn = this.attaching;
    session.on('error', noop);
    if (conn === null) {
      session.destroy();
      return;
    }
    this.attaching = null;
    const c = new H2Conn(conn, session, this.opts);
    this.conns.set(session, c);
    this.sessions.add(session);
    session.once('close', () => {
      this.sessions.delete(session);
      c.closed();
      this.target.connectionEnded(conn);
    });
  };

  private readonly onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    const c = this.conns.get(stream.session as Http2Session);
    if (c === undefined) {
      stream.close();
      return;
    }
    const conn = c.conn;
    const head = requestHead(headers, !stream.endAfterHeaders, headers[':protocol'] === undefined ? '' : randomBytes(16).toString('base64'));
    if (typeof head === 'string') {
      // RFC 9113 8.1.1: a malformed request is a stream error.
      stream.on('error', noop);
      stream.close(1 /* PROTOCOL_ERROR */);
      return;
    }
    const socket = new StreamSocket(stream, head, headers[':method'] === 'HEAD', c);
    this.target.startStream(socket as unknown as Socket, conn, c.streamStarted(socket));
  };
}

function noop(): void {}
