// Elections beyond two nodes: three nodes started together end with the
// highest priority as the only master; with `nopreempt` a higher-priority
// node that joins later leaves the running master alone until it stops.

import test from 'ava';
import { isTransition, startHawser, tempDir, writeFile } from './lab-process.ts';
import { createLab, holds, waitUntil, type LabHost } from './netns.ts';
import { hawserConfig, masterDownInterval, VIP } from './vrrp-config.ts';

test('three nodes started together: the highest priority ends up the only master', async (t) => {
  const lab = await createLab(t, 3);
  const hosts = lab.hosts as [LabHost, LabHost, LabHost];
  const cfg = writeFile(tempDir(t), 'hawser.cfg', hawserConfig({ priorities: { lb1: 120, lb2: 200, lb3: 150 }, advertInterval: 100 }));
  const [lb1, lb2, lb3] = await Promise.all([startHawser(t, hosts[0], cfg, 'lb1'), startHawser(t, hosts[1], cfg, 'lb2'), startHawser(t, hosts[2], cfg, 'lb3')]);
  await lb2.waitFor('lb2 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  await waitUntil('the VIP on lb2 only', async () => (await holds(hosts[1], VIP)) && !(await holds(hosts[0], VIP)) && !(await holds(hosts[2], VIP)), 2000);
  // Whatever happened during start-up, from now on nobody else takes over.
  const before = [lb1, lb3].map((p) => p.events.filter((e) => isTransition(e, 'Master')).length);
  await new Promise((r) => setTimeout(r, 2 * masterDownInterval(120, 100).down));
  t.deepEqual([lb1, lb3].map((p) => p.events.filter((e) => isTransition(e, 'Master')).length), before);
  for (const p of [lb1, lb3]) {
    const last = p.events.filter((e) => e.event === 'vrrp-transition').at(-1);
    t.is(last?.to, 'Backup');
  }
  t.true(await holds(hosts[1], VIP));
});

test('nopreempt: a higher priority that joins later waits for the master to stop', async (t) => {
  const lab = await createLab(t, 2);
  const [h1, h2] = lab.hosts as [LabHost, LabHost];
  const cfg = writeFile(tempDir(t), 'hawser.cfg', hawserConfig({ priorities: { lb1: 100, lb2: 150 }, advertInterval: 100, extra: ['nopreempt'] }));
  const lb1 = await startHawser(t, h1, cfg, 'lb1');
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  const lb2 = await startHawser(t, h2, cfg, 'lb2');
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master' && e.master === h1.address, 2000);
  await new Promise((r) => setTimeout(r, 2 * masterDownInterval(150, 100).down));
  t.is(lb2.events.filter((e) => isTransition(e, 'Master')).length, 0, 'lb2 did not preempt');
  t.true(await holds(h1, VIP));
  lb1.kill('SIGTERM');
  await lb2.waitFor('lb2 Master', (_l, e) => isTransition(e, 'Master') && e?.reason === 'master-stopped', 2000);
  await waitUntil('the VIP on lb2', () => holds(h2, VIP), 1000);
});
