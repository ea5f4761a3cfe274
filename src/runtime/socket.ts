// The `stats socket` listeners: a unix socket (with its `mode`), a TCP
// address, or an inherited fd. Each accepted connection becomes a CliSession
// at the socket's level.

import { chmodSync, linkSync, lstatSync, renameSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostPort, type StatsSocket } from '../config/index.ts';

export class StatsSocketListener {
  readonly config: StatsSocket;
  readonly server: Server;
  readonly label: string;
  /** The inode of the socket file this listener bound, to tell it from a successor's. */
  #ino = -1;

  constructor(config: StatsSocket, onConnection: (s: Socket, cfg: StatsSocket) => void) {
    this.config = config;
    const a = config.address;
    this.label = a.kind === 'unix' ? a.path : a.kind === 'fd' ? `fd@${a.fd}` : hostPort(a.host, a.port);
    // allowHalfOpen: `socat` shuts its side after sending; the answer still goes out.
    this.server = createServer({ allowHalfOpen: true }, (s) => onConnection(s, config));
    this.server.on('error', () => {});
  }

  listen(): Promise<void> {
    const a = this.config.address;
    if (a.kind === 'unix') removeStaleSocket(a.path);
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new Error(`cannot bind ${a.kind === 'unix' ? 'UNIX socket' : 'socket'} (${err.code ?? err.message}) [${this.label}]`));
      };
      this.server.once('error', onError);
      const done = (): void => {
        this.server.off('error', onError);
        if (a.kind === 'unix') this.#ino = inodeOf(a.path);
        if (a.kind === 'unix' && this.config.mode !== undefined) {
          try {
            chmodSync(a.path, this.config.mode);
          } catch (err) {
            reject(new Error(`cannot change UNIX socket mode (${(err as NodeJS.ErrnoException).code}) [${this.label}]`));
            return;
          }
        }
        resolve();
      };
      if (a.kind === 'fd') this.server.listen({ fd: a.fd }, done);
      else if (a.kind === 'unix') this.server.listen({ path: a.path }, done);
      else this.server.listen({ host: a.host === '' || a.host === '*' ? '0.0.0.0' : a.host, port: a.port }, done);
    });
  }

  get port(): number {
    const addr = this.server.address();
    return addr !== null && typeof addr === 'object' ? addr.port : 0;
  }

  /**
   * Stops listening now; connected CLI sessions are not waited for. The
   * socket file goes at once (libuv unlinks it on close), so that a reload
   * may bind the same path again. After `-sf` the path is the successor's
   * socket: libuv would unlink that one, so it is kept under a second name
   * across the close and put back.
   */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    const a = this.config.address;
    const successor = a.kind === 'unix' && this.#ino !== -1 && inodeOf(a.path) !== this.#ino ? `${a.path}.${process.pid}.keep` : undefined;
    if (successor !== undefined) linkSync((a as { path: string }).path, successor);
    this.server.close();
    if (successor !== undefined) renameSync(successor, (a as { path: string }).path);
    return Promise.resolve();
  }
}

function inodeOf(path: string): number {
  try {
    return lstatSync(path).ino;
  } catch {
    return -1;
  }
}

/** A socket file left by a previous run would make bind fail; only sockets are removed. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // absent: nothing to do
  }
}
