// Where finished log lines go: thin adapters over a file descriptor
// (stdout/stderr) and a UDP syslog server. Each takes complete lines
// (header included, no newline) and never blocks the event loop.
//
// Like HAProxy, which writes logs with non-blocking calls and counts a log
// it cannot write as dropped (its DroppedLogs counter) instead of waiting,
// these sinks hold a bounded amount and drop beyond it, counting what they
// drop. A slow journald or a full pipe therefore costs log lines, never
// request latency or unbounded memory.
//
// - FdLineSink batches every line written during one event-loop turn into a
//   single write (setImmediate), done with fs.write: the write runs in the
//   libuv thread pool, so even a blocking pipe cannot stall the loop, and
//   an O_NONBLOCK one (EAGAIN) is retried a few ms later. One write is in
//   flight at a time, which keeps the lines in order. While it is in
//   flight new lines queue up to `maxPendingBytes`, then are dropped.
// - UdpLineSink sends one datagram per line, newline-terminated as HAProxy
//   does; sends not yet completed by the kernel are capped at `maxInFlight`.
// - Unix datagram sockets (`log /dev/log`) are not possible with Node's own
//   modules (no AF_UNIX SOCK_DGRAM client): refused as not supported yet.

import { write as fsWrite } from 'node:fs';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { lookup } from 'node:dns';
import { LogError } from './errors.ts';

export interface LineSink {
  /** Queues one complete line (no trailing newline). Never blocks; may drop. */
  write(line: string): void;
  /** Lines dropped so far (queue full, write error, closed). */
  readonly dropped: number;
  /** Lines handed to the kernel so far. */
  readonly written: number;
  /** Resolves once everything queued before the call is written (or dropped). */
  flush(): Promise<void>;
  /** Flushes, then refuses (drops) further lines and releases the socket. */
  close(): Promise<void>;
}

export interface FdLineSinkOptions {
  /** Queue bound while a write is in flight, in characters (about bytes). Default 1 MiB. */
  maxPendingBytes?: number;
  /** Delay before retrying a write refused with EAGAIN. Default 5 ms. */
  retryDelayMs?: number;
}

const DEFAULT_MAX_PENDING = 1 << 20;

/** Batched, non-blocking line writer on a file descriptor it does not own (stdout, stderr). */
export class FdLineSink implements LineSink {
  readonly fd: number;
  dropped = 0;
  written = 0;
  /** Write errors other than EAGAIN (EPIPE...), the lines of which were dropped. */
  errors = 0;
  /** write(2) calls issued, retries included: about one per event-loop turn with lines. */
  writeCalls = 0;
  private readonly maxPending: number;
  private readonly retryDelay: number;
  private pending: string[] = [];
  private pendingChars = 0;
  private scheduled = false;
  private inFlight: Buffer | null = null;
  private inFlightLines = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly onTick: () => void;
  private readonly onWritten: (err: NodeJS.ErrnoException | null, n: number) => void;
  private readonly onRetry: () => void;

  constructor(fd: number, options: FdLineSinkOptions = {}) {
    this.fd = fd;
    this.maxPending = options.maxPendingBytes ?? DEFAULT_MAX_PENDING;
    this.retryDelay = options.retryDelayMs ?? 5;
    // Bound once here so that writing a line allocates no closure.
    this.onTick = () => this.startWrite();
    this.onWritten = (err, n) => this.written_(err, n);
    this.onRetry = () => this.issue();
  }

  write(line: string): void {
    const size = line.length + 1;
    if (this.closed || this.pendingChars + size > this.maxPending) {
      this.dropped++;
      return;
    }
    this.pending.push(line);
    this.pendingChars += size;
    if (!this.scheduled && this.inFlight === null) {
      this.scheduled = true;
      setImmediate(this.onTick);
    }
  }

