// `show vrrp` on the runtime socket of each node, with one identical config
// file: each node's socket path comes from its own name (${HAPROXY_LOCALPEER}).

import test from 'ava';
import { join } from 'node:path';
import { isTransition, startHawser, tempDir, writeFile } from './lab-process.ts';
import { createLab, type LabHost } from './netns.ts';
import { hawserConfig } from './vrrp-config.ts';
import { socat } from '../support/socat.ts';

test('show vrrp: state, priorities and counters of each node', async (t) => {
  const lab = await createLab(t, 2);
  const [h1, h2] = lab.hosts as [LabHost, LabHost];
  const dir = tempDir(t);
  const cfg = writeFile(dir, 'hawser.cfg', hawserConfig({ priorities: { lb1: 150, lb2: 100 }, advertInterval: 100, statsSocketDir: dir }));
  const [lb1, lb2] = await Promise.all([startHawser(t, h1, cfg, 'lb1'), startHawser(t, h2, cfg, 'lb2')]);
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master' && e.priority === 150, 3000);
  const one = await socat(join(dir, 'lb1.sock'), 'show vrrp\n');
  const two = await socat(join(dir, 'lb2.sock'), 'show vrrp\n');
  t.regex(one, /^vrrp: web$/m);
  t.regex(one, /^state: MASTER$/m);
  t.regex(one, /^priority: 150$/m);
  t.regex(two, /^state: BACKUP$/m);
  t.regex(two, /^master: 10\.99\.0\.\d+ priority 150$/m);
  const received = Number(/^adverts_received: (\d+)$/m.exec(two)?.[1]);
  t.true(received > 0, 'the backup counts the adverts it hears');
});
