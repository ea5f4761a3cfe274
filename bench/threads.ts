// BENCH_SCENARIOS=nbthread: requests per second through the L7 listener
// with `nbthread 1` and `nbthread 2`, for haproxy 2.6 and for hawser, in the
// same run and with the same configuration file (only the nbthread line
// differs). The figure that matters is each proxy's own 2-vs-1 ratio
// (issue 7's target: hawser's ≥ 1.7).
//
// CPUs: with 4 or more, the proxy gets CPUs 0,1 and the load (wrk, origin)
// CPUs 2,3, so two workers really have two cores. With 2 CPUs everything
// shares both and the ratio is capped by wrk's own share: the table says
// so. BENCH_NBTHREAD_PROXY_CPUS / BENCH_NBTHREAD_LOAD_CPUS override (taskset lists).

import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { proxyConfig, type Ports } from './configs.ts';
import { startHaproxy, startHawser, stopPinned, type Pinned } from './processes.ts';
import { expectHttp200 } from './sanity.ts';
import { SMALL_BODY } from './configs.ts';
import type { Settings } from './scenarios.ts';
import { runWrk } from './wrk.ts';
import { processCpuSeconds } from './cpu-usage.ts';

export interface ThreadsCpus {
  proxy: string;
  load: string;
  /** False when the proxy and the load share CPUs (the ratio is then a floor). */
  separate: boolean;
}

export function threadsCpus(env: NodeJS.ProcessEnv = process.env): ThreadsCpus {
  const many = availableParallelism() >= 4;
  const proxy = env.BENCH_NBTHREAD_PROXY_CPUS ?? '0,1';
  const load = env.BENCH_NBTHREAD_LOAD_CPUS ?? (many ? '2,3' : '0,1');
  const a = new Set(proxy.split(','));
  return { proxy, load, separate: !load.split(',').some((c) => a.has(c)) };
}

export interface ThreadsRow {
  proxy: 'haproxy' | 'hawser';
  nbthread: 1 | 2;
  rps: number;
  p99Ms: number;
  errors: number;
  /** Requests per second of the proxy process's own CPU time (all its threads). */
  rpsPerCpuS: number;
}

export interface ThreadsResult {
  cpus: ThreadsCpus;
  rows: ThreadsRow[];
  /** rps(nbthread 2) / rps(nbthread 1), per proxy. */
  ratio: { haproxy: number; hawser: number };
  /** rpsPerCpuS(nbthread 2) / rpsPerCpuS(nbthread 1): how much of a core's work a second thread loses to coordination. */
  efficiency: { haproxy: number; hawser: number };
}

/** The bench's proxy file with `nbthread N` (the only difference between the runs). */
export function withNbthread(cfg: string, n: number): string {
  const out = cfg.replace(/^(\s*)nbthread \d+$/m, `$1nbthread ${n}`);
  if (out === cfg && n !== 1) throw new Error('bench: the proxy configuration has no nbthread line to change');
  return out;
}

/** Measures the four runs one after the other (never two proxies at once). */
export async function runThreads(ports: Ports, dir: string, o: Settings, log: (line: string) => void): Promise<ThreadsResult> {
  const cpus = threadsCpus();
  const rows: ThreadsRow[] = [];
  const url = `http://127.0.0.1:${ports.l7}/`;
  for (const proxy of ['haproxy', 'hawser'] as const) {
    for (const nbthread of [1, 2] as const) {
      log(`  nbthread: ${proxy} nbthread ${nbthread}...`);
      const file = join(dir, `proxy-nbthread${nbthread}.cfg`);
      writeFileSync(file, withNbthread(proxyConfig(ports), nbthread));
      const p: Pinned = proxy === 'haproxy' ? await startHaproxy('haproxy (proxy)', file, cpus.proxy, ports.l7) : await startHawser(file, cpus.proxy, o.hawserNodeArgs);
      try {
        await expectHttp200(url, SMALL_BODY.length);
        // Two wrk threads and twice the connections: one load thread must not be what limits two workers.
        const load = { url, threads: 2, connections: o.connections * 2, cpu: cpus.load };
        if (parseFloat(o.warmup) > 0) await runWrk({ ...load, duration: o.warmup });
        const pid = p.child.pid ?? 0;
        const cpu0 = processCpuSeconds(pid);
        const t0 = performance.now();
        const w = await runWrk({ ...load, duration: o.duration });
        const cpuShare = (processCpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000);
        rows.push({ proxy, nbthread, rps: w.rps, p99Ms: w.p99Ms, errors: w.non2xx + w.socketErrors, rpsPerCpuS: cpuShare > 0 ? w.rps / cpuShare : 0 });
      } finally {
        await stopPinned(p, proxy === 'hawser' ? 'SIGINT' : 'SIGTERM');
      }
    }
  }
  const rps = (proxy: string, n: number): number => rows.find((r) => r.proxy === proxy && r.nbthread === n)?.rps ?? 0;
  const perCpu = (proxy: string, n: number): number => rows.find((r) => r.proxy === proxy && r.nbthread === n)?.rpsPerCpuS ?? 0;
  const ratio = (f: (proxy: string, n: number) => number, proxy: string): number => (f(proxy, 1) > 0 ? f(proxy, 2) / f(proxy, 1) : 0);
  return {
    cpus,
    rows,
    ratio: { haproxy: ratio(rps, 'haproxy'), hawser: ratio(rps, 'hawser') },
    efficiency: { haproxy: ratio(perCpu, 'haproxy'), hawser: ratio(perCpu, 'hawser') },
  };
}

export function threadsTable(r: ThreadsResult): string {
  const lines = [
    `nbthread: L7 small keep-alive requests, proxy on CPUs ${r.cpus.proxy}, load on CPUs ${r.cpus.load}${r.cpus.separate ? '' : ' (shared: ratios are a floor)'}`,
    `  ${'proxy'.padEnd(8)} ${'nbthread'.padStart(8)} ${'rps'.padStart(10)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'req/CPU-s'.padStart(10)}`,
  ];
  for (const row of r.rows) {
    lines.push(`  ${row.proxy.padEnd(8)} ${String(row.nbthread).padStart(8)} ${row.rps.toFixed(0).padStart(10)} ${row.p99Ms.toFixed(2).padStart(8)} ${String(row.errors).padStart(7)} ${row.rpsPerCpuS.toFixed(0).padStart(10)}`);
  }
  lines.push(`  2 vs 1: haproxy ${r.ratio.haproxy.toFixed(2)}x, hawser ${r.ratio.hawser.toFixed(2)}x (target: hawser >= 1.70x)`);
  lines.push(`  req per CPU-second of the proxy, 2 vs 1: haproxy ${r.efficiency.haproxy.toFixed(2)}x, hawser ${r.efficiency.hawser.toFixed(2)}x (1.00x: a second thread costs nothing in coordination)`);
  return lines.join('\n');
}
