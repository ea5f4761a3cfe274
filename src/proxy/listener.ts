// Listening sockets: one node:net server per `bind` line, handing accepted
// connections to the frontend. Inherited sockets (`fd@N`) are adopted as
// they are. Before a session starts, a connection may first send a PROXY
// header (`accept-proxy`) and then a TLS handshake (`ssl`): both happen
// here, bounded by the frontend's client timeout, and a connection that
// fails either is closed and counted without reaching the frontend.

import { chmodSync, chownSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostPort, type Bind } from '../config/index.ts';
import { TlsTerminator, type BindTlsPlan, type ClientTls } from '../tls/index.ts';
import { proxiedConn, readProxyHeader, socketConn, type ClientConn } from './client-conn.ts';
import type { ProxyHeader } from './proxy-protocol.ts';
import { groupId, userId } from './unix-ids.ts';

export class Listener {
  bind: Bind;
  readonly server: Server;
  readonly label: string;
  /** Where accepted connections go; a reload points a kept listener at the new frontend. */
  private target: ConnectionTarget;
  /** TLS termination (`ssl`), rebuilt from the new certificates on reload. */
  tls: TlsTerminator | null;

  constructor(bind: Bind, target: ConnectionTarget, tls: BindTlsPlan | null = null) {
    this.bind = bind;
    this.label = bindLabel(bind);
    this.target = target;
    this.tls = tls !== null ? new TlsTerminator(tls) : null;
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, this.onConnection);
    // Accept errors (EMFILE...) must not kill the process.
    this.server.on('error', () => {});
  }

  /** Hand later connections to `target` (the socket keeps listening: no gap). */
  retarget(target: ConnectionTarget, bind: Bind, tls: TlsTerminator | null): void {
    this.target = target;
    this.bind = bind;
    this.tls = tls;
  }

  private readonly onConnection = (s: Socket): void => {
    if (this.bind.acceptProxy !== true && this.tls === null) {
      this.target.accept(s, null);
      return;
    }
    const target = this.target;
    const tls = this.tls;
    // Read the peer's address now: node:net keeps it, and a failure log needs it after the socket is gone.
    void s.remoteAddress;
    const name = this.bind.name ?? this.label;
    const failed = (why: string): void => target.handshakeFailed(s, name, why);
    if (this.bind.acceptProxy === true) {
      readProxyHeader(s, target.handshakeTimeout, (h) => this.afterProxy(s, h, target, tls, failed), failed);
    } else {
      this.afterProxy(s, null, target, tls, failed);
    }
  };

  private afterProxy(s: Socket, h: ProxyHeader | null, target: ConnectionTarget, tls: TlsTerminator | null, failed: (why: string) => void): void {
    // Addresses come from the TCP socket, which already holds the peer's
    // (read in onConnection): asking the TLS socket would ask the kernel again.
    const conn = (t: ClientTls | null): ClientConn => (h !== null ? proxiedConn(s, h, t) : socketConn(s, t));
    if (tls === null) {
      // readProxyHeader left the socket paused with what followed the header unshifted.
      s.resume();
      target.accept(s, conn(null));
      return;
    }
    tls.wrap(s, target.handshakeTimeout, (ts, facts) => target.accept(ts, conn(facts)), failed);
  }

  /** Bind and listen; rejects with HAProxy's wording on failure. */
  listen(): Promise<void> {
    const a = this.bind.address;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new Error(`cannot bind socket (${describeErrno(err)}) [${this.label}]`));
      };
      this.server.once('error', onError);
      const done = (): void => {
        this.server.off('error', onError);
        resolve();
      };
      if (a.kind === 'fd') {
        this.server.listen({ fd: a.fd }, done);
      } else if (a.kind === 'unix') {
        removeStaleSocket(a.path);
        this.server.listen({ path: a.path, backlog: this.bind.backlog }, () => {
          try {
            this.applySocketPermissions(a.path);
          } catch (err) {
            this.server.off('error', onError);
            this.server.close();
            reject(new Error(`cannot set permissions of ${a.path} (${(err as Error).message}) [${this.label}]`));
            return;
          }
          done();
        });
      } else {
        const host = a.host === '' || a.host === '*' ? (a.family === 6 ? '::' : '0.0.0.0') : a.host;
        this.server.listen(
          {
            host,
            port: a.port,
            backlog: this.bind.backlog,
            ipv6Only: this.bind.v6only === true,
            reusePort: this.bind.reusePort !== false,
          },
          done,
        );
      }
    });
  }

  /** `mode`, `user`, `group` (`uid`, `gid`) of a UNIX socket listener. */
  private applySocketPermissions(path: string): void {
    const b = this.bind;
    if (b.socketMode !== undefined) chmodSync(path, b.socketMode);
    const uid = b.socketUid ?? (b.socketUser !== undefined ? userId(b.socketUser) : -1);
    const gid = b.socketGid ?? (b.socketGroup !== undefined ? groupId(b.socketGroup) : -1);
    if (uid !== -1 || gid !== -1) chownSync(path, uid, gid);
  }

  /** The port actually bound (useful when the config said port 0). */
  get port(): number {
    const addr = this.server.address();
    return addr !== null && typeof addr === 'object' ? addr.port : 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** What accepts a listener's connections (a frontend). */
export interface ConnectionTarget {
  accept(s: Socket, conn: ClientConn | null): void;
  /** Bounds the PROXY header and the TLS handshake, ms (0: none). */
  readonly handshakeTimeout: number;
  /** A connection failed before its session; `bind` names the listener. */
  handshakeFailed(s: Socket, bind: string, why: string): void;
}

/**
 * A UNIX socket file left by a process that is gone would make listen()
 * fail; HAProxy binds beside it and renames over it, which replaces it the
 * same way. Anything that is not a socket is left alone (listen() reports it).
 */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // absent: nothing to do
  }
}

/**
 * Two binds with the same key are the same listening socket: a reload keeps
 * it open rather than closing and re-binding (which would refuse clients
 * for a moment).
 */
export function bindKey(b: Bind): string {
  const a = b.address;
  if (a.kind === 'fd' || a.kind === 'unix') return bindLabel(b);
  return `${a.family}/${bindLabel(b)}/${b.v6only === true ? 'v6only' : ''}`;
}

export function bindLabel(b: Bind): string {
  const a = b.address;
  if (a.kind === 'fd') return `fd@${a.fd}`;
  if (a.kind === 'unix') return a.path;
  return hostPort(a.host || '0.0.0.0', a.port);
}

function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return 'Address already in use';
    case 'EACCES':
      return 'Permission denied';
    case 'EADDRNOTAVAIL':
      return 'Cannot assign requested address';
    default:
      return err.message;
  }
}
