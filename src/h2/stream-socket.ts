// One HTTP/2 stream as the client socket of an HTTP/1.1 session: the proxy
// pipeline (rules, backends, logs) reads the request as HTTP/1.1 bytes from
// it and writes its HTTP/1.1 response into it, which goes out on the stream
// as HEADERS and DATA frames. One request per stream: the readable side
// ends after the request, so the session closes once it has answered.
// Reset or timeout on either side ends both.
//
// Not a stream.Duplex: a stream lives for one request, and a Duplex's two
// state machines (with a dozen deferred steps per request) were a fifth of
// the h2 path's allocations in the bench profile. This is the part of a
// socket's surface the session uses (data/end/close/drain/timeout events,
// write/end/destroy, pause/resume, setTimeout), with a Duplex's order of
// events: 'data' and 'end' after the session has attached its listeners,
// 'close' on a later tick than destroy().

import { EventEmitter } from 'node:events';
import type { ServerHttp2Stream } from 'node:http2';
import { constants } from 'node:http2';
import type { RequestHead } from './request-head.ts';
import { ResponseReader, type ResponseSink } from './response-reader.ts';

const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** Told once when a stream's socket is gone (its connection counts its streams). */
export interface StreamOwner {
  streamGone(s: StreamSocket): void;
}

export class StreamSocket extends EventEmitter {
  private readonly stream: ServerHttp2Stream;
  private readonly owner: StreamOwner;
  private readonly reader: ResponseReader;
  private readonly chunked: boolean;
  private readonly out: StreamResponse;
  private timeoutMs = 0;
  /** Request bytes not delivered yet (before the first tick, or while paused). */
  private queue: Buffer[] = [];
  private paused = false;
  /** A delivery is scheduled for the next tick. */
  private scheduled = false;
  /** The request has been read whole ('end' follows the queued bytes). */
  private readDone = false;
  private endEmitted = false;
  /** end() was called: the response is complete. */
  private ended = false;
  private needDrain = false;
  destroyed = false;

  constructor(stream: ServerHttp2Stream, head: RequestHead, headRequest: boolean, owner: StreamOwner) {
    super();
    this.stream = stream;
    this.owner = owner;
    this.chunked = head.chunked;
    this.out = new StreamResponse(stream);
    this.reader = new ResponseReader(this.out, headRequest, head.tunnel);
    this.queue.push(Buffer.from(head.text, 'latin1'));
    if (stream.endAfterHeaders) {
      // Nothing to read: the stream's readable side is left alone, which
      // keeps node:http2 from destroying the stream before its last write
      // completes (a destroyed stream's write completion builds an
      // ERR_STREAM_DESTROYED error for nobody, with its stack: 6% of the
      // CPU of small requests in the h2 bench profile).
      this.readDone = true;
    } else {
      stream.on('data', this.onStreamData);
      stream.on('end', this.onStreamEnd);
    }
    stream.on('close', this.onStreamClose);
    stream.on('error', noop);
    stream.on('timeout', this.onStreamTimeout);
    // The session attaches its listeners when it is made, right after this.
    this.schedule();
  }

  // ---- what the session calls on a socket

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  /** The stream's own inactivity timer stands for the socket's. */
  setTimeout(ms: number): this {
    if (ms === this.timeoutMs || this.destroyed) return this;
    this.timeoutMs = ms;
    this.stream.setTimeout(ms);
    return this;
  }

  get timeout(): number {
    return this.timeoutMs;
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    if (!this.paused) return this;
    this.paused = false;
    if (this.queue.length > 0 || (this.readDone && !this.endEmitted)) this.schedule();
    if (this.stream.isPaused()) this.stream.resume();
    return this;
  }

  isPaused(): boolean {
    return this.paused;
  }

  cork(): void {}

  uncork(): void {}

  get writable(): boolean {
    return !this.ended && !this.destroyed;
  }

  /** Writes go straight to the stream (data is copied there): nothing is ever held here. */
  get writableLength(): number {
    return 0;
  }

  get writableNeedDrain(): boolean {
    return this.needDrain;
  }

  get writableEnded(): boolean {
    return this.ended;
  }

  // ---- request: stream -> session

  private readonly onStreamData = (chunk: Buffer): void => {
    if (this.chunked) {
      this.deliver(Buffer.from(chunk.length.toString(16) + '\r\n', 'latin1'));
      this.deliver(chunk);
      this.deliver(CRLF);
    } else {
      this.deliver(chunk);
    }
    // The session stopped reading: so does the stream (flow control reaches the client).
    if (this.paused) this.stream.pause();
  };

