// Compression through a running hawser, as clients see it: curl
// --compressed and raw HTTP/1.1 clients against a server that writes
// exactly what each case asks for. The decoded body equals the original
// (0 B, 1 KiB, 10 MiB; gzip, deflate, br), every rule that keeps a
// response uncompressed holds, a slow client does not make hawser buffer a
// big response, and HAProxy 2.6 given the same configuration compresses the
// same responses in the same way.

import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startHawser } from '../support/hawser-process.ts';
import { startHaproxy } from '../support/haproxy-process.ts';
import { fileFixture } from '../support/file-fixture.ts';
import { freePorts } from '../support/ports.ts';
import { decodeBody, parseResponse, rawHttpServer, rawRequest, type RawRequest, type RawResponse } from '../support/raw-http.ts';

const TEXT_LINE = 'The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs.\n';
const bodies = new Map<string, Buffer>();

/** The body the server sends for (size, kind): compressible text, or random bytes that are not. */
function bodyFor(size: number, kind: string): Buffer {
  const k = `${size}/${kind}`;
  let b = bodies.get(k);
  if (b === undefined) {
    if (kind === 'random') b = randomBytes(size);
    else {
      const line = Buffer.from(TEXT_LINE);
      b = Buffer.alloc(size);
      for (let i = 0; i < size; i += line.length) line.copy(b, i, 0, Math.min(line.length, size - i));
    }
    bodies.set(k, b);
  }
  return b;
}

interface Backend {
  port: number;
  /** The Accept-Encoding of requests carrying `?tag=X` (null: none). */
  acceptEncoding: Map<string, string | null>;
  /** Body bytes written for requests carrying `?tag=X`. */
  written: Map<string, number>;
}

/**
 * The server: `/b?size=N&kind=text|random&ct=TYPE&status=S&frame=length|chunked|close&v=1.0&h={json}`.
 * It writes with backpressure (waits for 'drain') so that what it has
 * written shows what the proxy has taken.
 */
async function backend(t: ExecutionContext): Promise<Backend> {
  const be: Backend = { port: 0, acceptEncoding: new Map(), written: new Map() };
  be.port = await rawHttpServer(t, (req: RawRequest, sock: Socket) => {
    const q = new URL(req.target, 'http://x').searchParams;
    const tag = q.get('tag');
    if (tag !== null) be.acceptEncoding.set(tag, req.get('accept-encoding') ?? null);
    const size = Number(q.get('size') ?? 1024);
    const body = req.method === 'HEAD' ? Buffer.alloc(0) : bodyFor(size, q.get('kind') ?? 'text');
    const frame = q.get('frame') ?? 'length';
    const status = q.get('status') ?? '200';
    let head = `HTTP/${q.get('v') ?? '1.1'} ${status} X\r\nContent-Type: ${q.get('ct') ?? 'text/plain'}\r\n`;
    for (const [k, v] of Object.entries(JSON.parse(q.get('h') ?? '{}') as Record<string, string>)) head += `${k}: ${v}\r\n`;
    if (frame === 'length') head += `Content-Length: ${size}\r\n`;
    if (frame === 'chunked') head += 'Transfer-Encoding: chunked\r\n';
    head += 'Connection: close\r\n\r\n';
    sock.write(head);
    let off = 0;
    const pump = (): void => {
      while (off < body.length) {
        const piece = body.subarray(off, off + 65536);
        off += piece.length;
        if (tag !== null) be.written.set(tag, off);
        const framed = frame === 'chunked' ? Buffer.concat([Buffer.from(piece.length.toString(16) + '\r\n'), piece, Buffer.from('\r\n')]) : piece;
        if (!sock.write(framed)) {
          sock.once('drain', pump);
          return;
        }
      }
      sock.end(frame === 'chunked' ? '0\r\n\r\n' : '');
    };
    pump();
  });
  return be;
}

