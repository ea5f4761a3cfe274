// Reads, from the running Node.js and kernel, what `hawser -v` / `-vv` report
// about the machine. The only part of the version output that does I/O.

import * as os from 'node:os';
import type { BuildInfo, RunningOn } from './version.ts';

/** uname(2), as haproxy prints it after "Running on:". */
export function runningOn(): RunningOn {
  return { sysname: os.type(), release: os.release(), version: os.version(), machine: os.machine() };
}

export function buildInfo(): BuildInfo {
  return { runningOn: runningOn(), node: process.version, platform: process.platform, arch: process.arch, zlib: process.versions.zlib };
}
