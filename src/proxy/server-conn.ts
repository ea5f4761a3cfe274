// One connection to a server. Its socket handlers are bound once, for the
// connection's life; they dispatch to whichever session owns it now, so a
// kept-alive connection can move from session to session (HTTP reuse)
// without new closures or listeners.

import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { sampleText, type SampleContext } from '../acl/index.ts';
import type { RuntimeServer } from '../backend/index.ts';
import { hostPort } from '../config/index.ts';
import { rememberServerSession, serverTlsOptions } from '../tls/index.ts';
import { H2ServerSocket } from '../h2/index.ts';
import { encodeProxyV1, encodeProxyV2 } from './proxy-protocol.ts';

/** What a session must handle from its server connection. */
export interface ServerConnOwner {
  onServerConnect(c: ServerConn): void;
  onServerData(c: ServerConn, chunk: Buffer): void;
  onServerEnd(c: ServerConn): void;
  onServerClose(c: ServerConn, err: Error | null): void;
  onServerTimeout(c: ServerConn): void;
  onServerDrain(c: ServerConn): void;
}

/** The client connection a PROXY header we send describes (a session's Txn has these fields). */
export interface ProxiedClient {
  readonly clientAddr: string;
  readonly clientPort: number;
  readonly frontendAddr: string;
  readonly frontendPort: number;
}

/** Idle connections kept per server, at most (HAProxy bounds them with pool-max-conn). */
const MAX_IDLE_PER_SERVER = 512;

/** Size of a server connection's read buffer (Node's own read size). */
const READ_BUFFER_SIZE = 64 * 1024;

/**
 * Read buffers of closed connections, for the next ones: a fresh 64 KiB
 * buffer per connection drove the GC under short-lived connections (about
 * 14% of the CPU with one request per connection, bench profile).
 */
const spareReadBuffers: Buffer[] = [];
const MAX_SPARE_READ_BUFFERS = 32;

export class ServerConn {
  readonly socket: Socket;
  readonly server: RuntimeServer;
  owner: ServerConnOwner | null;
  connected = false;
  closed = false;
  /** In the server's idle list. */
  idle = false;
  /** Requests this connection has carried (for `http-reuse safe`). */
  uses = 0;
  /**
   * Where the owner writes what this connection reads (the client socket).
   * A read buffer is reused only once that socket has flushed everything:
   * a queued write still points into it.
   */
  sink: Socket | null = null;
  /** Taken when node:net first asks for it (never for a TLS connection), given back on close. */
  private readBuffer: Buffer | null = null;
  private lastError: Error | null = null;
  /**
   * Carries one client's identity (a PROXY header went first): never
   * handed to another session, as HAProxy keeps such connections private.
   */
  private readonly private: boolean;
  /** A TCP connection without TLS (the only kind a reset can close). */
  private readonly plainTcp: boolean;

  /**
   * `client`: whom a `send-proxy` header names (null: LOCAL / UNKNOWN, as
   * for a check); `samples`: what `sni EXPR` is evaluated against.
   */
  constructor(
    server: RuntimeServer,
    owner: ServerConnOwner,
    connectTimeout: number,
    client: ProxiedClient | null = null,
    samples: SampleContext | null = null,
  ) {
    this.server = server;
    this.owner = owner;
    const tls = server.tls !== null && server.tls.traffic ? server.tls : null;
    const h2 = server.config.proto === 'h2';
    // Reads land in one reused buffer instead of a fresh 64 KiB allocation
    // per read: under bulk traffic those allocations drove a full GC every
    // ~70 ms (bench profile). Backpressure uses pause()/resume(), which
    // net.Socket implements for this mode; returning false from the
    // callback would leave the stream unable to restart reading. A TLS
    // socket takes the TCP one over and reads its own way.
    const onread = tls === null && !h2 ? { buffer: this.nextBuffer, callback: this.onRead } : undefined;
    const raw =
      server.path !== null
        ? connect({ path: server.path, allowHalfOpen: true, onread })
        : connect({ host: server.host, port: server.port, noDelay: true, allowHalfOpen: true, onread });
    const sendProxy = server.config.sendProxy ?? 0;
    this.private = sendProxy !== 0;
    if (sendProxy !== 0) {
      // Queued until the connection is up, and so always the first bytes the server reads (before TLS too).
      const a = client === null ? null : { src: client.clientAddr, srcPort: client.clientPort, dst: client.frontendAddr, dstPort: client.frontendPort };
      raw.write(sendProxy === 1 ? encodeProxyV1(a) : encodeProxyV2(a));
    }
    let s: Socket = raw;
    if (tls !== null) {
      const smp = server.sni !== null && samples !== null ? server.sni.eval(samples) : null;
      const servername = smp === null ? undefined : sampleText(smp);
      const options = serverTlsOptions(tls, servername);
      // HTTP/2 over TLS is agreed by ALPN (RFC 9113 3.2): offered when the line names no protocols itself.
      if (h2) options.ALPNProtocols ??= ['h2'];
      const t: TLSSocket = tlsConnect({ ...options, socket: raw });
      if (!h2) {
        t.on('secureConnect', this.onConnect);
        t.on('data', this.onData);
      }
      t.on('session', this.onSession);
      // The TCP socket's errors reach the TLS one; this only keeps them from being unhandled.
      raw.on('error', noop);
      s = t;
    } else if (!h2) {
      s.on('connect', this.onConnect);
    }
    if (h2) {
      // The pipeline speaks HTTP/1.1 to it, as to any server socket.
      const h2s = new H2ServerSocket(s, { scheme: tls === null ? 'http' : 'https', authority: server.path !== null ? 'localhost' : hostPort(server.host, server.port) });
      h2s.on('connect', this.onConnect);
      h2s.on('data', this.onData);
      s = h2s as unknown as Socket;
    }
    this.socket = s;
    this.plainTcp = tls === null && server.path === null && !h2;
    if (connectTimeout > 0) s.setTimeout(connectTimeout);
    s.on('end', this.onEnd);
    s.on('error', this.onError);
    s.on('close', this.onClose);
    s.on('timeout', this.onTimeout);
    s.on('drain', this.onDrain);
  }

