// One HTTP/2 stream as the client socket of an HTTP/1.1 session: the proxy
// pipeline (rules, backends, logs) reads the request as HTTP/1.1 bytes from
// it and writes its HTTP/1.1 response into it, which goes out on the stream
// as HEADERS and DATA frames. One request per stream: the readable side
// ends after the request, so the session closes once it has answered.
// Reset or timeout on either side ends both.

import { Duplex } from 'node:stream';
import type { ServerHttp2Stream } from 'node:http2';
import { constants } from 'node:http2';
import type { RequestHead } from './request-head.ts';
import { ResponseReader, type ResponseSink } from './response-reader.ts';

const CRLF = Buffer.from('\r\n', 'latin1');
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

export class StreamSocket extends Duplex {
  private readonly stream: ServerHttp2Stream;
  private readonly reader: ResponseReader;
  private readonly chunked: boolean;
  private readonly out: StreamResponse;
  private timeoutMs = 0;

  constructor(stream: ServerHttp2Stream, head: RequestHead, headRequest: boolean) {
    super({ allowHalfOpen: true });
    this.stream = stream;
    this.chunked = head.chunked;
    this.out = new StreamResponse(stream);
    this.reader = new ResponseReader(this.out, headRequest, head.tunnel);
    this.push(Buffer.from(head.text, 'latin1'));
    stream.on('data', this.onStreamData);
    stream.on('end', this.onStreamEnd);
    stream.on('close', this.onStreamClose);
    stream.on('error', noop);
    stream.on('timeout', this.onStreamTimeout);
    if (stream.endAfterHeaders) this.push(null);
  }

  // ---- what the session calls on a socket besides the stream API

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  /** The stream's own inactivity timer stands for the socket's. */
  setTimeout(ms: number): this {
    if (ms === this.timeoutMs) return this;
    this.timeoutMs = ms;
    this.stream.setTimeout(ms);
    return this;
  }

  get timeout(): number {
    return this.timeoutMs;
  }

  // ---- request: stream -> session

  private readonly onStreamData = (chunk: Buffer): void => {
    let more: boolean;
    if (this.chunked) {
      more = this.push(Buffer.from(chunk.length.toString(16) + '\r\n', 'latin1'));
      more = this.push(chunk) && more;
      more = this.push(CRLF) && more;
    } else {
      more = this.push(chunk);
    }
    if (!more) this.stream.pause();
  };

  private readonly onStreamEnd = (): void => {
    if (this.chunked) this.push(LAST_CHUNK);
    this.push(null);
  };

  private readonly onStreamClose = (): void => {
    // A reset stream (or a finished one the session still holds) ends the session's socket.
    if (!this.destroyed) this.destroy();
  };

  private readonly onStreamTimeout = (): void => {
    this.emit('timeout');
  };

  override _read(): void {
    if (this.stream.isPaused()) this.stream.resume();
  }

  // ---- response: session -> stream

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.reader.write(chunk);
    if (this.stream.destroyed || this.stream.writableNeedDrain !== true) cb();
    else this.stream.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.reader.close();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.stream.destroyed && !this.stream.closed) {
      if (this.out.responded && this.reader.done) this.out.end();
      else this.stream.close(constants.NGHTTP2_CANCEL);
    }
    cb(err);
  }

}

/** Where the response goes: HEADERS, then DATA frames, then the end of the stream. */
class StreamResponse implements ResponseSink {
  private readonly stream: ServerHttp2Stream;
  responded = false;

  constructor(stream: ServerHttp2Stream) {
    this.stream = stream;
  }

  head(status: number, headers: Record<string, string | string[]>, endStream: boolean): void {
    if (this.stream.destroyed) return;
    this.responded = true;
    this.stream.respond({ ...headers, ':status': status }, { endStream });
  }

  data(chunk: Buffer): void {
    // A copy: the session may reuse the buffer it read from the server once we return.
    if (!this.stream.destroyed) this.stream.write(Buffer.from(chunk));
  }

  end(): void {
    if (!this.stream.destroyed && !this.stream.writableEnded) this.stream.end();
  }

  error(_why: string): void {
    if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  }
}

function noop(): void {}
