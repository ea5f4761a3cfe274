// HTTP/2 to a server (`server ... proto h2`): a node:http2 client session
// over the connection Hawser opened (TCP or TLS, after any PROXY header),
// presented to the proxy pipeline as the socket of an HTTP/1.1 server, as
// StreamSocket presents a client's stream. The pipeline writes an HTTP/1.1
// request into it (head, then the body framed by content-length or
// chunks); that becomes a stream: the head's fields as HTTP/2 fields
// (connection-specific ones dropped, RFC 9113 8.2.2; Host as :authority),
// the body as DATA. The response comes back as HTTP/1.1 bytes: status line,
// fields, and the body framed by its content-length, else in chunks with
// the server's trailers in the last one (so gRPC's grpc-status reaches an
// HTTP/1.1 client as a chunked trailer).
//
// One stream at a time, as an HTTP/1.1 connection carries one exchange at
// a time: a kept-alive connection (the server's idle list) carries its next
// request as a new stream of the same session. An Upgrade or CONNECT
// request cannot be carried (RFC 8441 to servers is not done): the stream
// is refused, which the pipeline reports as a server error.

import { EventEmitter } from 'node:events';
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { ChunkedScanner, DEFAULT_LIMITS, HEAD_END, isHeadError, parseRequestHead, reasonPhrase, type ChunkSink, type HttpHead } from '../http/index.ts';

/** Request fields HTTP/2 forbids or that describe the HTTP/1.1 hop only. */
const HOP_FIELDS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'http2-settings']);
/** Response fields that would misdescribe the HTTP/1.1 message built here (HTTP/2 forbids them anyway). */
const RESPONSE_HOP_FIELDS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

const CRLF = Buffer.from('\r\n', 'latin1');

// Request states
const R_HEAD = 0;
const R_LENGTH = 1;
const R_CHUNKED = 2;
/** The request is sent whole; waiting for the response to end. */
const R_SENT = 3;
/** The stream failed or the session is going: nothing more is accepted. */
const R_DEAD = 4;

export interface H2ServerOptions {
  /** `https` over TLS, else `http`: the :scheme of every request. */
  scheme: 'http' | 'https';
  /** :authority when a request has no Host (the server's address). */
  authority: string;
}

export class H2ServerSocket extends EventEmitter implements ChunkSink {
  private readonly transport: Socket;
  private readonly session: ClientHttp2Session;
  private readonly opts: H2ServerOptions;
  private stream: ClientHttp2Stream | null = null;
  private state = R_HEAD;
  /** Head bytes received so far (a head may come in several writes). */
  private headBuf: Buffer | null = null;
  private remaining = 0;
  private readonly scanner = new ChunkedScanner();
  /** The response body is sent on in chunks (it has no content-length). */
  private chunkedOut = false;
  /** The response has no body whatever its fields say (HEAD, 204, 304). */
  private bodiless = false;
  private trailers: IncomingHttpHeaders | null = null;
  /** GOAWAY came: the stream in progress may finish, no other starts. */
  private goingAway = false;
  /** Ended by a failure (reported as 'error'): no 'end' before 'close'. */
  private failed = false;
  /** Bytes of the next request that came while the stream before it was ending. */
  private queued: Buffer[] = [];
  connecting = true;
  destroyed = false;
  timeout = 0;

  constructor(transport: Socket, opts: H2ServerOptions) {
    super();
    this.transport = transport;
    this.opts = opts;
    this.session = connect(`${opts.scheme}://${opts.authority}`, {
      createConnection: () => transport,
      // A proxy has no use for pushed streams.
      settings: { enablePush: false },
    });
    this.session.on('connect', this.onConnect);
    this.session.on('error', this.onError);
    this.session.on('close', this.onSessionClose);
    this.session.on('goaway', this.onGoaway);
    this.session.on('timeout', this.onTimeout);
  }

  // ---- what the pipeline reads of a socket

  get remoteAddress(): string | undefined {
    return this.transport.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.transport.remotePort;
  }
  get localAddress(): string | undefined {
    return this.transport.localAddress;
  }
  get localPort(): number | undefined {
    return this.transport.localPort;
  }
  get writableLength(): number {
    return this.stream?.writableLength ?? 0;
  }
  get writableNeedDrain(): boolean {
    return this.stream?.writableNeedDrain ?? false;
  }

  // ---- what the pipeline does with a socket

  write(data: Buffer | string, encoding?: BufferEncoding | (() => void)): boolean {
    const buf = typeof data === 'string' ? Buffer.from(data, typeof encoding === 'string' ? encoding : 'latin1') : data;
    if (this.destroyed || this.state === R_DEAD) return true;
    this.feed(buf, 0);
    return !this.writableNeedDrain;
  }

  cork(): void {}
  uncork(): void {}

  /** The client side is done: with no exchange in progress, the session is closed gracefully. */
  end(): this {
    if (this.stream === null && !this.destroyed) this.session.close();
    return this;
  }

