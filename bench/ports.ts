// Free TCP ports on 127.0.0.1 for the processes the bench starts.

import { createServer } from 'node:net';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen({ host: '127.0.0.1', port: 0 }, () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

/** `n` distinct ports that were free a moment ago (the kernel's picks). */
export async function freePorts(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; out.length < n && i < n * 10; i++) {
    const p = await freePort();
    if (!out.includes(p)) out.push(p);
  }
  if (out.length < n) throw new Error(`could not find ${n} free ports on 127.0.0.1`);
  return out;
}
