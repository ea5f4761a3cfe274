// HTTP/2 from clients (ALPN h2 over TLS, and h2c with prior knowledge),
// served by the same HTTP/1.1 pipeline as everything else: node:http2 runs
// the connection (frames, flow control, HPACK, settings), and each stream
// becomes one HTTP/1.1 session of the frontend through a StreamSocket, so
// the frontend's rules, backends, stick tables and logs apply unchanged.
// Servers are spoken to in HTTP/1.1.

import { createServer, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { requestHead } from './request-head.ts';
import { SocketBridge } from './socket-bridge.ts';
import { StreamSocket } from './stream-socket.ts';

/** The HTTP/2 client connection preface (RFC 9113 3.4), how an h2c client with prior knowledge starts. */
export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Where the streams go: the frontend, with the connection's facts `C`. */
export interface StreamTarget<C> {
  startStream(socket: Socket, conn: C): void;
}

export class H2Gateway<C> {
  private readonly server: Http2Server;
  private readonly target: StreamTarget<C>;
  /** The client connection's facts, by the session node:http2 made for it. */
  private readonly conns = new WeakMap<Http2Session, C>();
  private attaching: C | null = null;
  /** Open HTTP/2 connections (their sessions), for a hard stop. */
  readonly sessions = new Set<Http2Session>();

  /** `idleMs`: a connection without streams for that long is closed (the frontend's `timeout client`). */
  constructor(target: StreamTarget<C>, idleMs: number) {
    this.target = target;
    // enableConnectProtocol: WebSocket over HTTP/2 (RFC 8441).
    this.server = createServer({ maxSessionMemory: 32, settings: { enableConnectProtocol: true } });
    if (idleMs > 0) this.server.setTimeout(idleMs);
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
      this.server.emit('connection', encrypted ? new SocketBridge(socket as TLSSocket) : socket);
    } finally {
      this.attaching = null;
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
    if (this.attaching !== null) this.conns.set(session, this.attaching);
    this.sessions.add(session);
    session.on('close', () => this.sessions.delete(session));
    session.on('error', noop);
  };

  private readonly onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    const conn = this.conns.get(stream.session as Http2Session);
    if (conn === undefined) {
      stream.close();
      return;
    }
    const head = requestHead(headers, !stream.endAfterHeaders, headers[':protocol'] === undefined ? '' : randomBytes(16).toString('base64'));
    if (typeof head === 'string') {
      // RFC 9113 8.1.1: a malformed request is a stream error.
      stream.on('error', noop);
      stream.close(1 /* PROTOCOL_ERROR */);
      return;
    }
    this.target.startStream(new StreamSocket(stream, head, headers[':method'] === 'HEAD') as unknown as Socket, conn);
  };
}

function noop(): void {}
