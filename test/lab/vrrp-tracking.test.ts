// Tracking beyond backends, by keepalived's rules, on two nodes in network
// namespaces: lb1 (150) is master, lb2 (100) backup. A track-script with
// weight 0 puts lb1 in Fault after `fall` failures (priority 0 sent, lb2
// takes over) and back after `rise` successes; a weighted script that
// hangs is killed at its timeout and counts as a failure; a track-file's
// value is added to the priority; a tracked interface going down lowers it.

import test, { type ExecutionContext } from 'ava';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTransition, startHawser, tempDir, writeFile, type LabProcess } from './lab-process.ts';
import { createLab, holds, run, waitUntil, type Lab, type LabHost } from './netns.ts';
import { hawserConfig, VIP } from './vrrp-config.ts';

interface Pair {
  lab: Lab;
  dir: string;
  lb1: LabProcess;
  lb2: LabProcess;
}

/** lb1 gets the lines `lb1Extra(dir)` in its own config file; both run at 100 ms adverts. `before` prepares the lab. */
async function pair(t: ExecutionContext, lb1Extra: (dir: string) => string[], before?: (lab: Lab, dir: string) => Promise<void>): Promise<Pair> {
  const lab = await createLab(t, 2);
  const dir = tempDir(t);
  await before?.(lab, dir);
  const base = { priorities: { lb1: 150, lb2: 100 }, advertInterval: 100, extra: ['garp-master-delay 0'] };
  const cfg1 = writeFile(dir, 'lb1.cfg', hawserConfig({ ...base, extra: [...base.extra, ...lb1Extra(dir)] }));
  const cfg2 = writeFile(dir, 'lb2.cfg', hawserConfig(base));
  const lb1 = await startHawser(t, lab.hosts[0]!, cfg1, 'lb1');
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  const lb2 = await startHawser(t, lab.hosts[1]!, cfg2, 'lb2');
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master' && e.priority === 150, 2000);
  return { lab, dir, lb1, lb2 };
}

const vipOn = async (lab: Lab, i: number): Promise<boolean> => (await holds(lab.hosts[i]!, VIP)) && !(await holds(lab.hosts[1 - i]!, VIP));

/** The `n`th transition of `p` to `to` (1-based), awaited. */
function nth(p: LabProcess, to: string, n: number, timeoutMs: number): Promise<string> {
  return p.waitFor(`transition #${n} to ${to}`, (_l, e) => isTransition(e, to) && p.events.filter((x) => isTransition(x, to)).indexOf(e!) === n - 1, timeoutMs);
}

test('track-script, weight 0: Fault after `fall` failures (the backup takes over at once), back after `rise` successes', async (t) => {
  const { lab, dir, lb1, lb2 } = await pair(
    t,
    // timeout 1s: the default (the interval) could fail a run whose start is slow on a loaded machine.
    (d) => [`track-script "test -e ${join(d, 'healthy')}" interval 100ms timeout 1s rise 2 fall 3`],
    async (_lab, d) => writeFileSync(join(d, 'healthy'), ''),
  );
  const flag = join(dir, 'healthy');
  // The router started only once the script had answered: straight to Backup, then Master.
  t.true(lb1.events.some((e) => e.event === 'vrrp-waiting'));
  t.deepEqual(lb1.events.filter((e) => e.event === 'vrrp-transition').map((e) => `${String(e.to)}:${String(e.reason)}`), ['Backup:startup', 'Master:master-silent']);

  const t0 = performance.now();
  rmSync(flag);
  const fault = JSON.parse(await nth(lb1, 'Fault', 1, 3000)) as Record<string, unknown>;
  const faultAfter = performance.now() - t0;
  t.like(fault, { from: 'Master', reason: 'fault' });
  t.regex(String(fault.msg), /script 'test -e .*healthy' failing; priority 0 sent/);
  // Three failures at 100 ms: not before the third run.
  t.true(faultAfter >= 150, `Fault after ${faultAfter.toFixed(0)} ms: fewer than 3 failures?`);
  await lb2.waitFor('lb2 Master', (_l, e) => isTransition(e, 'Master') && e?.reason === 'master-stopped', 2000);
  await waitUntil('the VIP on lb2 only', () => vipOn(lab, 1), 2000);

  writeFileSync(flag, '');
  await lb1.waitFor('lb1 out of Fault', (_l, e) => isTransition(e, 'Backup') && e?.reason === 'recovered', 3000);
  await nth(lb1, 'Master', 2, 3000);
  await waitUntil('the VIP back on lb1 only', () => vipOn(lab, 0), 3000);
});

