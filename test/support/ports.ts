// Free TCP ports on loopback for the processes a test starts.

import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/**
 * A port that was free a moment ago, on 127.0.0.1, for a process the test
 * starts later. It is drawn below the kernel's ephemeral range
 * (net.ipv4.ip_local_port_range): a port the kernel picked would be handed
 * out again as the local port of some test's outgoing connection (wrk
 * makes hundreds of thousands), and the process would find it taken.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const below = ephemeralStart();
  for (let tries = 0; tries < 200; tries++) {
    const port = LOW + Math.floor(Math.random() * (below - LOW));
    if (await bindable(host, port)) return port;
  }
  throw new Error(`no free port in ${LOW}-${below - 1} on ${host}`);
}

const LOW = 20_000;

function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return first > LOW + 1000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
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
