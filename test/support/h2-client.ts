// A small HTTP/2 client over node:http2 for the tests: one request on a
// session, resolved with the response head and body (or the stream's error
// code when the stream was reset), bounded in time; and a WebSocket over
// one stream (RFC 8441); a certificate to serve HTTP/2 over TLS with.

import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, SecureClientSessionOptions } from 'node:http2';
import { readFileSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { CertFactory } from './certs.ts';
import { decodeFrames, encodeFrame, OP_TEXT, type Frame } from './websocket.ts';

export interface H2Reply {
  headers: IncomingHttpHeaders;
  body: string;
  /** The RST_STREAM code when the stream was reset (0: ended normally). */
  rstCode: number;
}

export function h2Request(
  session: ClientHttp2Session,
  path: string,
  opts: { method?: string; body?: Buffer; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': opts.method ?? 'GET', ':path': path, ...opts.headers }, { endStream: opts.body === undefined });
    let headers: IncomingHttpHeaders = {};
    let ended = false;
    const chunks: Buffer[] = [];
    req.on('response', (h) => (headers = h));
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => (ended = true));
    req.on('error', () => {});
    req.on('close', () => {
      if (ended || req.rstCode !== 0) resolve({ headers, body: Buffer.concat(chunks).toString('utf8'), rstCode: req.rstCode ?? 0 });
      else reject(new Error(`stream to ${path} closed without an answer`));
    });
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.close());
    if (opts.body !== undefined) req.end(opts.body);
  });
}

/** A WebSocket over one HTTP/2 stream (RFC 8441 extended CONNECT). */
export interface H2WebSocket {
  stream: ClientHttp2Stream;
  status: number;
  /** Frames received so far, in order. */
  frames: Frame[];
  /** Sends one masked text frame. */
  send(text: string): void;
  /** Resolves with the stream's RST_STREAM code (0: ended with END_STREAM) when it closes. */
  closed: Promise<number>;
}

export async function h2WebSocket(session: ClientHttp2Session, path = '/chat'): Promise<H2WebSocket> {
  const stream = session.request(
    { ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'http', ':path': path, ':authority': 'ws.test', 'sec-websocket-version': '13' },
    { endStream: false },
  );
  stream.on('error', () => {});
  const closed = new Promise<number>((r) => stream.on('close', () => r(stream.rstCode ?? 0)));
  const status = await Promise.race([
    new Promise<number>((r) => stream.once('response', (h) => r(Number(h[':status'])))),
    closed.then(() => 0),
  ]);
  const frames: Frame[] = [];
  let buf = Buffer.alloc(0);
  stream.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    const r = decodeFrames(buf);
    buf = buf.subarray(r.used);
    frames.push(...r.frames);
  });
  return { stream, status, frames, closed, send: (text) => stream.write(encodeFrame(OP_TEXT, Buffer.from(text), true)) };
}

/** A certificate for site.test made for the test: the bind options that serve it with `alpn`, and the client options that trust it. */
export function h2TlsSite(t: ExecutionContext, alpn = 'h2,http/1.1'): { bind: string; client: SecureClientSessionOptions } {
  const f = new CertFactory(t);
  const ca = f.ca('ca');
  const site = f.issue(ca, 'site', 'site.test', ['site.test']);
  return { bind: ` ssl crt ${site.combined} alpn ${alpn}`, client: { ca: readFileSync(ca.cert), servername: 'site.test' } };
}
