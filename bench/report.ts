// The human report: per scenario, the figures of each path side by side
// with hawser/haproxy and hawser/direct, then issue 2's targets.

import { PATHS, type Figures, type Scenario, type ScenarioResult, type Settings } from './scenarios.ts';
import type { TargetCheck } from './targets.ts';

/** The figures a table row can show: the single numbers. */
type NumberKey = Exclude<keyof Figures, 'runsMiBPerSec'>;
type Metric = { key: NumberKey; label: string; digits: number };

const WRK_METRICS: readonly Metric[] = [
  { key: 'rps', label: 'req/s', digits: 0 },
  { key: 'p50Ms', label: 'p50 ms', digits: 3 },
  { key: 'p99Ms', label: 'p99 ms', digits: 3 },
  { key: 'mibPerSec', label: 'MiB/s', digits: 1 },
  { key: 'errors', label: 'errors', digits: 0 },
  { key: 'proxyCpu', label: 'CPU0 %', digits: 0 },
  { key: 'loadCpu', label: 'CPU1 %', digits: 0 },
  { key: 'rpsPerProxyCpu', label: 'req/CPU0s', digits: 0 },
];
const TRANSFER_METRICS: readonly Metric[] = [
  { key: 'mibPerSec', label: 'MiB/s', digits: 1 },
  { key: 'seconds', label: 'seconds', digits: 2 },
  { key: 'proxyCpu', label: 'CPU0 %', digits: 0 },
  { key: 'loadCpu', label: 'CPU1 %', digits: 0 },
];

const PERCENT: ReadonlySet<NumberKey> = new Set(['proxyCpu', 'loadCpu']);
const NO_RATIO: ReadonlySet<NumberKey> = new Set(['errors', 'proxyCpu', 'loadCpu']);

const COL = 12;

function num(v: number | null, digits: number): string {
  return v == null ? '-' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(a: number | null, b: number | null): string {
  return a == null || b == null || b === 0 ? '-' : `${(a / b).toFixed(2)}x`;
}

export function describeLoad(s: Scenario, o: Settings): string {
  return s.kind === 'wrk'
    ? `wrk -t${o.threads} -c${o.connections} -d${o.duration} --latency${s.path === '/' ? '' : ` (GET ${s.path})`}`
    : `${(o.streamBytes / 1024 ** 3).toFixed(2)} GiB on one connection, node:net source -> sink, median of ${o.streamRepeat}`;
}

export function scenarioTable(s: Scenario, r: ScenarioResult, o: Settings): string {
  const head = ['', ...PATHS, 'hawser/haproxy', 'hawser/direct'];
  const lines = [`${s.title}  [${describeLoad(s, o)}]`, head.map((h, i) => (i === 0 ? h.padEnd(12) : h.padStart(i > 3 ? 16 : COL))).join('')];
  for (const m of s.kind === 'wrk' ? WRK_METRICS : TRANSFER_METRICS) {
    const scale = PERCENT.has(m.key) ? 100 : 1;
    const cells = PATHS.map((p) => {
      const v = r[p][m.key];
      return num(v == null ? null : v * scale, m.digits).padStart(COL);
    });
    const ratios = NO_RATIO.has(m.key) ? ['', ''] : [ratio(r.hawser[m.key], r.haproxy[m.key]), ratio(r.hawser[m.key], r.direct[m.key])];
    lines.push(`  ${m.label.padEnd(10)}${cells.join('')}${ratios.map((x) => x.padStart(16)).join('')}`);
  }
  return lines.join('\n');
}

export function targetsTable(checks: TargetCheck[]): string {
  const lines = ['Targets (issues 2 and 3), hawser/haproxy:'];
  for (const c of checks) lines.push(`  ${c.label.padEnd(50)}${`${c.ratio.toFixed(2)}x`.padStart(8)}  ${c.met ? 'met' : 'NOT MET'}`);
  return lines.join('\n');
}
