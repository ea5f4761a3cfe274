// A small RFC 6455 WebSocket peer for the tests, written from the RFC: an
// echo server (node:http's 'upgrade' event, the accept key, frames echoed
// unmasked, close answered) that keeps its open sockets in view, and the
// client side's pieces (the key and expected accept, masked frames, a frame
// decoder) for a raw client through the proxy.

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ExecutionContext } from 'ava';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** One frame, FIN set; masked as a client must, unmasked as a server does. */
export function encodeFrame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const n = payload.length;
  const lenBytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + lenBytes + (masked ? 4 : 0));
  head[0] = 0x80 | opcode;
  head[1] = (masked ? 0x80 : 0) | (n < 126 ? n : n < 65536 ? 126 : 127);
  if (lenBytes === 2) head.writeUInt16BE(n, 2);
  if (lenBytes === 8) head.writeBigUInt64BE(BigInt(n), 2);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  mask.copy(head, 2 + lenBytes);
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = payload[i]! ^ mask[i & 3]!;
  return Buffer.concat([head, body]);
}

export interface Frame {
  opcode: number;
  payload: Buffer;
}

/** Whole frames at the start of `buf` (unmasked), and how many bytes they took. */
export function decodeFrames(buf: Buffer): { frames: Frame[]; used: number } {
  const frames: Frame[] = [];
  let o = 0;
  for (;;) {
    if (buf.length - o < 2) break;
    const masked = (buf[o + 1]! & 0x80) !== 0;
    let n = buf[o + 1]! & 0x7f;
    let p = o + 2;
    if (n === 126) {
      if (buf.length < p + 2) break;
      n = buf.readUInt16BE(p);
      p += 2;
    } else if (n === 127) {
      if (buf.length < p + 8) break;
      n = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const mask = masked ? buf.subarray(p, p + 4) : null;
    if (masked) p += 4;
    if (buf.length < p + n) break;
    const payload = Buffer.from(buf.subarray(p, p + n));
    if (mask !== null) for (let i = 0; i < n; i++) payload[i] = payload[i]! ^ mask[i & 3]!;
    frames.push({ opcode: buf[o]! & 0x0f, payload });
    o = p + n;
  }
  return { frames, used: o };
}

export interface WsEchoServer {
  server: Server;
  port: number;
  /** Upgraded sockets still open. */
  sockets: Set<Socket>;
  /** Upgrade requests seen (their headers). */
  upgrades: Array<Record<string, string | string[] | undefined>>;
}

/** An echo server: every data frame comes back, a close is answered and the socket ended. */
export async function wsEchoServer(t: ExecutionContext): Promise<WsEchoServer> {
  const sockets = new Set<Socket>();
  const upgrades: WsEchoServer['upgrades'] = [];
  const server = createServer((_req, res) => {
    res.statusCode = 426;
    res.end();
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    upgrades.push(req.headers);
    const key = req.headers['sec-websocket-key'];
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // node:http's sockets are half-open: a peer's FIN must be answered (as ws does), or the socket stays.
    socket.on('end', () => socket.end());
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`);
    let buf = head;
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      const { frames, used } = decodeFrames(buf);
      buf = buf.subarray(used);
      for (const f of frames) {
        if (f.opcode === OP_CLOSE) {
          socket.end(encodeFrame(OP_CLOSE, f.payload, false));
          return;
        }
        socket.write(encodeFrame(f.opcode, f.payload, false));
      }
    };
    socket.on('data', onData);
    if (head.length > 0) onData(Buffer.alloc(0));
  });
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as { port: number }).port, sockets, upgrades };
}
