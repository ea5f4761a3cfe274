// The scenarios of `npm run bench`, and how one is measured on each path:
// straight to the backend, through haproxy, through hawser (never two
// proxies at once; each proxy alone on its CPU, load and backends on the other).

import type { Ports } from './configs.ts';
import { busyShare, sampleCpus } from './cpu-usage.ts';
import { BIG_BODY_BYTES, BIG_PATH, SMALL_BODY } from './configs.ts';
import { expectHttp200, expectStreamData } from './sanity.ts';
import { LOAD_CPU, PROXY_CPU, startHaproxy, startHawser, stopPinned, type Pinned } from './processes.ts';
import { runTransfer } from './transfer.ts';
import { runWrk } from './wrk.ts';

export type ScenarioId = 'l7' | 'l7rules' | 'l4small' | 'l4big' | 'stream' | 'l7big';
export type PathName = 'direct' | 'haproxy' | 'hawser';
export const PATHS: readonly PathName[] = ['direct', 'haproxy', 'hawser'];

export interface Scenario {
  id: ScenarioId;
  title: string;
  kind: 'wrk' | 'transfer';
  /** The proxy listener it goes through, and what "direct" talks to instead. */
  listener: 'l7' | 'l7rules' | 'l4' | 'stream';
  direct: 'origin' | 'source';
  path: string;
  bodyBytes: number;
  /** Part of a run without BENCH_SCENARIOS. */
  byDefault: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'l7', title: 'L7 (mode http), small keep-alive requests', kind: 'wrk', listener: 'l7', direct: 'origin', path: '/', bodyBytes: SMALL_BODY.length, byDefault: true },
  { id: 'l7rules', title: 'L7 (mode http), 20 ACLs and 10 header rules per request', kind: 'wrk', listener: 'l7rules', direct: 'origin', path: '/', bodyBytes: SMALL_BODY.length, byDefault: true },
  { id: 'l4small', title: 'L4 (mode tcp), small keep-alive requests', kind: 'wrk', listener: 'l4', direct: 'origin', path: '/', bodyBytes: SMALL_BODY.length, byDefault: true },
  { id: 'l4big', title: 'L4 (mode tcp), 64 KiB responses', kind: 'wrk', listener: 'l4', direct: 'origin', path: BIG_PATH, bodyBytes: BIG_BODY_BYTES, byDefault: true },
  { id: 'stream', title: 'L4 (mode tcp), one bulk transfer', kind: 'transfer', listener: 'stream', direct: 'source', path: '', bodyBytes: 0, byDefault: true },
  { id: 'l7big', title: 'L7 (mode http), 64 KiB responses', kind: 'wrk', listener: 'l7', direct: 'origin', path: BIG_PATH, bodyBytes: BIG_BODY_BYTES, byDefault: false },
];

export interface Settings {
  duration: string;
  /** A wrk run before each measured one, thrown away ('0s' for none): JITs and pools warm up. */
  warmup: string;
  threads: number;
  connections: number;
  streamBytes: number;
  /** Bulk transfers per path; the median is reported. */
  streamRepeat: number;
  /** Node flags for hawser, before its script (e.g. --cpu-prof --cpu-prof-dir=DIR). */
  hawserNodeArgs: string[];
}

/** One path's figures; null where the scenario has no such figure. */
export interface Figures {
  rps: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  mibPerSec: number;
  /** Non-2xx responses plus socket errors seen by wrk. */
  errors: number;
  seconds: number;
  /** Busy share (0..1) of the proxy's CPU and of the load CPU during the measurement. */
  proxyCpu: number;
  loadCpu: number;
  /** Requests per second of busy proxy CPU: the rate the proxy would reach with a core to spend. */
  rpsPerProxyCpu: number | null;
  /** Bulk transfers: every run's rate (the figures above are the median run's). */
  runsMiBPerSec?: number[];
}

export type ScenarioResult = Record<PathName, Figures>;

async function measure(s: Scenario, port: number, o: Settings): Promise<Figures> {
  if (s.kind === 'transfer') {
    await expectStreamData(port);
    // One transfer lasts about a second: take the median of a few.
    const runs: Array<{ mibPerSec: number; seconds: number; proxyCpu: number; loadCpu: number }> = [];
    for (let i = 0; i < o.streamRepeat; i++) {
      const before = sampleCpus();
      const t = await runTransfer(port, o.streamBytes, LOAD_CPU);
      const after = sampleCpus();
      runs.push({ mibPerSec: t.mibPerSec, seconds: t.seconds, proxyCpu: busyShare(before, after, PROXY_CPU), loadCpu: busyShare(before, after, LOAD_CPU) });
    }
    runs.sort((a, b) => a.seconds - b.seconds);
    const median = runs[(runs.length - 1) >> 1];
    return { rps: null, p50Ms: null, p99Ms: null, errors: 0, ...median, rpsPerProxyCpu: null, runsMiBPerSec: runs.map((r) => r.mibPerSec) };
  }
  const url = `http://127.0.0.1:${port}${s.path}`;
  await expectHttp200(url, s.bodyBytes);
  const load = { url, threads: o.threads, connections: o.connections, cpu: LOAD_CPU };
  if (parseFloat(o.warmup) > 0) await runWrk({ ...load, duration: o.warmup });
  const before = sampleCpus();
  const w = await runWrk({ ...load, duration: o.duration });
  const after = sampleCpus();
  const proxyCpu = busyShare(before, after, PROXY_CPU);
  return {
    rps: w.rps,
    p50Ms: w.p50Ms,
    p99Ms: w.p99Ms,
    mibPerSec: w.mibPerSec,
    errors: w.non2xx + w.socketErrors,
    seconds: w.seconds,
    proxyCpu,
    loadCpu: busyShare(before, after, LOAD_CPU),
    rpsPerProxyCpu: proxyCpu > 0.05 ? w.rps / proxyCpu : null,
  };
}

async function startProxy(path: 'haproxy' | 'hawser', proxyCfg: string, readyPort: number, o: Settings): Promise<Pinned> {
  return path === 'haproxy'
    ? startHaproxy('haproxy (proxy)', proxyCfg, PROXY_CPU, readyPort)
    : startHawser(proxyCfg, PROXY_CPU, o.hawserNodeArgs);
}

/** Measure `s` directly, then through each proxy, started for it alone and stopped after. */
export async function runScenario(s: Scenario, ports: Ports, proxyCfg: string, o: Settings, log: (line: string) => void): Promise<ScenarioResult> {
  const out: Partial<ScenarioResult> = {};
  for (const path of PATHS) {
    log(`  ${s.id}: ${path}...`);
    if (path === 'direct') {
      out.direct = await measure(s, ports[s.direct], o);
      continue;
    }
    const proxy = await startProxy(path, proxyCfg, ports[s.listener], o);
    try {
      out[path] = await measure(s, ports[s.listener], o);
    } finally {
      await stopPinned(proxy, path === 'hawser' ? 'SIGINT' : 'SIGTERM');
    }
  }
  return out as ScenarioResult;
}