/** What every proxy in this file runs (HAProxy 2.6 reads it too). */
function commonConfig(ports: { typed: number; any: number; offload: number }, server: number): string {
  return `defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend typed
    bind 127.0.0.1:${ports.typed}
    compression algo gzip deflate
    compression type text/plain text/html
    default_backend app
frontend any
    bind 127.0.0.1:${ports.any}
    compression algo gzip
    default_backend app
frontend offload
    bind 127.0.0.1:${ports.offload}
    compression algo gzip
    compression offload
    default_backend app
backend app
    server s 127.0.0.1:${server}
`;
}

/** Hawser's additions (not valid for HAProxy 2.6): brotli, and a minimum size. */
function hawserExtras(br: number): string {
  return `frontend brotli
    bind 127.0.0.1:${br}
    compression algo gzip br
    compression minsize-res 512
    default_backend app
`;
}

function request(path: string, headers: string[] = [], method = 'GET', version = '1.1'): string {
  let r = `${method} ${path} HTTP/${version}\r\nHost: test.example\r\n`;
  for (const h of headers) r += h + '\r\n';
  return r + 'Connection: close\r\n\r\n';
}

async function fetchRaw(port: number, path: string, headers: string[] = [], method = 'GET', version = '1.1'): Promise<RawResponse> {
  return parseResponse(await rawRequest(port, request(path, headers, method, version)), method === 'HEAD');
}

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function h(o: Record<string, string>): string {
  return encodeURIComponent(JSON.stringify(o));
}

interface Case {
  name: string;
  fe: 'typed' | 'any' | 'offload';
  path: string;
  headers?: string[];
  method?: string;
  version?: string;
  /** The coding the response must have, or null. */
  want: string | null;
}

const GZ = ['Accept-Encoding: gzip'];

const CASES: Case[] = [
  { name: 'gzip', fe: 'typed', path: '/b?size=1024', headers: GZ, want: 'gzip' },
  { name: 'deflate', fe: 'typed', path: '/b?size=1024', headers: ['Accept-Encoding: deflate'], want: 'deflate' },
  { name: 'q-values choose', fe: 'typed', path: '/b?size=1024', headers: ['Accept-Encoding: gzip;q=0.4, deflate;q=0.6'], want: 'deflate' },
  { name: 'first of equals', fe: 'typed', path: '/b?size=1024', headers: ['Accept-Encoding: deflate, gzip'], want: 'deflate' },
  { name: 'star', fe: 'typed', path: '/b?size=1024', headers: ['Accept-Encoding: *'], want: 'deflate' },
  { name: 'refused with q=0', fe: 'typed', path: '/b?size=1024', headers: ['Accept-Encoding: gzip;q=0'], want: null },
  { name: 'no Accept-Encoding', fe: 'typed', path: '/b?size=1024', want: null },
  { name: 'unknown coding', fe: 'typed', path: '/b?size=1024', headers: ['Accept-Encoding: zstd'], want: null },
  { name: 'chunked response', fe: 'typed', path: '/b?size=3000&frame=chunked', headers: GZ, want: 'gzip' },
  { name: 'close-delimited response', fe: 'typed', path: '/b?size=3000&frame=close', headers: GZ, want: null },
  { name: 'HEAD', fe: 'typed', path: '/b?size=1024', headers: GZ, method: 'HEAD', want: null },
  { name: 'status 201', fe: 'typed', path: '/b?size=1024&status=201', headers: GZ, want: 'gzip' },
  { name: 'status 404', fe: 'typed', path: '/b?size=1024&status=404', headers: GZ, want: null },
  { name: 'status 206', fe: 'typed', path: '/b?size=1024&status=206', headers: GZ, want: null },
  { name: 'empty body', fe: 'typed', path: '/b?size=0', headers: GZ, want: null },
  { name: 'already encoded', fe: 'typed', path: `/b?size=1024&h=${h({ 'Content-Encoding': 'identity' })}`, headers: GZ, want: null },
  { name: 'no-transform', fe: 'typed', path: `/b?size=1024&h=${h({ 'Cache-Control': 'no-transform' })}`, headers: GZ, want: null },
  { name: 'strong ETag weakened', fe: 'typed', path: `/b?size=1024&h=${h({ ETag: '"v1"' })}`, headers: GZ, want: 'gzip' },
  { name: 'invalid ETag', fe: 'typed', path: `/b?size=1024&h=${h({ ETag: 'v1' })}`, headers: GZ, want: null },
  { name: 'type with parameters', fe: 'typed', path: `/b?size=1024&ct=${encodeURIComponent('text/html; charset=utf-8')}`, headers: GZ, want: 'gzip' },
  { name: 'type not listed', fe: 'typed', path: '/b?size=1024&ct=image/svg', headers: GZ, want: null },
  { name: 'any type without a list', fe: 'any', path: '/b?size=1024&ct=image/svg', headers: GZ, want: 'gzip' },
  { name: 'multipart', fe: 'any', path: '/b?size=1024&ct=multipart/mixed', headers: GZ, want: null },
  { name: 'HTTP/1.0 client', fe: 'typed', path: '/b?size=1024', headers: GZ, version: '1.0', want: null },
  { name: 'HTTP/1.0 server', fe: 'typed', path: '/b?size=1024&v=1.0', headers: GZ, want: null },
  { name: 'Mozilla/4 agent', fe: 'typed', path: '/b?size=1024', headers: [...GZ, 'User-Agent: Mozilla/4.0 (compatible; X 1)'], want: null },
  { name: 'offload', fe: 'offload', path: '/b?size=1024', headers: GZ, want: 'gzip' },
];

