// What the figures were measured on, recorded beside them.

import { spawnSync } from 'node:child_process';
import { cpus, release } from 'node:os';
import { HAPROXY_BIN } from './processes.ts';

export interface Machine {
  nproc: number;
  cpuModel: string;
  kernel: string;
  node: string;
  haproxy: string;
  wrk: string;
  loadAverage: string;
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0].trim();
}

export function describeMachine(): Machine {
  return {
    nproc: Number(firstLine('nproc', [])),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    node: process.version,
    haproxy: firstLine(HAPROXY_BIN, ['-v']),
    wrk: firstLine('wrk', ['-v']),
    loadAverage: firstLine('cat', ['/proc/loadavg']),
  };
}
