// Clients for the tests: node:http with a keep-alive agent, and a raw socket
// client for what node:http would refuse to send or would hide.

import { request, Agent, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export function httpRequest(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; agent?: Agent | false; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/** Send raw bytes, collect everything until the server closes (or `untilMs`). */
export function rawExchange(port: number, data: string | Buffer, untilMs = 5000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s: Socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closed = false;
    const timer = setTimeout(() => {
      s.destroy();
    }, untilMs);
    s.on('data', (c) => chunks.push(c));
    s.on('error', () => {});
    s.on('end', () => {
      closed = true;
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    });
    s.write(data);
  });
}

/** A raw connection that can be written to step by step. */
export function rawConnection(port: number): Promise<{ socket: Socket; received: () => string; waitFor: (s: string, ms?: number) => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buf = '';
    const waiters: Array<{ s: string; res: (v: string) => void }> = [];
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      buf += d;
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (buf.includes(waiters[i].s)) {
          waiters[i].res(buf);
          waiters.splice(i, 1);
        }
      }
    });
    socket.on('error', () => {});
    socket.on('connect', () =>
      resolve({
        socket,
        received: () => buf,
        waitFor: (s, ms = 5000) =>
          new Promise((res, rej) => {
            if (buf.includes(s)) return res(buf);
            const timer = setTimeout(() => rej(new Error(`did not receive ${JSON.stringify(s)}; got ${JSON.stringify(buf)}`)), ms);
            waiters.push({
              s,
              res: (v) => {
                clearTimeout(timer);
                res(v);
              },
            });
          }),
      }),
    );
    socket.on('error', reject);
  });
}