/** What a client can tell about one case. */
interface Seen {
  status: number;
  encoding: string | null;
  varies: boolean;
  etag: string | null;
  decodedOk: boolean;
  serverSawAcceptEncoding: boolean;
}

let tags = 0;

async function observe(port: number, c: Case, be: Backend): Promise<Seen> {
  const tag = `case${++tags}`;
  const r = await fetchRaw(port, `${c.path}&tag=${tag}`, c.headers, c.method, c.version);
  const q = new URL(c.path, 'http://x').searchParams;
  const original = c.method === 'HEAD' ? Buffer.alloc(0) : bodyFor(Number(q.get('size') ?? 1024), 'text');
  return {
    status: r.status,
    encoding: q.has('h') && r.get('content-encoding') === 'identity' ? null : (r.get('content-encoding') ?? null),
    varies: /accept-encoding/i.test(r.all('vary') ?? ''),
    etag: r.get('etag') ?? null,
    decodedOk: sha(decodeBody(r)) === sha(original),
    serverSawAcceptEncoding: (be.acceptEncoding.get(tag) ?? null) !== null,
  };
}

interface Fixture {
  be: Backend;
  ours: { typed: number; any: number; offload: number };
  theirs: { typed: number; any: number; offload: number };
  br: number;
}

// One server, one hawser and one haproxy for the whole file.
const fixture = fileFixture(async (scope): Promise<Fixture> => {
  const be = await backend(scope);
  const [typed, any, offload, br, hTyped, hAny, hOffload] = await freePorts(7);
  const ours = { typed: typed!, any: any!, offload: offload! };
  const theirs = { typed: hTyped!, any: hAny!, offload: hOffload! };
  await Promise.all([
    startHawser(scope, commonConfig(ours, be.port) + hawserExtras(br!)),
    startHaproxy(scope, commonConfig(theirs, be.port), theirs.offload),
  ]);
  return { be, ours, theirs, br: br! };
});

test('each rule that decides compression, and the same decisions as haproxy 2.6', async (t) => {
  const { be, ours, theirs } = await fixture();
  const differ: string[] = [];
  for (const c of CASES) {
    const mine = await observe(ours[c.fe], c, be);
    t.is(mine.encoding, c.want, c.name);
    t.true(mine.decodedOk, `${c.name}: the client gets the original body`);
    t.is(mine.varies, c.want !== null, `${c.name}: Vary: Accept-Encoding on compressed responses`);
    if (c.name === 'strong ETag weakened') t.is(mine.etag, 'W/"v1"');
    if (c.fe === 'offload') t.false(mine.serverSawAcceptEncoding, 'offload: the server does not see Accept-Encoding');
    else if (c.headers?.some((x) => x.startsWith('Accept-Encoding'))) t.true(mine.serverSawAcceptEncoding, c.name);
    // haproxy 2.6 on a loaded machine now and then leaves a response uncompressed that it
    // compresses otherwise: a difference must show on every try to count.
    let ref = await observe(theirs[c.fe], c, be);
    for (let i = 0; i < 2 && JSON.stringify(ref) !== JSON.stringify(mine); i++) ref = await observe(theirs[c.fe], c, be);
    if (JSON.stringify(ref) !== JSON.stringify(mine)) differ.push(`${c.name}\n  haproxy: ${JSON.stringify(ref)}\n  hawser:  ${JSON.stringify(mine)}`);
  }
  t.deepEqual(differ, []);
});

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-S', '--max-time', '20', ...args], { encoding: 'latin1', maxBuffer: 1 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`curl: ${err.message} ${stderr}`)) : resolve(stdout),
    );
  });
}

