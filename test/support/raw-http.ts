// HTTP/1 at the byte level for tests that must control what node:http
// would decide by itself: a server that writes exactly the status line,
// fields and framing a test asks for (one request per connection), and a
// client that sends a request as written and returns the response as it
// came (fields in order, body de-chunked but not decoded).

import { connect, createServer, type Socket } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { ExecutionContext } from 'ava';

export interface RawRequest {
  method: string;
  target: string;
  version: string;
  /** [lower-case name, value] in order. */
  fields: Array<[string, string]>;
  get(name: string): string | undefined;
}

export interface RawResponse {
  version: string;
  status: number;
  fields: Array<[string, string]>;
  get(name: string): string | undefined;
  /** Every value of `name`, joined with ", ". */
  all(name: string): string | undefined;
  /** The payload, de-chunked when it came chunked. */
  body: Buffer;
  chunked: boolean;
}

function getter(fields: Array<[string, string]>): (name: string) => string | undefined {
  return (name) => fields.find(([n]) => n === name.toLowerCase())?.[1];
}

function parseHead(text: string): { start: string; fields: Array<[string, string]> } {
  const lines = text.split('\r\n');
  const fields: Array<[string, string]> = [];
  for (const l of lines.slice(1)) {
    const c = l.indexOf(':');
    if (c > 0) fields.push([l.slice(0, c).toLowerCase(), l.slice(c + 1).trim()]);
  }
  return { start: lines[0]!, fields };
}

/** A server calling `handle` once per connection with the parsed request; closed at teardown. */
export async function rawHttpServer(t: ExecutionContext, handle: (req: RawRequest, sock: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      sock.off('data', onData);
      const { start, fields } = parseHead(buf.subarray(0, end).toString('latin1'));
      const [method, target, version] = start.split(' ');
      handle({ method: method!, target: target!, version: version!, fields, get: getter(fields) }, sock);
    };
    sock.on('data', onData);
  });
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return (server.address() as { port: number }).port;
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) throw new Error('truncated chunked body');
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) throw new Error('bad chunk size');
    if (size === 0) return Buffer.concat(out);
    out.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

/** Parses one complete response (the connection closed after it). */
export function parseResponse(raw: Buffer, head = false): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no response head in ${JSON.stringify(raw.subarray(0, 200).toString('latin1'))}`);
  const { start, fields } = parseHead(raw.subarray(0, end).toString('latin1'));
  const m = /^(HTTP\/1\.[01]) (\d{3})/.exec(start)!;
  const get = getter(fields);
  const chunked = /chunked\s*$/i.test(get('transfer-encoding') ?? '');
  const rest = raw.subarray(end + 4);
  const body = head ? Buffer.alloc(0) : chunked ? dechunk(rest) : rest;
  const all = (name: string): string | undefined => {
    const v = fields.filter(([n]) => n === name).map(([, x]) => x);
    return v.length === 0 ? undefined : v.join(', ');
  };
  return { version: m[1]!, status: Number(m[2]), fields, get, all, body, chunked };
}

/** Sends `request` (ending in the blank line) and reads until the server closes. */
export function rawRequest(port: number, request: string, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no complete answer in ${timeoutMs} ms: ${Buffer.concat(chunks).subarray(0, 300).toString('latin1')}`));
    }, timeoutMs);
    s.on('data', (d) => chunks.push(d));
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('end', () => {
      clearTimeout(timer);
      s.destroy();
      resolve(Buffer.concat(chunks));
    });
    s.write(request);
  });
}

/** The payload without its content coding. */
export function decodeBody(r: RawResponse): Buffer {
  switch (r.get('content-encoding')) {
    case undefined:
      return r.body;
    case 'gzip':
      return gunzipSync(r.body);
    case 'deflate':
      return inflateSync(r.body);
    case 'br':
      return brotliDecompressSync(r.body);
    default:
      return r.body;
  }
}
