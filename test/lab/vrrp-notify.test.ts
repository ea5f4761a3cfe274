// Notify commands as keepalived runs them: notify-master / -backup / -fault
// / -stop on their state, and the generic `notify` with INSTANCE NAME STATE
// PRIORITY appended, on every transition of a real node in a namespace. A
// notify command that takes seconds never delays a takeover.

import test from 'ava';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTransition, startHawser, tempDir, watchAddressAdded, writeFile } from './lab-process.ts';
import { createLab, run, waitUntil, type LabHost } from './netns.ts';
import { hawserConfig, masterDownInterval, VIP } from './vrrp-config.ts';

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);

async function logScript(dir: string, name: string, log: string, delaySeconds = 0): Promise<string> {
  const file = writeFile(dir, name, `#!/bin/sh\n${delaySeconds > 0 ? `sleep ${delaySeconds}\n` : ''}echo "$*" >> ${log}\n`);
  await run('chmod', ['+x', file]);
  return file;
}

test('notify-master/backup/fault/stop and the generic notify with INSTANCE NAME STATE PRIORITY; a slow command never delays a takeover', async (t) => {
  const lab = await createLab(t, 2);
  const [h1, h2] = lab.hosts as [LabHost, LabHost];
  const dir = tempDir(t);
  const log1 = join(dir, 'lb1.log');
  const log2 = join(dir, 'lb2.log');
  const note = await logScript(dir, 'note.sh', log1);
  const slow = await logScript(dir, 'slow.sh', log2, 2);
  const down = join(dir, 'down');
  const cfg1 = writeFile(
    dir,
    'lb1.cfg',
    hawserConfig({
      priorities: { lb1: 150, lb2: 100 },
      advertInterval: 100,
      extra: [
        `notify-master "${note} master"`,
        `notify-backup "${note} backup"`,
        `notify-fault "${note} fault"`,
        `notify-stop "${note} stop"`,
        `notify ${note}`,
        `track-file ${down} weight 0`,
      ],
    }),
  );
  const cfg2 = writeFile(dir, 'lb2.cfg', hawserConfig({ priorities: { lb1: 150, lb2: 100 }, advertInterval: 100, extra: [`notify-master "${slow} master"`] }));

  const lb1 = await startHawser(t, h1, cfg1, 'lb1');
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  await waitUntil('the start-up notifies', async () => lines(log1).length === 4, 2000);
  t.deepEqual(lines(log1).sort(), ['INSTANCE web BACKUP 150', 'INSTANCE web MASTER 150', 'backup', 'master']);

  // A tracked failure: FAULT, with the priority the router had.
  writeFileSync(down, '1');
  await lb1.waitFor('lb1 Fault', (_l, e) => isTransition(e, 'Fault'), 2000);
  await waitUntil('the fault notifies', async () => lines(log1).length === 6, 2000);
  t.deepEqual(lines(log1).slice(4).sort(), ['INSTANCE web FAULT 150', 'fault']);
  writeFileSync(down, '0');
  await lb1.waitFor('lb1 Master again', (_l, e) => isTransition(e, 'Master') && lb1.events.filter((x) => isTransition(x, 'Master')).length === 2, 3000);

  // lb2 joins; lb1 dies: lb2's notify-master takes 2 s, its takeover does not wait for it.
  const lb2 = await startHawser(t, h2, cfg2, 'lb2');
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master' && e.priority === 150, 2000);
  const watch = await watchAddressAdded(t, h2, VIP);
  const t0 = performance.now();
  lb1.kill('SIGTERM');
  const takeover = (await watch.added(2000)) - t0;
  t.true(takeover < masterDownInterval(100, 100).down, `takeover after ${takeover.toFixed(0)} ms`);
  t.deepEqual(lines(log2), [], 'the slow notify-master is still running');
  await waitUntil("lb2's slow notify-master to finish", async () => lines(log2).length === 1, 4000);
  t.deepEqual(lines(log2), ['master']);

  // lb1 stopped gracefully: STOP, both commands.
  t.is(await lb1.exited, 0);
  await waitUntil('the stop notifies', async () => lines(log1).length === 12, 2000);
  t.deepEqual(lines(log1).slice(10).sort(), ['INSTANCE web STOP 150', 'stop']);
});
