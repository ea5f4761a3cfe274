// Reads the HTTP/1.1 response the proxy pipeline writes for one HTTP/2
// stream and turns it into what the stream sends: the status and header
// fields (connection-specific ones removed, RFC 9113 8.2.2), the body
// without its HTTP/1.1 framing (chunks decoded, a content-length or the
// end of the stream), and its end. Interim 1xx responses are skipped, as
// node:http2 sends its own 100-continue; for an extended CONNECT the 101
// is the stream's 200 (RFC 8441 5) and every byte after it tunnel data.
// No I/O: bytes in, calls out.

import { ChunkedScanner, DEFAULT_LIMITS, HEAD_END, isHeadError, parseResponseHead, parseTrailerFields, type ChunkSink } from '../http/index.ts';

export interface ResponseSink {
  /** `trailersMayFollow`: the body is chunked, so the response may end with trailers. */
  head(status: number, headers: Record<string, string | string[]>, endStream: boolean, trailersMayFollow: boolean): void;
  data(chunk: Buffer): void;
  /** The response is whole; `trailers`: the fields of a chunked body's trailer section, when it had any. */
  end(trailers?: Record<string, string | string[]>): void;
  /** The bytes are not a valid response: the stream must be reset. */
  error(why: string): void;
}

/**
 * Connection-specific fields (RFC 9113 8.2.2), and those node:http2 refuses
 * as such (it throws on HTTP2-Settings, and on TE, which a response has no
 * use for anyway).
 */
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'http2-settings']);

const S_HEAD = 0;
const S_LENGTH = 1;
const S_CHUNKED = 2;
const S_CLOSE = 3;
const S_DONE = 4;
const S_TUNNEL = 5;

/** Fields of a 101 that mean nothing on an HTTP/2 stream. */
const UPGRADE_ONLY = new Set(['sec-websocket-accept']);

export class ResponseReader implements ChunkSink {
  private readonly sink: ResponseSink;
  /** The request was HEAD: the response has no body whatever it says. */
  private readonly head: boolean;
  private state = S_HEAD;
  private pending: Buffer | null = null;
  private remaining = 0;
  /** Made for a chunked response only. */
  private chunks: ChunkedScanner | null = null;
  /** The trailer section's bytes so far (rarely any). */
  private trailerBytes: Buffer[] = [];
  private trailerLength = 0;
  /** The request was an extended CONNECT. */
  private readonly tunnel: boolean;

  constructor(sink: ResponseSink, headRequest: boolean, tunnel = false) {
    this.sink = sink;
    this.head = headRequest;
    this.tunnel = tunnel;
  }

  get done(): boolean {
    return this.state === S_DONE;
  }

  /** More response bytes. */
  write(chunk: Buffer): void {
    let buf = chunk;
    while (buf.length > 0 && this.state !== S_DONE) {
      if (this.state === S_HEAD) {
        const all: Buffer = this.pending === null ? buf : Buffer.concat([this.pending, buf]);
        const end = all.indexOf(HEAD_END);
        if (end < 0) {
          if (all.length > DEFAULT_LIMITS.maxHeadSize) return this.fail('response head too large');
          this.pending = all;
          return;
        }
        this.pending = null;
        const h = parseResponseHead(all, 0, end + 4, DEFAULT_LIMITS);
        if (isHeadError(h)) return this.fail(h.message);
        buf = all.subarray(end + 4);
        const upgraded = this.tunnel && h.status === 101;
        if (h.status < 200 && !upgraded) continue; // 1xx: the final response follows
        const fields = h2Fields(h.headers, DROPPED, upgraded ? UPGRADE_ONLY : null);
        if (upgraded) {
          this.state = S_TUNNEL;
          this.sink.head(200, fields, false, false);
          continue;
        }
        const noBody = this.head || h.status === 204 || h.status === 304;
        if (noBody) this.state = S_DONE;
        else if (h.chunked) {
          this.state = S_CHUNKED;
          this.chunks ??= new ChunkedScanner();
        }
        else if (h.contentLength >= 0) {
          this.remaining = h.contentLength;
          this.state = this.remaining === 0 ? S_DONE : S_LENGTH;
        } else this.state = S_CLOSE;
        this.sink.head(h.status, fields, this.state === S_DONE, this.state === S_CHUNKED);
        if (this.state === S_DONE) this.sink.end();
        continue;
      }
      if (this.state === S_LENGTH) {
        const n = Math.min(this.remaining, buf.length);
        this.sink.data(buf.subarray(0, n));
        this.remaining -= n;
        buf = buf.subarray(n);
        if (this.remaining === 0) this.finish();
        continue;
      }
      if (this.state === S_CHUNKED) {
        const r = this.chunks!.scan(buf, 0, buf.length, this);
        if (r === -2) return this.fail(this.chunks!.error || 'invalid chunked body');
        if (r === -1) return;
        buf = buf.subarray(r);
        this.finish();
        continue;
      }
      // S_CLOSE and S_TUNNEL: everything until the pipeline ends the stream.
      this.sink.data(buf);
      return;
    }
  }

  /** The pipeline ended its side: a close-delimited body ends here; anything else is cut short. */
  close(): void {
    if (this.state === S_CLOSE || this.state === S_TUNNEL) this.finish();
    else if (this.state !== S_DONE) this.fail('response cut short');
  }

  chunkData(buf: Buffer, start: number, end: number): void {
    if (end > start) this.sink.data(buf.subarray(start, end));
  }

  trailerData(buf: Buffer, start: number, end: number): void {
    // A copy: the buffer is the session's, reused once we return.
    this.trailerBytes.push(Buffer.from(buf.subarray(start, end)));
    this.trailerLength += end - start;
  }

  private finish(): void {
    if (this.trailerLength === 0) {
      this.state = S_DONE;
      this.sink.end();
      return;
    }
    if (this.trailerLength > DEFAULT_LIMITS.maxHeadSize) return this.fail('trailer section too large');
    // Checked as a head's fields are (HTTP/2 would refuse what they refuse: a bad name or value).
    const flat = parseTrailerFields(Buffer.concat([...this.trailerBytes, CRLF]), 0, this.trailerLength + 2, DEFAULT_LIMITS);
    this.trailerBytes = [];
    this.trailerLength = 0;
    if (isHeadError(flat)) return this.fail(`invalid trailer section: ${flat.message}`);
    this.state = S_DONE;
    this.sink.end(h2Fields(flat, NOT_TRAILERS, null));
  }

  private fail(why: string): void {
    this.state = S_DONE;
    this.sink.error(why);
  }
}

/** Fields a trailer section may not carry on to HTTP/2: framing, routing and connection-specific ones (RFC 9110 6.5.1). */
const NOT_TRAILERS = new Set([...DROPPED, 'content-length', 'host', 'trailer', 'content-type', 'content-encoding', 'set-cookie']);

const CRLF = Buffer.from('\r\n', 'latin1');

/** Flat [name, value, ...] fields as node:http2 takes them: lower-case names, repeated ones as arrays, `drop` and `alsoDrop` left out. */
function h2Fields(flat: readonly string[], drop: ReadonlySet<string>, alsoDrop: ReadonlySet<string> | null): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    if (drop.has(name) || alsoDrop?.has(name) === true) continue;
    const v = flat[i + 1]!;
    const prev = out[name];
    out[name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