  private readonly onStreamEnd = (): void => {
    if (this.chunked) this.deliver(LAST_CHUNK);
    this.readDone = true;
    this.schedule();
  };

  /** Request bytes to the session: now if it is reading and nothing waits, else in order later. */
  private deliver(chunk: Buffer): void {
    if (this.destroyed) return;
    if (this.paused || this.scheduled || this.queue.length > 0) this.queue.push(chunk);
    else this.emit('data', chunk);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(flush, this);
  }

  /** Queued bytes, then the end of the request, while the session reads. */
  flush(): void {
    this.scheduled = false;
    const delivered = this.queue.length > 0;
    while (this.queue.length > 0 && !this.paused && !this.destroyed) this.emit('data', this.queue.shift()!);
    if (this.queue.length > 0 || this.paused || this.destroyed || !this.readDone || this.endEmitted) return;
    // As a Readable does, 'end' comes on a tick after the last 'data'.
    if (delivered) {
      this.schedule();
      return;
    }
    this.endEmitted = true;
    this.emit('end');
    if (this.ended) this.destroy();
  }

  private readonly onStreamClose = (): void => {
    // A reset stream (or a finished one the session still holds) ends the session's socket.
    this.destroy();
  };

  private readonly onStreamTimeout = (): void => {
    this.emit('timeout');
  };

  // ---- response: session -> stream

  write(chunk: Buffer | string, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean {
    const done = typeof encoding === 'function' ? encoding : cb;
    if (this.ended || this.destroyed) {
      if (done !== undefined) process.nextTick(done, new Error('write after end'));
      return false;
    }
    this.reader.write(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk);
    if (done !== undefined) process.nextTick(done, null);
    if (this.needDrain) return false;
    if (this.stream.destroyed || this.stream.writableNeedDrain !== true) return true;
    this.needDrain = true;
    this.stream.once('drain', this.onStreamDrain);
    return false;
  }

  private readonly onStreamDrain = (): void => {
    this.needDrain = false;
    if (!this.destroyed) this.emit('drain');
  };

  /** The response is complete: a close-delimited body ends here. */
  end(chunk?: Buffer | string, encoding?: BufferEncoding): this {
    if (this.ended || this.destroyed) return this;
    if (chunk !== undefined) this.write(chunk, encoding);
    this.ended = true;
    this.reader.close();
    // Both sides done: the socket goes, as a Duplex's would ('close' still comes on a later tick).
    if (this.endEmitted) this.destroy();
    return this;
  }

  destroy(err?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.queue.length = 0;
    this.owner.streamGone(this);
    const stream = this.stream;
    if (!stream.destroyed && !stream.closed && !stream.session?.destroyed) {
      if (this.out.responded && this.reader.done) this.out.end();
      else stream.close(constants.NGHTTP2_CANCEL);
    }
    process.nextTick(emitClose, this, err);
    return this;
  }
}

function flush(s: StreamSocket): void {
  s.flush();
}

function emitClose(s: StreamSocket, err: Error | undefined): void {
  if (err !== undefined) s.emit('error', err);
  s.emit('close', err !== undefined);
}

/** Where the response goes: HEADERS, then DATA frames, then the end of the stream. */
class StreamResponse implements ResponseSink {
  private readonly stream: ServerHttp2Stream;
  responded = false;

  constructor(stream: ServerHttp2Stream) {
    this.stream = stream;
  }

  head(status: number, headers: Record<string, string | string[]>, endStream: boolean, trailersMayFollow: boolean): void {
    if (this.stream.destroyed) return;
    this.responded = true;
    // The reader made `headers` for this call alone: no copy.
    headers[':status'] = String(status);
    if (!trailersMayFollow) {
      this.stream.respond(headers, { endStream });
      return;
    }
    // A chunked body may end with trailers (gRPC's grpc-status): they go in a last HEADERS frame. Without
    // any, node:http2 ends the stream with an empty DATA frame instead.
    this.stream.respond(headers, { endStream, waitForTrailers: true });
    this.stream.once('wantTrailers', this.sendTrailers);
  }

  private trailers: Record<string, string | string[]> = {};

  private readonly sendTrailers = (): void => {
    if (!this.stream.destroyed) this.stream.sendTrailers(this.trailers);
  };

  data(chunk: Buffer): void {
    // A copy: the session may reuse the buffer it read from the server once we return.
    if (!this.stream.destroyed) this.stream.write(Buffer.from(chunk));
  }

  end(trailers?: Record<string, string | string[]>): void {
    if (trailers !== undefined) this.trailers = trailers;
    if (!this.stream.destroyed && !this.stream.writableEnded) this.stream.end();
  }

  error(_why: string): void {
    if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  }
}

function noop(): void {}
