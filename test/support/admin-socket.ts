// A runtime API socket path in a directory removed at teardown, and what
// the tests ask of it most: how many sessions a frontend has (`show sess`).

import type { ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socat } from './socat.ts';

export function adminSocketPath(t: ExecutionContext, name = 'admin.sock'): string {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-admin-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

/** Lines of `show sess` for frontend `fe` (HAProxy's format: " fe=NAME "). */
export async function frontendSessions(sock: string, fe: string): Promise<number> {
  return (await socat(sock, 'show sess\n')).split('\n').filter((l) => l.includes(` fe=${fe} `)).length;
}

/** Resolves when `cond` holds, checked every 20 ms for at most `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}
