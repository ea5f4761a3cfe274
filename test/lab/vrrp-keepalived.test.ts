// A Hawser node and a keepalived node (apt) in the same virtual router, for
// VRRPv3 and VRRPv2: each hears the other, the higher priority wins, and
// failover works both ways (Hawser stops, keepalived takes the VIP after
// Skew_Time; keepalived dies, Hawser takes it after Master_Down_Interval;
// a keepalived of higher priority preempts a Hawser master, then stops, and
// Hawser takes the VIP back after Skew_Time).

import test, { type ExecutionContext } from 'ava';
import { startKeepalived, keepalivedConfig } from './keepalived.ts';
import { isTransition, startHawser, tempDir, watchAddressAdded, writeFile, type LabEvent } from './lab-process.ts';
import { createLab, holds, waitUntil } from './netns.ts';
import { hawserConfig, masterDownInterval, VIP } from './vrrp-config.ts';

const SLACK = 200;

async function interop(t: ExecutionContext, version: 2 | 3, interval: number): Promise<void> {
  const lab = await createLab(t, 2);
  const [h, k] = lab.hosts as [(typeof lab.hosts)[0], (typeof lab.hosts)[0]];
  const dir = tempDir(t);

  // Hawser 150 becomes master; keepalived 100 joins and stays backup: it accepts Hawser's adverts.
  const hawserCfg = writeFile(dir, 'hawser.cfg', hawserConfig({ version, priorities: { lb1: 150 }, advertInterval: interval, extra: ['garp-master-delay 0'] }));
  const hawser = await startHawser(t, h, hawserCfg, 'lb1');
  await hawser.waitFor('hawser to become Master', (_l, e) => isTransition(e, 'Master'), masterDownInterval(150, interval, version).down + 2000);
  const ka = await startKeepalived(t, k, dir, keepalivedConfig({ name: 'k1', version, priority: 100, advertInterval: interval }));
  const kaDown = masterDownInterval(100, interval, version);
  await new Promise((r) => setTimeout(r, kaDown.down + 2 * interval));
  t.false(ka.process.lines.some((l) => l.includes('Entering MASTER STATE')), 'keepalived heard the higher-priority Hawser master and stayed backup');
  t.true(await holds(h, VIP));
  t.false(await holds(k, VIP));

  // Hawser stops (priority 0): keepalived takes over after its Skew_Time, not its Master_Down_Interval.
  const kWatch = await watchAddressAdded(t, k, VIP);
  let t0 = performance.now();
  hawser.kill('SIGTERM');
  const toKeepalived = (await kWatch.added(kaDown.down + 2000)) - t0;
  t.log(`v${version}: Hawser SIGTERM -> keepalived holds the VIP after ${toKeepalived.toFixed(1)} ms (its Skew_Time ${kaDown.skew.toFixed(1)} ms)`);
  t.true(toKeepalived < kaDown.skew + (kaDown.down - kaDown.skew) / 2, `keepalived took ${toKeepalived.toFixed(1)} ms: it did not act on our priority 0`);
  await ka.process.waitFor('keepalived MASTER', (l) => l.includes('(web) Entering MASTER STATE'), 1000);
  t.is(await hawser.exited, 0);
  t.false(await holds(h, VIP));

  // Hawser 50 joins under keepalived 100: it hears keepalived's adverts and stays backup.
  const lowCfg = writeFile(dir, 'hawser-low.cfg', hawserConfig({ version, priorities: { lb1: 50 }, advertInterval: interval }));
  const backup = await startHawser(t, h, lowCfg, 'lb1');
  await backup.waitFor('hawser to hear keepalived', (_l, e) => e?.event === 'vrrp-master' && e.master === k.address && e.priority === 100, 3 * interval + 2000);
  t.is(backup.events.filter((e) => isTransition(e, 'Master')).length, 0);

  // keepalived dies (SIGKILL of its VRRP process): Hawser takes over after Master_Down_Interval.
  const hDown = masterDownInterval(50, interval, version);
  const hWatch = await watchAddressAdded(t, h, VIP);
  t0 = performance.now();
  process.kill(ka.vrrpPid(), 'SIGKILL');
  const toHawser = (await hWatch.added(hDown.down + 2000)) - t0;
  t.log(`v${version}: keepalived SIGKILL -> Hawser holds the VIP after ${toHawser.toFixed(1)} ms (Master_Down_Interval ${hDown.down.toFixed(1)} ms)`);
  t.true(toHawser >= hDown.down - interval - 5, `Hawser took over after ${toHawser.toFixed(1)} ms, before Master_Down_Interval could have run out`);
  t.true(toHawser <= hDown.down + 50 + SLACK, `Hawser took over after ${toHawser.toFixed(1)} ms, Master_Down_Interval is ${hDown.down.toFixed(1)} ms`);
  const became = await backup.waitFor('hawser Master', (_l, e) => isTransition(e, 'Master'), 1000);
  t.like(JSON.parse(became), { reason: 'master-silent' });

  // A fresh keepalived 100 preempts the Hawser 50 master: Hawser reads its advert as Master and yields.
  ka.process.kill('SIGKILL');
  await ka.process.exited;
  const ka2 = await startKeepalived(t, k, dir, keepalivedConfig({ name: 'k1', version, priority: 100, advertInterval: interval }));
  await ka2.process.waitFor('keepalived to preempt', (l) => l.includes('(web) Entering MASTER STATE'), kaDown.down + 2000);
  const yielded = await backup.waitFor('hawser to yield', (_l, e) => isTransition(e, 'Backup') && e?.reason === 'higher-priority', 2000);
  t.like(JSON.parse(yielded), { from: 'Master' });
  await waitUntil('the VIP on keepalived only', async () => (await holds(k, VIP)) && !(await holds(h, VIP)), 2000);

  // keepalived stops (priority 0): Hawser takes over after its Skew_Time, not its Master_Down_Interval.
  const hWatch2 = await watchAddressAdded(t, h, VIP);
  const masters = (): LabEvent[] => backup.events.filter((e) => isTransition(e, 'Master'));
  const mastersBefore = masters().length;
  t0 = performance.now();
  ka2.process.kill('SIGTERM');
  const afterStop = (await hWatch2.added(hDown.down + 2000)) - t0;
  t.log(`v${version}: keepalived SIGTERM -> Hawser holds the VIP after ${afterStop.toFixed(1)} ms (its Skew_Time ${hDown.skew.toFixed(1)} ms)`);
  // The reason says which timer ran out: 'master-stopped' is Skew_Time after the priority 0, 'master-silent' Master_Down_Interval
  // (timing alone cannot tell them apart on a loaded machine).
  await waitUntil('hawser Master again', async () => masters().length > mastersBefore, 1000);
  t.like(masters().at(-1), { reason: 'master-stopped' }, "Hawser did not act on keepalived's priority 0");
  t.true(afterStop <= hDown.down + SLACK, `Hawser took ${afterStop.toFixed(1)} ms`);
}

test('interop with keepalived, VRRPv3 at 100 ms adverts', (t) => interop(t, 3, 100));
test('interop with keepalived, VRRPv2 at 1 s adverts', (t) => interop(t, 2, 1000));
