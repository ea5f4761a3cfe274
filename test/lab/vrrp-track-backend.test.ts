// track-backend: a master whose backend loses its last server lowers its
// priority (weight -60) and the backup, now higher, takes the VIP; when the
// server is back the first node preempts again.

import test, { type ExecutionContext } from 'ava';
import { join } from 'node:path';
import { socat } from '../support/socat.ts';
import { isTransition, spawnIn, startHawser, tempDir, writeFile, type LabProcess } from './lab-process.ts';
import { createLab, holds, waitUntil, type LabHost } from './netns.ts';
import { hawserConfig, VIP } from './vrrp-config.ts';

const BACKEND = `defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s

backend app
    server s1 127.0.0.1:8080 check inter 100ms fall 1 rise 1
`;

/** A TCP server on the host's own 127.0.0.1:8080, the backend server its hawser checks. */
async function backendServer(t: ExecutionContext, host: LabHost): Promise<LabProcess> {
  const p = spawnIn(t, host, [
    process.execPath,
    '-e',
    "require('node:net').createServer((s) => s.end()).listen(8080, '127.0.0.1', () => console.log('listening'))",
  ]);
  await p.waitFor('the backend server', (l) => l === 'listening', 5000);
  return p;
}

test('track-backend: the master whose backend is down yields, and preempts again when it is back', async (t) => {
  const lab = await createLab(t, 2);
  const [h1, h2] = lab.hosts as [LabHost, LabHost];
  const dir = tempDir(t);
  const cfg = writeFile(
    dir,
    'hawser.cfg',
    hawserConfig({ sections: BACKEND, priorities: { lb1: 150, lb2: 100 }, advertInterval: 100, extra: ['track-backend app weight -60'], statsSocketDir: dir }),
  );
  const app1 = await backendServer(t, h1);
  await backendServer(t, h2);
  const lb1 = await startHawser(t, h1, cfg, 'lb1');
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  const lb2 = await startHawser(t, h2, cfg, 'lb2');
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master' && e.master === h1.address, 2000);

  app1.kill('SIGKILL');
  await lb1.waitFor('lb1 priority 90', (_l, e) => e?.event === 'vrrp-tracking' && e.priority === 90, 3000);
  await lb2.waitFor('lb2 to preempt', (_l, e) => isTransition(e, 'Master') && e?.reason === 'preempt', 2000);
  await lb1.waitFor('lb1 to yield', (_l, e) => isTransition(e, 'Backup') && e?.reason === 'higher-priority', 2000);
  await waitUntil('the VIP on lb2 only', async () => (await holds(h2, VIP)) && !(await holds(h1, VIP)), 2000);
  // `show vrrp` gives the effective priority beside the configured one, and why they differ.
  const shown = await socat(join(dir, 'lb1.sock'), 'show vrrp\n');
  t.regex(shown, /^state: BACKUP$/m, shown);
  t.regex(shown, /^priority: 90$/m, shown);
  t.regex(shown, /^configured_priority: 150$/m, shown);
  t.regex(shown, /^fault: 0 \(.*app.*\)$/m, shown);
  t.regex(shown, new RegExp(`^master: ${h2.address.replaceAll('.', '\\.')} priority 100$`, 'm'), shown);

  await backendServer(t, h1);
  await lb1.waitFor('lb1 priority 150 again', (_l, e) => e?.event === 'vrrp-tracking' && e.priority === 150, 3000);
  await lb1.waitFor('lb1 to preempt', (_l, e) => isTransition(e, 'Master') && e?.reason === 'preempt', 2000);
  await waitUntil('the VIP back on lb1 only', async () => (await holds(h1, VIP)) && !(await holds(h2, VIP)), 2000);
  t.pass();
});