  private readonly onConnect = (): void => {
    this.connected = true;
    this.owner?.onServerConnect(this);
  };

  /** Always true: backpressure goes through pause()/resume() (see the constructor). */
  private readonly onRead = (nread: number, buf: Uint8Array): boolean => {
    const chunk = (buf as Buffer).subarray(0, nread);
    if (this.owner) this.owner.onServerData(this, chunk);
    else this.socket.destroy(); // an idle server must not talk: drop it
    // The owner never keeps a chunk past this call (it copies when it must).
    if (this.sink !== null && this.sink.writableLength > 0) {
      this.readBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);
    }
    return true;
  };

  private readonly nextBuffer = (): Buffer => (this.readBuffer ??= spareReadBuffers.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_SIZE));

  /** Reads of a TLS connection (no shared buffer: node:tls hands out its own). */
  private readonly onData = (chunk: Buffer): void => {
    if (this.owner) this.owner.onServerData(this, chunk);
    else this.socket.destroy();
  };

  private readonly onSession = (session: Buffer): void => {
    if (this.server.tls !== null) rememberServerSession(this.server.tls, session);
  };


  private readonly onEnd = (): void => {
    if (this.owner) this.owner.onServerEnd(this);
    else this.socket.destroy();
  };

  private readonly onError = (err: Error): void => {
    this.lastError = err;
  };

  private readonly onClose = (): void => {
    this.closed = true;
    // The handle is closed (no read can land in it any more), and after each
    // read the buffer is either free or was swapped for a fresh one (onRead).
    const rb = this.readBuffer;
    if (rb !== null) {
      this.readBuffer = null;
      if (spareReadBuffers.length < MAX_SPARE_READ_BUFFERS) spareReadBuffers.push(rb);
    }
    if (this.idle) this.leaveIdle();
    const o = this.owner;
    this.owner = null;
    o?.onServerClose(this, this.lastError);
  };

  private readonly onTimeout = (): void => {
    if (this.owner) this.owner.onServerTimeout(this);
    else this.socket.destroy(); // idle too long
  };

  private readonly onDrain = (): void => {
    this.owner?.onServerDrain(this);
  };

  /** Park the connection in its server's idle list; false if it had to be closed instead. */
  park(idleTimeout: number): boolean {
    this.owner = null;
    this.sink = null;
    const list = this.server.idle as ServerConn[];
    if (this.closed || this.private || list.length >= MAX_IDLE_PER_SERVER) {
      this.closeAfterExchange();
      return false;
    }
    this.idle = true;
    setIdleTimeout(this.socket, idleTimeout);
    list.push(this);
    return true;
  }

  /** Take this connection out of the idle list for `owner`. */
  adopt(owner: ServerConnOwner, timeout: number): void {
    if (this.idle) this.leaveIdle();
    this.owner = owner;
    this.uses++;
    setIdleTimeout(this.socket, timeout);
  }

  private leaveIdle(): void {
    this.idle = false;
    const list = this.server.idle as ServerConn[];
    const i = list.lastIndexOf(this);
    if (i === list.length - 1) list.pop();
    else if (i >= 0) list.splice(i, 1);
  }

  destroy(): void {
    this.owner = null;
    this.sink = null;
    this.socket.destroy();
  }

  /**
   * Closes a connection whose exchange is complete and that is not kept:
   * with a reset, as HAProxy closes server connections (SO_LINGER 0), so
   * no TIME_WAIT stays behind on our side: with one request per client
   * connection, each would hold a local port towards the server for a
   * minute, and connect() searches past them for a free one. A TLS or
   * UNIX socket connection, or one with bytes still queued, is closed the
   * ordinary way.
   */
  closeAfterExchange(): void {
    const s = this.socket;
    if (!this.plainTcp || s.destroyed || s.connecting || s.writableLength > 0) {
      this.destroy();
      return;
    }
    this.owner = null;
    this.sink = null;
    s.resetAndDestroy();
  }
}

/** The most recently parked connection of `s` that is still open, taken out of the list. */
export function takeIdle(s: RuntimeServer): ServerConn | null {
  const list = s.idle as ServerConn[];
  while (list.length > 0) {
    const c = list[list.length - 1];
    if (!c.closed && !c.socket.destroyed) return c;
    list.pop();
    c.idle = false;
  }
  return null;
}

/**
 * socket.setTimeout, skipped when the value is already in force: re-arming
 * costs a timer list operation, and a kept-alive connection would otherwise
 * pay it twice per request for the same value.
 */
export function setIdleTimeout(s: Socket, ms: number): void {
  if (s.timeout !== ms) s.setTimeout(ms);
}

function noop(): void {}
