// WebSocket through hawser over HTTP/1.1 (and over HTTP/2 with RFC 8441's
// extended CONNECT, turned into an HTTP/1.1 upgrade to the server): the Upgrade request and its 101
// pass with their headers, then a tunnel carries frames both ways (small
// and 64-bit-length ones), a close handshake ends both sides, `timeout
// tunnel` ends an idle tunnel, and a reset from either side leaves no
// socket behind: the other side is closed, the session is gone from `show
// sess` and the server's socket is released (the node-http-proxy failure
// mode, where a reset client left the upstream socket open).

import test, { type ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { socat } from '../support/socat.ts';
import { acceptKey, decodeFrames, encodeFrame, OP_BINARY, OP_CLOSE, OP_TEXT, wsEchoServer, type Frame } from '../support/websocket.ts';

interface WsClient {
  socket: Socket;
  /** The response head (status line and headers). */
  head: string;
  key: string;
  next(ms?: number): Promise<Frame>;
  closed: Promise<void>;
}

/** A raw WebSocket client: the upgrade request through hawser, then frames. */
function wsClient(port: number, path = '/chat'): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const socket = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    let head: string | null = null;
    const frames: Frame[] = [];
    const waiting: Array<(f: Frame) => void> = [];
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (head === null) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        resolve({
          socket,
          head,
          key,
          closed,
          next: (ms = 3000) =>
            new Promise<Frame>((res, rej) => {
              const f = frames.shift();
              if (f !== undefined) return res(f);
              const timer = setTimeout(() => rej(new Error('no frame')), ms);
              waiting.push((fr) => {
                clearTimeout(timer);
                res(fr);
              });
            }),
        });
      }
      const { frames: got, used } = decodeFrames(buf);
      buf = buf.subarray(used);
      for (const f of got) {
        const w = waiting.shift();
        if (w !== undefined) w(f);
        else frames.push(f);
      }
    });
    socket.on('close', () => {
      if (head === null) reject(new Error('closed before the response head'));
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat\r\n\r\n`);
  });
}

/** Resolves when `cond` holds, checked every 20 ms for at most `ms`. */
async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}

async function setup(t: ExecutionContext, tunnel = '5s') {
  const ws = await wsEchoServer(t);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hawser-ws-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const h = await startHawser(t, `global
    stats socket ${sock} mode 600 level admin
${HTTP_DEFAULTS}    timeout tunnel ${tunnel}
frontend www
    bind 127.0.0.1:${port}
    default_backend ws
backend ws
    server s1 127.0.0.1:${ws.port}
`);
  // Sessions of the frontend still open (the CLI's own line aside).
  const sessions = async (): Promise<number> => (await socat(`UNIX-CONNECT:${sock}`, 'show sess\n')).split('\n').filter((l) => l.includes(' fe=www ')).length;
  return { ws, port, h, sessions };
}

test('a WebSocket echo through hawser: 101 with the accept key, frames both ways, close handshake', async (t) => {
  const { ws, port, sessions } = await setup(t);
  const c = await wsClient(port);
  t.regex(c.head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  t.regex(c.head, new RegExp(`\r\nsec-websocket-accept: ${acceptKey(c.key).replace(/[+/]/g, '\\$&')}(\r\n|$)`, 'i'));
  t.regex(c.head, /\r\nupgrade: websocket/i);
  t.is(ws.upgrades[0]!['sec-websocket-protocol'], 'chat', 'the request headers reached the server');
  c.socket.write(encodeFrame(OP_TEXT, Buffer.from('hello'), true));
  const big = randomBytes(70_000); // a 64-bit length
  c.socket.write(encodeFrame(OP_BINARY, big, true));
  const f1 = await c.next();
  t.is(f1.opcode, OP_TEXT);
  t.is(f1.payload.toString(), 'hello');
  const f2 = await c.next();
  t.is(f2.opcode, OP_BINARY);
  t.true(f2.payload.equals(big));
  t.is(await sessions(), 1);
  c.socket.write(encodeFrame(OP_CLOSE, Buffer.from([0x03, 0xe8]), true));
  t.is((await c.next()).opcode, OP_CLOSE);
  c.socket.end();
  await c.closed;
  await until(() => ws.sockets.size === 0, 3000, 'server socket closed');
  await until(async () => (await sessions()) === 0, 3000, 'session gone');
});

test('a client reset ends the server side; a server reset ends the client side; nothing leaks', async (t) => {
  const { ws, port, sessions } = await setup(t);
  // Client resets (RST) in the middle of the tunnel.
  const a = await wsClient(port);
  a.socket.write(encodeFrame(OP_TEXT, Buffer.from('ping'), true));
  await a.next();
  t.is(ws.sockets.size, 1);
  a.socket.resetAndDestroy();
  await until(() => ws.sockets.size === 0, 3000, "the server's socket closed after the client's reset");
  await until(async () => (await sessions()) === 0, 3000, 'session gone after the client reset');
  // The server resets.
  const b = await wsClient(port);
  b.socket.write(encodeFrame(OP_TEXT, Buffer.from('ping'), true));
  await b.next();
  for (const s of ws.sockets) s.resetAndDestroy();
  await Promise.race([b.closed, new Promise((_r, rej) => setTimeout(() => rej(new Error('client not closed after the server reset')), 3000))]);
  await until(async () => (await sessions()) === 0, 3000, 'session gone after the server reset');
  // Many at once, half reset by each side: still nothing left.
  const many = await Promise.all(Array.from({ length: 20 }, () => wsClient(port)));
  await until(() => ws.sockets.size === 20, 3000, 'all upgraded');
  many.slice(0, 10).forEach((c) => c.socket.resetAndDestroy());
  [...ws.sockets].slice(0, 5).forEach((s) => s.resetAndDestroy());
  for (const c of many.slice(10)) c.socket.destroy();
  await until(() => ws.sockets.size === 0, 5000, 'every server socket closed');
  await until(async () => (await sessions()) === 0, 5000, 'every session gone');
  t.pass();
});

test('timeout tunnel closes an idle WebSocket on both sides', async (t) => {
  const { ws, port } = await setup(t, '400ms');
  const c = await wsClient(port);
  c.socket.write(encodeFrame(OP_TEXT, Buffer.from('x'), true));
  await c.next();
  const t0 = Date.now();
  await c.closed;
  const idle = Date.now() - t0;
  t.true(idle >= 300 && idle < 3000, `closed after ${idle} ms idle`);
  await until(() => ws.sockets.size === 0, 3000, 'server side closed too');
});

test('WebSocket over HTTP/2 (RFC 8441 extended CONNECT): 200, frames both ways, the server saw an HTTP/1.1 upgrade', async (t) => {
  const { ws, port, sessions } = await setup(t);
  const { connect: h2connect } = await import('node:http2');
  const session = h2connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  t.teardown(() => session.destroy());
  const settings = await new Promise<{ enableConnectProtocol?: boolean }>((r) => session.once('remoteSettings', r));
  t.true(settings.enableConnectProtocol, 'SETTINGS_ENABLE_CONNECT_PROTOCOL announced');
  const stream = session.request({ ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'http', ':path': '/chat', ':authority': 'ws.test', 'sec-websocket-version': '13', 'sec-websocket-protocol': 'chat' }, { endStream: false });
  const status = await new Promise<number>((r) => stream.once('response', (h) => r(Number(h[':status']))));
  t.is(status, 200);
  t.is(ws.upgrades[0]!.upgrade, 'websocket');
  t.regex(String(ws.upgrades[0]!['sec-websocket-key']), /^[A-Za-z0-9+/]{22}==$/, 'a key made for the HTTP/1.1 server');
  let buf = Buffer.alloc(0);
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  stream.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    const r = decodeFrames(buf);
    buf = buf.subarray(r.used);
    frames.push(...r.frames);
  });
  stream.write(encodeFrame(OP_TEXT, Buffer.from('over h2'), true));
  const big = randomBytes(100_000);
  stream.write(encodeFrame(OP_BINARY, big, true));
  await until(() => frames.length === 2, 3000, 'two echoed frames');
  t.is(frames[0]!.payload.toString(), 'over h2');
  t.true(frames[1]!.payload.equals(big));
  // The client cancels the stream: the server's socket goes, and the session.
  stream.close(8);
  await until(() => ws.sockets.size === 0, 3000, 'server socket closed after RST_STREAM');
  await until(async () => (await sessions()) === 0, 3000, 'session gone');
});