test('track-script, weighted: a script past its timeout is killed with its children and counts as a failure; the priority drops by the weight', async (t) => {
  const { lab, dir, lb1, lb2 } = await pair(
    t,
    (d) => [`track-script ${join(d, 'check.sh')} interval 100ms timeout 300ms weight -60`],
    async (_lab, d) => {
      // The script hangs (and leaves a child behind) while `hang` exists.
      const script = writeFile(d, 'check.sh', `#!/bin/sh\nif [ -e ${join(d, 'hang')} ]; then sleep 30 & echo $! > ${join(d, 'child.pid')}; wait; fi\nexit 0\n`);
      await run('chmod', ['+x', script]);
    },
  );
  writeFileSync(join(dir, 'hang'), '');
  const failed = await lb1.waitFor('the script to time out', (_l, e) => e?.event === 'vrrp-track-script' && e.status === 'failed', 3000);
  t.regex(failed, /timed out after 300 ms and was killed/);
  await lb1.waitFor('lb1 priority 90', (_l, e) => e?.event === 'vrrp-tracking' && e.priority === 90, 1000);
  await lb2.waitFor('lb2 to preempt', (_l, e) => isTransition(e, 'Master') && e?.reason === 'preempt', 2000);
  await waitUntil('the VIP on lb2 only', () => vipOn(lab, 1), 2000);
  const pid = Number((await run('cat', [join(dir, 'child.pid')])).stdout.trim());
  t.true(pid > 0);
  await waitUntil(`the hung script's child ${pid} to be gone`, async () => !existsSync(`/proc/${pid}`), 3000);

  rmSync(join(dir, 'hang'));
  await lb1.waitFor('lb1 priority 150', (_l, e) => e?.event === 'vrrp-tracking' && e.priority === 150, 3000);
  await waitUntil('the VIP back on lb1 only', () => vipOn(lab, 0), 3000);
});

test('track-file: its value (x weight 1) is added to the priority; with weight 0 any value but 0 is a Fault', async (t) => {
  // Neither file exists at start: both read 0.
  const { lab, dir, lb1 } = await pair(t, (d) => [`track-file ${join(d, 'weight')}`, `track-file ${join(d, 'down')} weight 0`]);
  writeFileSync(join(dir, 'weight'), '-60\n');
  await lb1.waitFor('lb1 priority 90', (_l, e) => e?.event === 'vrrp-tracking' && e.priority === 90, 2000);
  await waitUntil('the VIP on lb2 only', () => vipOn(lab, 1), 2000);
  writeFileSync(join(dir, 'weight'), '0\n');
  await lb1.waitFor('lb1 priority 150', (_l, e) => e?.event === 'vrrp-tracking' && e.priority === 150, 2000);
  await waitUntil('the VIP back on lb1 only', () => vipOn(lab, 0), 2000);

  writeFileSync(join(dir, 'down'), '1');
  await nth(lb1, 'Fault', 1, 2000);
  await waitUntil('the VIP on lb2 only', () => vipOn(lab, 1), 2000);
  rmSync(join(dir, 'down'));
  await nth(lb1, 'Master', 3, 3000);
  await waitUntil('the VIP back on lb1 only', () => vipOn(lab, 0), 2000);
  t.pass();
});

test('track-interface: a tracked link going down lowers the priority by its weight', async (t) => {
  const { lab, lb2 } = await pair(
    t,
    () => ['track-interface trk0 weight -60'],
    async (l) => {
      // A veth pair inside lb1's namespace: a link to track that the test can take down.
      const ns = l.hosts[0]!.ns;
      for (const args of [['link', 'add', 'trk0', 'type', 'veth', 'peer', 'name', 'trk1'], ['link', 'set', 'trk1', 'up'], ['link', 'set', 'trk0', 'up']]) {
        const r = await run('ip', ['-n', ns, ...args]);
        if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
      }
    },
  );
  const h1: LabHost = lab.hosts[0]!;
  await run('ip', ['-n', h1.ns, 'link', 'set', 'trk0', 'down']);
  await lb2.waitFor('lb2 to preempt', (_l, e) => isTransition(e, 'Master') && e?.reason === 'preempt', 2000);
  await waitUntil('the VIP on lb2 only', () => vipOn(lab, 1), 2000);
  await run('ip', ['-n', h1.ns, 'link', 'set', 'trk0', 'up']);
  await waitUntil('the VIP back on lb1 only', () => vipOn(lab, 0), 3000);
  t.pass();
});
