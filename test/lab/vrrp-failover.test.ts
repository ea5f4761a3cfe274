// Two Hawser nodes and a neighbour on one segment (network namespaces): the
// higher priority becomes master and holds the VIP; when it dies the backup
// takes the VIP within Master_Down_Interval and tells the neighbour with a
// gratuitous ARP; when it stops gracefully the backup takes over after
// Skew_Time. Takeover times are measured from the signal to the moment the
// kernel of the new master reports the VIP (`ip monitor`).

import test, { type ExecutionContext } from 'ava';
import { isTransition, startHawser, tempDir, watchAddressAdded, writeFile, type LabProcess } from './lab-process.ts';
import { createLab, holds, neighbourMac, run, waitUntil, type Lab } from './netns.ts';
import { hawserConfig, masterDownInterval, VIP } from './vrrp-config.ts';

const INTERVAL = 100;
const { skew: SKEW, down: MDI } = masterDownInterval(100, INTERVAL);
/** The target: within 50 ms of Master_Down_Interval. */
const TOLERANCE = 50;
/** Two cores shared with the rest of the suite: room for a late timer or a slow `ip`. */
const CI_SLACK = 150;

interface TwoNodes {
  lab: Lab;
  cfg: string;
  lb1: LabProcess;
  lb2: LabProcess;
}

/** lb1 (150) on host 1 becomes master, then lb2 (100) joins on host 2 as backup; host 3 is a plain neighbour. */
async function twoNodes(t: ExecutionContext): Promise<TwoNodes> {
  const lab = await createLab(t, 3);
  const cfg = writeFile(tempDir(t), 'hawser.cfg', hawserConfig({ priorities: { lb1: 150, lb2: 100 }, advertInterval: INTERVAL, extra: ['garp-master-delay 0'] }));
  const lb1 = await startHawser(t, lab.hosts[0]!, cfg, 'lb1');
  await lb1.waitFor('lb1 to become Master', (_l, e) => isTransition(e, 'Master'), 3000);
  const lb2 = await startHawser(t, lab.hosts[1]!, cfg, 'lb2');
  await lb2.waitFor('lb2 to start as Backup', (_l, e) => isTransition(e, 'Backup'), 3000);
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master' && e.master === lab.hosts[0]!.address, 2000);
  return { lab, cfg, lb1, lb2 };
}

const transitions = (p: LabProcess, to: string): number => p.events.filter((e) => isTransition(e, to)).length;

test.serial('the priority 150 node becomes master and holds the VIP; the 100 node stays backup', async (t) => {
  const { lab, lb1, lb2 } = await twoNodes(t);
  // Long enough for a backup that did not hear the master to take over.
  await new Promise((r) => setTimeout(r, 2 * MDI));
  t.true(await holds(lab.hosts[0]!, VIP), 'the master holds the VIP');
  t.false(await holds(lab.hosts[1]!, VIP), 'the backup does not');
  t.is(transitions(lb1, 'Master'), 1);
  t.is(transitions(lb2, 'Master'), 0, 'the backup never became master');
  const start = lb1.events.find((e) => e.event === 'vrrp-start');
  t.like(start, { vrrp: 'web', vrid: 51, version: 3, transport: 'raw', source: lab.hosts[0]!.address, priority: 150 });
});

test.serial('SIGKILL of the master: the backup holds the VIP within Master_Down_Interval, the neighbour ARP cache follows', async (t) => {
  const { lab, cfg, lb1, lb2 } = await twoNodes(t);
  const [h1, h2, h3] = lab.hosts as [Lab['hosts'][0], Lab['hosts'][0], Lab['hosts'][0]];
  // The neighbour talks to the VIP, so it has an ARP entry (a gratuitous ARP only updates existing entries).
  await run('ip', ['netns', 'exec', h3.ns, 'bash', '-c', `echo hello > /dev/udp/${VIP}/9`]);
  await waitUntil(`the neighbour's ARP entry for ${VIP} to be the master's MAC ${h1.mac}`, async () => (await neighbourMac(h3, VIP)) === h1.mac, 2000);

  const watch = await watchAddressAdded(t, h2, VIP);
  const t0 = performance.now();
  lb1.kill('SIGKILL');
  const takeover = (await watch.added(3000)) - t0;
  t.log(`takeover after SIGKILL: ${takeover.toFixed(1)} ms (Master_Down_Interval ${MDI.toFixed(1)} ms, adverts every ${INTERVAL} ms)`);
  // The last advert left at most one interval before the kill: earlier than that would be a backup not waiting for the master.
  t.true(takeover >= MDI - INTERVAL - 5, `took over after ${takeover.toFixed(1)} ms, before Master_Down_Interval could have run out`);
  t.true(takeover <= MDI + TOLERANCE + CI_SLACK, `took over after ${takeover.toFixed(1)} ms, more than ${MDI.toFixed(1)} + ${TOLERANCE} ms (+${CI_SLACK} slack)`);
  t.true(takeover < 1000);
  const became = await lb2.waitFor('lb2 Master', (_l, e) => isTransition(e, 'Master'), 1000);
  t.like(JSON.parse(became), { reason: 'master-silent', from: 'Backup' });
  await waitUntil(`the neighbour's ARP entry for ${VIP} to move to the new master's MAC ${h2.mac}`, async () => (await neighbourMac(h3, VIP)) === h2.mac, 2000);

  // A killed master leaves its VIP behind; started again, it clears it first, then preempts.
  t.true(await holds(h1, VIP), 'the killed master still has the VIP configured');
  const again = await startHawser(t, h1, cfg, 'lb1');
  await again.waitFor('lb1 to start as Backup', (_l, e) => isTransition(e, 'Backup'), 2000);
  await again.waitFor('lb1 to preempt', (_l, e) => isTransition(e, 'Master') && e?.reason === 'preempt', 3000);
  await lb2.waitFor('lb2 to yield', (_l, e) => isTransition(e, 'Backup') && e?.reason === 'higher-priority', 2000);
  await waitUntil('the VIP back on lb1 only', async () => (await holds(h1, VIP)) && !(await holds(h2, VIP)), 2000);
  const order = again.events.filter((e) => e.event === 'vrrp-transition').map((e) => `${String(e.to)}:${String(e.reason)}`);
  t.deepEqual(order, ['Backup:startup', 'Master:preempt']);
});

test.serial('graceful stop of the master (SIGTERM): the backup takes over after Skew_Time', async (t) => {
  const { lab, lb1, lb2 } = await twoNodes(t);
  const watch = await watchAddressAdded(t, lab.hosts[1]!, VIP);
  const t0 = performance.now();
  lb1.kill('SIGTERM');
  const takeover = (await watch.added(2000)) - t0;
  t.log(`takeover after SIGTERM: ${takeover.toFixed(1)} ms (Skew_Time ${SKEW.toFixed(1)} ms, Master_Down_Interval ${MDI.toFixed(1)} ms)`);
  t.true(takeover < 0.75 * MDI, `took over after ${takeover.toFixed(1)} ms: not well under Master_Down_Interval ${MDI.toFixed(1)} ms`);
  const became = await lb2.waitFor('lb2 Master', (_l, e) => isTransition(e, 'Master'), 1000);
  t.like(JSON.parse(became), { reason: 'master-stopped' });
  t.is(await lb1.exited, 0);
  t.false(await holds(lab.hosts[0]!, VIP), 'the stopped master removed its VIP');
  t.true(await holds(lab.hosts[1]!, VIP));
  const stop = lb1.events.find((e) => isTransition(e, 'Initialize'));
  t.like(stop, { from: 'Master', reason: 'shutdown' });
});