test('curl --compressed and raw clients get the original body back: 0 B, 1 KiB, 10 MiB', async (t) => {
  const { ours, br } = await fixture();
  const dir = mkdtempSync(join(tmpdir(), 'hawser-comp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const size of [0, 1024, 10 * 1024 * 1024]) {
    const original = sha(bodyFor(size, 'text'));
    for (const frame of ['length', 'chunked']) {
      const out = join(dir, `${size}-${frame}`);
      const head = await curl(['--compressed', '-D', '-', '-o', out, `http://127.0.0.1:${ours.typed}/b?size=${size}&frame=${frame}`]);
      t.is(sha(readFileSync(out)), original, `curl ${size} ${frame}`);
      // curl names several codings; hawser takes the first it has.
      const coding = /^content-encoding: (\S+)/im.exec(head)?.[1] ?? null;
      if (size === 0 && frame === 'length') t.is(coding, null, 'an empty body is not compressed');
      else t.true(coding === 'gzip' || coding === 'deflate', `curl ${size} ${frame}: ${coding}`);
    }
    for (const coding of ['gzip', 'deflate', 'br']) {
      const port = coding === 'br' ? br : ours.typed;
      const r = await fetchRaw(port, `/b?size=${size}&frame=chunked`, [`Accept-Encoding: ${coding}`]);
      t.is(r.get('content-encoding'), coding, `${coding} ${size}`);
      t.true(r.chunked);
      t.is(sha(decodeBody(r)), original, `${coding} ${size}`);
      if (size === 10 * 1024 * 1024) t.true(r.body.length < size / 10, `${coding} actually compresses`);
    }
  }
  // Hawser's minsize-res: a known small length stays as it is.
  t.is((await fetchRaw(br, '/b?size=511', ['Accept-Encoding: br'])).get('content-encoding'), undefined);
  t.is((await fetchRaw(br, '/b?size=512', ['Accept-Encoding: br'])).get('content-encoding'), 'br');
});

test('a client that does not read holds the server back instead of filling hawser\'s memory', async (t) => {
  const { be, ours } = await fixture();
  const size = 24 * 1024 * 1024;
  const original = sha(bodyFor(size, 'random'));
  const sock = connect({ host: '127.0.0.1', port: ours.typed });
  t.teardown(() => sock.destroy());
  const chunks: Buffer[] = [];
  sock.on('data', (d) => chunks.push(d));
  sock.pause();
  sock.write(request(`/b?size=${size}&kind=random&tag=slow`, GZ));
  // Long enough for everything to have gone through if nothing held it back.
  await new Promise((r) => setTimeout(r, 1500));
  const written = be.written.get('slow') ?? 0;
  t.log(`written while paused: ${(written / 1048576).toFixed(1)} MiB`);
  t.true(written > 0, 'the response started');
  t.true(written < 16 * 1024 * 1024, `the server was held back (${(written / 1048576).toFixed(1)} MiB written of 24)`);
  const done = new Promise<void>((r) => sock.on('end', () => r()));
  sock.resume();
  await done;
  const r = parseResponse(Buffer.concat(chunks));
  t.is(r.get('content-encoding'), 'gzip');
  t.is(sha(gunzipSync(r.body)), original, 'and the whole body arrives once the client reads');
});
