// wrk as the load generator: run it pinned to the load CPU and read its
// report (rate, transfer, --latency percentiles, errors) into numbers.

import { spawnPinned } from './processes.ts';

export interface WrkResult {
  rps: number;
  /** wrk's Transfer/sec; wrk counts in binary units, so this is MiB/s. */
  mibPerSec: number;
  requests: number;
  seconds: number;
  /** Latency percentiles from --latency, in milliseconds. */
  p50Ms: number;
  p75Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx/3xx, and socket errors of every kind. */
  non2xx: number;
  socketErrors: number;
}

export interface WrkOptions {
  url: string;
  duration: string;
  threads: number;
  connections: number;
  /** A CPU, or a taskset list such as "2,3". */
  cpu: number | string;
}

const TIME_UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNIT: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function timeMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable time '${text}'`);
  return Number(m[1]) * TIME_UNIT_MS[m[2]];
}

function bytes(text: string): number {
  const m = /^([\d.]+)(B|KB|MB|GB|TB)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable size '${text}'`);
  return Number(m[1]) * SIZE_UNIT[m[2]];
}

function field(text: string, re: RegExp, what: string): string {
  const m = re.exec(text);
  if (!m) throw new Error(`wrk: no ${what} in its output:\n${text}`);
  return m[1];
}

/** Read wrk's --latency report. */
export function parseWrk(text: string): WrkResult {
  const percentile = (p: number) => timeMs(field(text, new RegExp(`^\\s+${p}%\\s+(\\S+)$`, 'm'), `${p}% latency`));
  const done = /(\d+) requests in ([\d.]+\w+),/.exec(text);
  if (!done) throw new Error(`wrk: no request count in its output:\n${text}`);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    rps: Number(field(text, /^Requests\/sec:\s+([\d.]+)$/m, 'Requests/sec')),
    mibPerSec: bytes(field(text, /^Transfer\/sec:\s+(\S+)$/m, 'Transfer/sec')) / 1024 ** 2,
    requests: Number(done[1]),
    seconds: timeMs(done[2]) / 1000,
    p50Ms: percentile(50),
    p75Ms: percentile(75),
    p90Ms: percentile(90),
    p99Ms: percentile(99),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: sock ? sock.slice(1).reduce((a, n) => a + Number(n), 0) : 0,
  };
}

/** Run `wrk --latency` on `o.cpu` and return its figures; bounded by the duration plus a margin. */
export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t', String(o.threads), '-c', String(o.connections), '-d', o.duration, '--latency', o.url];
  const p = spawnPinned('wrk', o.cpu, 'wrk', args);
  const limitMs = timeMs(o.duration) + 30_000;
  const timer = setTimeout(() => p.child.kill('SIGKILL'), limitMs);
  const code = await p.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`wrk ${args.join(' ')} ended with ${code}:\n${p.stdout()}\n${p.stderr()}`);
  return parseWrk(p.stdout());
}
