// Free TCP ports on loopback for the processes a test starts.

import { connect, createServer } from 'node:net';

/** A port that was free a moment ago (the kernel's pick), on 127.0.0.1. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen({ host, port: 0 }, () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const p = await freePort(host);
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Resolves once 127.0.0.1:`port` accepts connections; fails if `child` exits first or after 10 s. */
export async function waitListening(port: number, child: { exitCode: number | null }, what = 'haproxy'): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ host: '127.0.0.1', port });
      s.on('connect', () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start listening`);
}
