// One bulk transfer measured end to end: the sink process (pinned to the load
// CPU) pulls BYTES from the stream source, directly or through a proxy.

import { resolve } from 'node:path';
import { spawnPinned } from './processes.ts';

const SINK = resolve(import.meta.dirname, 'stream-sink.ts');

export interface TransferResult {
  bytes: number;
  seconds: number;
  mibPerSec: number;
}

export async function runTransfer(port: number, bytes: number, cpu: number, timeoutMs = 120_000): Promise<TransferResult> {
  const p = spawnPinned('stream-sink', cpu, process.execPath, [SINK, String(port), String(bytes), String(timeoutMs)]);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs + 10_000);
  const code = await p.exited;
  clearTimeout(timer);
  const line = p.stdout().trim().split('\n').pop() ?? '';
  let r: { bytes: number; seconds: number; ok: boolean; why: string };
  try {
    r = JSON.parse(line) as typeof r;
  } catch {
    throw new Error(`stream-sink ended with ${code} and no result:\n${p.stdout()}\n${p.stderr()}`);
  }
  if (code !== 0 || !r.ok) throw new Error(`transfer of ${bytes} bytes on port ${port} failed after ${r.bytes} bytes: ${r.why}`);
  return { bytes: r.bytes, seconds: r.seconds, mibPerSec: r.bytes / 1024 ** 2 / r.seconds };
}