  flush(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private isIdle(): boolean {
    return this.pending.length === 0 && this.inFlight === null && !this.scheduled;
  }

  private startWrite(): void {
    this.scheduled = false;
    if (this.inFlight !== null) return;
    if (this.pending.length === 0) {
      this.settle();
      return;
    }
    this.inFlight = Buffer.from(this.pending.join('\n') + '\n');
    this.inFlightLines = this.pending.length;
    this.pending = [];
    this.pendingChars = 0;
    this.issue();
  }

  private issue(): void {
    const buf = this.inFlight as Buffer;
    this.writeCalls++;
    fsWrite(this.fd, buf, 0, buf.length, null, this.onWritten);
  }

  private written_(err: NodeJS.ErrnoException | null, n: number): void {
    const buf = this.inFlight as Buffer;
    if (err) {
      if (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK') {
        setTimeout(this.onRetry, this.retryDelay);
        return;
      }
      this.errors++;
      this.dropped += this.inFlightLines;
    } else if (n < buf.length) {
      this.inFlight = buf.subarray(n);
      this.issue();
      return;
    } else {
      this.written += this.inFlightLines;
    }
    this.inFlight = null;
    this.inFlightLines = 0;
    if (this.pending.length > 0) this.startWrite();
    else this.settle();
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

const sharedFdSinks = new Map<number, FdLineSink>();

/**
 * The process-wide sink of fd 1 or 2. Every logger writing to stdout shares
 * one, so that its batches never run concurrently and lines stay ordered.
 */
export function sharedFdSink(fd: number): FdLineSink {
  let sink = sharedFdSinks.get(fd);
  if (!sink) {
    sink = new FdLineSink(fd);
    sharedFdSinks.set(fd, sink);
  }
  return sink;
}

export interface UdpLineSinkOptions {
  /** Datagrams handed to Node but not yet sent, beyond which lines are dropped. Default 1024. */
  maxInFlight?: number;
}

/** One datagram per line to a syslog server (HAProxy's `log ADDR:PORT`). */
export class UdpLineSink implements LineSink {
  readonly host: string;
  readonly port: number;
  dropped = 0;
  written = 0;
  /** Send errors reported by the socket. */
  errors = 0;
  private readonly socket: Socket;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private address: string | null;
  /** Lines waiting for the name of the server to resolve. */
  private waiting: string[] = [];
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly onSent: (err: Error | null) => void;

  constructor(host: string, port: number, options: UdpLineSinkOptions = {}) {
    this.host = host;
    this.port = port;
    this.maxInFlight = options.maxInFlight ?? 1024;
    const family = isIP(host);
    this.address = family === 0 ? null : host;
    this.socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    // A logger must not keep the process alive, nor crash it on ICMP errors.
    this.socket.unref();
    this.socket.on('error', () => {
      this.errors++;
    });
    this.onSent = (err) => this.sent(err);
    if (this.address === null) this.resolve();
  }

  write(line: string): void {
    if (this.closed || this.inFlight + this.waiting.length >= this.maxInFlight) {
      this.dropped++;
      return;
    }
    if (this.address === null) {
      this.waiting.push(line);
      return;
    }
    this.inFlight++;
    this.socket.send(line + '\n', this.port, this.address, this.onSent);
  }

  flush(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private resolve(): void {
    lookup(this.host, (err, address) => {
      const lines = this.waiting;
      this.waiting = [];
      if (err) {
        this.errors++;
        this.dropped += lines.length;
        // Try again with the next line rather than never logging again.
        this.settle();
        setTimeout(() => this.address === null && this.resolve(), 1000).unref();
        return;
      }
      this.address = address;
      for (const line of lines) this.write(line);
      this.settle();
    });
  }

  private sent(err: Error | null): void {
    this.inFlight--;
    if (err) {
      this.errors++;
      this.dropped++;
    } else {
      this.written++;
    }
    this.settle();
  }

  private settle(): void {
    if (this.inFlight !== 0 || this.waiting.length !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** `log /dev/log` and other unix datagram targets. */
export function unixDgramUnsupported(path: string): LogError {
  return new LogError(
    'HAWSER_LOG_UNIX_UNSUPPORTED',
    `log target '${path}': unix datagram sockets are not supported yet (Node has no AF_UNIX datagram client); ` +
      "use 'log stdout format short daemon' under systemd (journald reads the <N> level) or a UDP syslog address",
  );
}