  pause(): this {
    this.stream?.pause();
    return this;
  }

  resume(): this {
    this.stream?.resume();
    return this;
  }

  setTimeout(ms: number): this {
    this.timeout = ms;
    this.session.setTimeout(ms);
    return this;
  }

  destroy(err?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.state = R_DEAD;
    this.stream?.close(constants.NGHTTP2_CANCEL);
    this.session.destroy(err);
    // A session that never got a socket may not report 'close'.
    this.transport.destroy();
    return this;
  }

  resetAndDestroy(): this {
    return this.destroy();
  }

  // ---- request: HTTP/1.1 bytes in, a stream out

  private feed(buf: Buffer, off: number): void {
    switch (this.state) {
      case R_HEAD:
        this.readHead(buf, off);
        return;
      case R_LENGTH: {
        const n = Math.min(this.remaining, buf.length - off);
        this.remaining -= n;
        if (n > 0) this.stream!.write(off === 0 && n === buf.length ? buf : buf.subarray(off, off + n));
        if (this.remaining === 0) this.requestSent();
        return;
      }
      case R_CHUNKED: {
        const r = this.scanner.scan(buf, off, buf.length, this);
        if (r === -2) this.fail(new Error(`invalid chunked request body: ${this.scanner.error}`));
        else if (r >= 0) this.requestSent();
        return;
      }
      case R_SENT:
        // The next request, written as soon as the response looked complete to the pipeline
        // (its last byte), before the stream has ended: it starts once the stream has.
        this.queued.push(off === 0 ? buf : buf.subarray(off));
        return;
      default:
        return;
    }
  }

  chunkData(buf: Buffer, start: number, end: number): void {
    this.stream!.write(buf.subarray(start, end));
  }

  private readHead(buf: Buffer, off: number): void {
    const data = this.headBuf === null ? (off === 0 ? buf : buf.subarray(off)) : Buffer.concat([this.headBuf, buf.subarray(off)]);
    const at = data.indexOf(HEAD_END);
    if (at < 0) {
      if (data.length > DEFAULT_LIMITS.maxHeadSize * 4) this.fail(new Error('request head too large for HTTP/2'));
      else this.headBuf = Buffer.from(data);
      return;
    }
    this.headBuf = null;
    const end = at + HEAD_END.length;
    const head = parseRequestHead(data, 0, end, { maxHeadSize: Number.MAX_SAFE_INTEGER, maxHeaders: 10_000 });
    if (isHeadError(head)) return this.fail(new Error(`request head: ${head.message}`));
    if (head.method === 'CONNECT' || (head.connUpgrade && head.upgrade !== '')) {
      return this.fail(new Error(`${head.method === 'CONNECT' ? 'CONNECT' : `an Upgrade (${head.upgrade})`} cannot be carried to an HTTP/2 server`));
    }
    const hasBody = head.chunked || head.contentLength > 0;
    this.bodiless = head.method === 'HEAD';
    this.trailers = null;
    let stream: ClientHttp2Stream;
    try {
      stream = this.session.request(this.h2Headers(head), { endStream: !hasBody });
    } catch (err) {
      return this.fail(err as Error);
    }
    this.stream = stream;
    stream.on('headers', this.onInterim);
    stream.on('response', this.onResponse);
    stream.on('trailers', this.onTrailers);
    stream.on('data', this.onData);
    stream.on('end', this.onStreamEnd);
    stream.on('drain', this.onDrain);
    stream.on('error', this.onError);
    stream.on('close', () => this.onStreamClose(stream));
    if (head.chunked) {
      this.scanner.reset();
      this.state = R_CHUNKED;
    } else if (hasBody) {
      this.remaining = head.contentLength;
      this.state = R_LENGTH;
    } else {
      this.state = R_SENT;
      return;
    }
    if (end < data.length) this.feed(data, end);
  }

  private h2Headers(head: HttpHead): OutgoingHttpHeaders {
    const target = head.target;
    let path = target;
    let authority = head.host;
    // The absolute form (a request to a proxy): its authority and path.
    const scheme = /^https?:\/\//i.exec(target);
    if (scheme !== null) {
      const slash = target.indexOf('/', scheme[0].length);
      authority ||= target.slice(scheme[0].length, slash < 0 ? undefined : slash);
      path = slash < 0 ? '/' : target.slice(slash);
    }
    const out: OutgoingHttpHeaders = {
      ':method': head.method,
      ':path': path,
      ':scheme': this.opts.scheme,
      ':authority': authority || this.opts.authority,
    };
    // Fields named in Connection are hop-by-hop too (RFC 9110 7.6.1).
    const named = head.get('connection')?.toLowerCase().split(',').map((s) => s.trim()) ?? [];
    const h = head.headers;
    for (let i = 0; i < h.length; i += 2) {
      const name = h[i].toLowerCase();
      if (HOP_FIELDS.has(name) || named.includes(name)) continue;
      // TE: only "trailers" may cross to HTTP/2 (RFC 9113 8.2.2).
      if (name === 'te') {
        if (h[i + 1].toLowerCase().includes('trailers')) out.te = 'trailers';
        continue;
      }
      const v = out[name];
      if (v === undefined) out[name] = h[i + 1];
      else if (Array.isArray(v)) v.push(h[i + 1]);
      else out[name] = [String(v), h[i + 1]];
    }
    return out;
  }

