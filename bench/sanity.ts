// Checks that a path through a proxy works before it is measured: an HTTP
// request must come back 200 with the expected body size, a stream must
// deliver its first bytes. A benchmark of error responses would be worthless.

import { request } from 'node:http';
import { connect } from 'node:net';

const TIMEOUT_MS = 5000;

export async function expectHttp200(url: string, bodyBytes: number): Promise<void> {
  const { status, size } = await new Promise<{ status: number; size: number }>((res, rej) => {
    const req = request(url, { agent: false, timeout: TIMEOUT_MS }, (r) => {
      let size = 0;
      r.on('data', (d: Buffer) => (size += d.length));
      r.on('end', () => res({ status: r.statusCode ?? 0, size }));
      r.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', rej);
    req.end();
  }).catch((e: Error) => {
    throw new Error(`sanity check GET ${url}: ${e.message}`);
  });
  if (status !== 200 || size !== bodyBytes) {
    throw new Error(`sanity check GET ${url}: status ${status}, ${size} body bytes (expected 200, ${bodyBytes})`);
  }
}

export async function expectStreamData(port: number): Promise<void> {
  await new Promise<void>((res, rej) => {
    const s = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      s.destroy();
      rej(new Error(`sanity check stream on port ${port}: no data in ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    s.once('data', () => {
      clearTimeout(timer);
      s.destroy();
      res();
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      rej(new Error(`sanity check stream on port ${port}: ${e.message}`));
    });
    s.once('end', () => {
      clearTimeout(timer);
      rej(new Error(`sanity check stream on port ${port}: closed before any data`));
    });
  });
}
