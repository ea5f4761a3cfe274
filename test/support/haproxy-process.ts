// Starts the installed haproxy 2.6 (the reference) in the foreground on a
// configuration text, killed at teardown. A missing haproxy fails the test
// with an install hint: the differential tests must not pass silently.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { waitListening } from './ports.ts';

export const HAPROXY_HINT = 'haproxy 2.6 is the reference for this test: install it (apt-get install haproxy)';

/** haproxy -db -f <cfg>, resolved once `port` accepts connections. */
export async function startHaproxy(t: ExecutionContext, cfg: string, port: number): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-ref-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, cfg);
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const spawned = await new Promise<boolean>((res) => {
    child.on('error', () => res(false));
    child.on('spawn', () => res(true));
  });
  if (!spawned) throw new Error(HAPROXY_HINT);
  try {
    await waitListening(port, child);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return child;
}
