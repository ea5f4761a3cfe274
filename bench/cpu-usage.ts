// How busy each CPU was during a measurement, from /proc/stat. With the
// proxy alone on CPU 0, CPU 0's busy share is the proxy's cost (softirq
// work of loopback traffic included); CPU 1's tells whether the load side
// (wrk and the backends) was the limit rather than the proxy.

import { readFileSync } from 'node:fs';

export interface CpuSample {
  busy: number[];
  total: number[];
}

export function sampleCpus(): CpuSample {
  const busy: number[] = [];
  const total: number[] = [];
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal ...
    const f = m[2].trim().split(/\s+/).map(Number);
    const sum = f.slice(0, 8).reduce((a, b) => a + b, 0);
    busy[Number(m[1])] = sum - f[3] - f[4];
    total[Number(m[1])] = sum;
  }
  return { busy, total };
}

/** Busy share (0..1) of `cpu` between two samples. */
export function busyShare(a: CpuSample, b: CpuSample, cpu: number): number {
  const t = b.total[cpu] - a.total[cpu];
  return t > 0 ? (b.busy[cpu] - a.busy[cpu]) / t : 0;
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from
 * /proc/PID/stat. When the proxy shares CPUs with the load, this is what
 * tells its cost apart from wrk's.
 */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state (field 3); utime and stime are fields 14 and 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}

/** USER_HZ: Linux reports /proc times in 1/100 s on every architecture Hawser runs on. */
const CLOCK_TICKS = 100;
