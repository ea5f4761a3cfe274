// Listening sockets: one node:net server per `bind` line, handing accepted
// connections to the frontend. Inherited sockets (`fd@N`) are adopted as
// they are.

import { createServer, type Server, type Socket } from 'node:net';
import type { Bind } from '../config/index.ts';

export class Listener {
  bind: Bind;
  readonly server: Server;
  readonly label: string;
  /** Where accepted connections go; a reload points a kept listener at the new frontend. */
  private target: ConnectionTarget;

  constructor(bind: Bind, target: ConnectionTarget) {
    this.bind = bind;
    this.label = bindLabel(bind);
    this.target = target;
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (s) => this.target.accept(s));
    // Accept errors (EMFILE...) must not kill the process.
    this.server.on('error', () => {});
  }

  /** Hand later connections to `target` (the socket keeps listening: no gap). */
  retarget(target: ConnectionTarget, bind: Bind): void {
    this.target = target;
    this.bind = bind;
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
        this.server.listen({ path: a.path, backlog: this.bind.backlog }, done);
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
  accept(s: Socket): void;
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
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host || '0.0.0.0'}:${a.port}`;
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
