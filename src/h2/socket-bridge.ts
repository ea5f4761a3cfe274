// A TLS socket seen by node:http2 through plain stream calls. node:http2
// reads a socket's native handle directly, which works for sockets a
// tls.Server made but not for the TLSSocket our terminator wraps around an
// accepted connection (the session then never sees a frame); through this
// bridge node:http2 takes its generic stream path instead.

import { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

export class SocketBridge extends Duplex {
  private readonly socket: TLSSocket;

  constructor(socket: TLSSocket) {
    super({ allowHalfOpen: false });
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', noop);
  }

  // What node:http2 may ask of a socket.
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  setTimeout(ms: number): this {
    this.socket.setTimeout(ms);
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.push(chunk)) this.socket.pause();
  };

  private readonly onEnd = (): void => {
    this.push(null);
  };

  private readonly onClose = (): void => {
    if (!this.destroyed) this.destroy();
  };

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.socket.write(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}

function noop(): void {}