  private requestSent(): void {
    this.state = R_SENT;
    this.stream!.end();
  }

  // ---- response: a stream in, HTTP/1.1 bytes out

  /** An interim response (100 Continue, 103 Early Hints) goes on as one, as the pipeline forwards them. */
  private readonly onInterim = (h: IncomingHttpHeaders): void => {
    const status = Number(h[':status']);
    if (status >= 100 && status < 200 && status !== 101) this.emit('data', Buffer.from(statusAndFields(status, h) + '\r\n', 'latin1'));
  };

  private readonly onResponse = (h: IncomingHttpHeaders): void => {
    const status = Number(h[':status']);
    let out = statusAndFields(status, h);
    const length = h['content-length'] !== undefined;
    this.bodiless ||= status === 204 || status === 304;
    this.chunkedOut = !this.bodiless && !length;
    if (this.chunkedOut) out += 'transfer-encoding: chunked\r\n';
    this.emit('data', Buffer.from(out + '\r\n', 'latin1'));
  };

  private readonly onTrailers = (t: IncomingHttpHeaders): void => {
    this.trailers = t;
  };

  private readonly onData = (chunk: Buffer): void => {
    if (this.bodiless || chunk.length === 0) return;
    if (!this.chunkedOut) {
      this.emit('data', chunk);
      return;
    }
    this.emit('data', Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, CRLF]));
  };

  private readonly onStreamEnd = (): void => {
    // The response is whole: with the request sent whole, the exchange is done and the next request may start.
    const done = this.state === R_SENT;
    if (done) {
      this.stream = null;
      this.state = R_HEAD;
    }
    if (this.chunkedOut) this.emit('data', this.lastChunk());
    if (done) this.next();
  };

  private next(): void {
    if (this.goingAway) {
      this.session.close();
      return;
    }
    const q = this.queued;
    this.queued = [];
    for (const b of q) if (this.state !== R_DEAD) this.feed(b, 0);
  }

  /** The last chunk, with the server's trailers (HTTP/2 forbids connection fields in them too). */
  private lastChunk(): Buffer {
    return Buffer.from(`0\r\n${this.trailers === null ? '' : fieldLines(this.trailers)}\r\n`, 'latin1');
  }

  private onStreamClose(s: ClientHttp2Stream): void {
    // Done with (onStreamEnd), or replaced by the next one.
    if (s !== this.stream) return;
    this.stream = null;
    // Closed before the exchange was: reset by either side, or the server answered before the whole request.
    // The exchange is lost, as with a connection that closed mid-exchange.
    this.fail(new Error(`HTTP/2 stream closed by the server before the exchange ended (code ${s.rstCode})`));
  }

  // ---- the session

  private readonly onConnect = (): void => {
    this.connecting = false;
    this.emit('connect');
  };

  private readonly onGoaway = (): void => {
    // No new stream; the one in progress may finish.
    this.goingAway = true;
    if (this.stream === null) this.session.close();
  };

  private readonly onDrain = (): void => {
    this.emit('drain');
  };

  private readonly onTimeout = (): void => {
    this.emit('timeout');
  };

  private readonly onError = (err: Error): void => {
    this.failed = true;
    this.emit('error', err);
  };

  private readonly onSessionClose = (): void => {
    this.destroyed = true;
    this.state = R_DEAD;
    // Once per session (node:http2 emits 'close' once). The server went (GOAWAY, or the connection closed): the pipeline reads it as the server's end.
    if (!this.failed) this.emit('end');
    this.emit('close', this.failed);
  };

  private fail(err: Error): void {
    this.failed = true;
    if (this.destroyed) return;
    this.state = R_DEAD;
    this.emit('error', err);
    this.destroy();
  }
}

/** An HTTP/1.1 status line and the fields of an HTTP/2 header block. */
function statusAndFields(status: number, h: IncomingHttpHeaders): string {
  // HTTP/2 carries no reason phrase: the standard one (RFC 9110's, as Node lists them).
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? reasonPhrase(status)}\r\n${fieldLines(h)}`;
}

/** The field lines of an HTTP/2 header block, each with its CRLF (pseudo-headers and connection fields left out). */
function fieldLines(h: IncomingHttpHeaders): string {
  let out = '';
  for (const name in h) {
    if (name.charCodeAt(0) === 0x3a /* : */ || RESPONSE_HOP_FIELDS.has(name)) continue;
    const v = h[name];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out += `${name}: ${x}\r\n`;
    else out += `${name}: ${v}\r\n`;
  }
  return out;
}
