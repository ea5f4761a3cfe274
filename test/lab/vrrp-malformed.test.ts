// Malformed VRRP packets sent into the segment by a third host are dropped
// and counted by code, never fatal: the master stays master, keeps its VIP
// and goes on advertising (its backup does not take over).

import test from 'ava';
import { join, resolve } from 'node:path';
import { socat } from '../support/socat.ts';
import { isTransition, spawnIn, startHawser, tempDir, writeFile } from './lab-process.ts';
import { createLab, holds } from './netns.ts';
import { hawserConfig, VIP } from './vrrp-config.ts';

const SENDER = resolve(import.meta.dirname, 'send-malformed.ts');

test('malformed packets are dropped, counted by code and logged, not fatal', async (t) => {
  const lab = await createLab(t, 3);
  const [h1, h2, h3] = lab.hosts as [(typeof lab.hosts)[0], (typeof lab.hosts)[0], (typeof lab.hosts)[0]];
  const dir = tempDir(t);
  const cfg = writeFile(dir, 'hawser.cfg', hawserConfig({ priorities: { lb1: 150, lb2: 100 }, advertInterval: 100, statsSocketDir: dir }));
  const lb1 = await startHawser(t, h1, cfg, 'lb1');
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  const lb2 = await startHawser(t, h2, cfg, 'lb2');
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master', 2000);

  // Each packet carries priority 254: had one been accepted, lb1 would have yielded to it.
  for (const target of [h1, h2]) {
    const sender = spawnIn(t, h3, [process.execPath, SENDER, h3.address, target.address, '51', VIP]);
    t.is(await sender.exited, 0, sender.lines.join('\n'));
    t.is(sender.lines.length, 9, sender.lines.join('\n'));
  }
  const expected = [
    'HAWSER_VRRP_TRUNCATED',
    'HAWSER_VRRP_BAD_VERSION',
    'HAWSER_VRRP_BAD_TYPE',
    'HAWSER_VRRP_BAD_LENGTH',
    'HAWSER_VRRP_BAD_CHECKSUM',
    'HAWSER_VRRP_BAD_INTERVAL',
    'HAWSER_VRRP_BAD_TTL',
  ];
  for (const node of [lb1, lb2]) {
    for (const code of expected) {
      await node.waitFor(`a drop logged as ${code}`, (_l, e) => e?.event === 'vrrp-drop' && e.code === code, 2000);
    }
  }
  const versionDrops = lb1.events.filter((e) => e.event === 'vrrp-drop' && e.code === 'HAWSER_VRRP_BAD_VERSION');
  t.is(versionDrops.length, 1, 'the second bad version within 10 s is counted, not logged again');

  // Several advert intervals later, nothing has changed.
  await new Promise((r) => setTimeout(r, 500));
  t.is(lb1.child.exitCode, null, 'lb1 is alive');
  t.is(lb2.child.exitCode, null, 'lb2 is alive');
  t.is(lb1.events.filter((e) => isTransition(e, 'Master')).length, 1);
  t.is(lb1.events.filter((e) => isTransition(e, 'Backup')).length, 1, 'lb1 never yielded');
  t.is(lb2.events.filter((e) => isTransition(e, 'Master')).length, 0, 'lb2 never took over');
  t.true(await holds(h1, VIP));
  t.false(await holds(h2, VIP));

  // The counters, as an operator reads them on the runtime socket...
  const shown = await socat(join(dir, 'lb1.sock'), 'show vrrp\n');
  t.regex(shown, /^receive_errors: 9$/m, shown);
  const dropsLine = /^drops: (.*)$/m.exec(shown)?.[1] ?? '';
  for (const code of expected) {
    const n = code === 'HAWSER_VRRP_BAD_VERSION' ? 3 : 1;
    t.true(dropsLine.split(' ').includes(`${code}=${n}`), `${code}=${n} in '${dropsLine}'`);
  }
  t.true(Number(/^adverts_sent: (\d+)$/m.exec(shown)?.[1]) > 10, shown);

  // ...and as the node reports them when it stops.
  lb1.kill('SIGTERM');
  t.is(await lb1.exited, 0);
  const summary = lb1.events.find((e) => e.event === 'vrrp-stop');
  t.like(summary, {
    drops: {
      HAWSER_VRRP_TRUNCATED: 1,
      HAWSER_VRRP_BAD_VERSION: 3,
      HAWSER_VRRP_BAD_TYPE: 1,
      HAWSER_VRRP_BAD_LENGTH: 1,
      HAWSER_VRRP_BAD_CHECKSUM: 1,
      HAWSER_VRRP_BAD_INTERVAL: 1,
      HAWSER_VRRP_BAD_TTL: 1,
    },
    receiveErrors: 9,
  });
  t.true((summary?.advertsSent as number) > 10);
});
