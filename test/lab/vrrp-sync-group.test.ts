// A sync group on two nodes in network namespaces: each node runs two
// virtual routers, web (VRID 51, 10.99.0.100) and db (VRID 52, 10.99.0.101),
// grouped as `sync-group edge`. When web fails on the master (a tracked
// file, weight 0), db follows it to Fault and the other node takes both
// VIPs together after Skew_Time; when web recovers, both come back
// together. The group's notify gets GROUP edge STATE 0.

import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTransition, startHawser, tempDir, watchAddressAdded, writeFile, type LabProcess } from './lab-process.ts';
import { createLab, holds, run, waitUntil, type LabHost } from './netns.ts';
import { masterDownInterval } from './vrrp-config.ts';

const WEB = '10.99.0.100';
const DB = '10.99.0.101';
const INTERVAL = 100;

function config(dir: string, log: string): string {
  const section = (name: string, vrid: number, vip: string, extra: string[]) =>
    [
      `vrrp ${name}`,
      '    interface eth0',
      `    virtual-router-id ${vrid}`,
      '    priority lb1 150 lb2 100',
      `    advert-interval ${INTERVAL}ms`,
      `    virtual-ipaddress ${vip}/32`,
      '    garp-master-delay 0',
      ...extra.map((l) => `    ${l}`),
      '',
    ].join('\n');
  return [
    'global',
    '    log stdout format raw local0',
    '',
    // The file is per node: "${HAPROXY_LOCALPEER}" is this node's name (expanded in double quotes, as HAProxy does).
    section('web', 51, WEB, [`sync-group edge notify "${log} \${HAPROXY_LOCALPEER}"`, `track-file "${dir}/\${HAPROXY_LOCALPEER}.down" weight 0`]),
    section('db', 52, DB, ['sync-group edge']),
  ].join('\n');
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);
const transitionsOf = (p: LabProcess, vrrp: string): string[] =>
  p.events.filter((e) => e.event === 'vrrp-transition' && e.vrrp === vrrp).map((e) => `${String(e.to)}:${String(e.reason)}`);
const groupStates = (p: LabProcess): string[] => p.events.filter((e) => e.event === 'vrrp-sync-group').map((e) => String(e.to));

test('sync group: one member in Fault takes the group along, the other node takes both VIPs together, and they come back together', async (t) => {
  const lab = await createLab(t, 2);
  const [h1, h2] = lab.hosts as [LabHost, LabHost];
  const dir = tempDir(t);
  // The first argument is the node (from the configuration); keepalived's four follow.
  const notify = writeFile(dir, 'group.sh', `#!/bin/sh\nnode=$1; shift\necho "$*" >> ${dir}/$node.log\n`);
  await run('chmod', ['+x', notify]);
  const cfg = writeFile(dir, 'hawser.cfg', config(dir, notify));
  const lb1 = await startHawser(t, h1, cfg, 'lb1');
  await lb1.waitFor('the group Master on lb1', (_l, e) => e?.event === 'vrrp-sync-group' && e.to === 'Master', 3000);
  const lb2 = await startHawser(t, h2, cfg, 'lb2');
  await lb2.waitFor('the group Backup on lb2', (_l, e) => e?.event === 'vrrp-sync-group' && e.to === 'Backup', 3000);
  await lb2.waitFor('lb2 to hear lb1 for db', (_l, e) => e?.event === 'vrrp-master' && e.vrrp === 'db', 2000);
  await waitUntil('both VIPs on lb1', async () => (await holds(h1, WEB)) && (await holds(h1, DB)), 2000);
  t.false((await holds(h2, WEB)) || (await holds(h2, DB)));

  const watchWeb = await watchAddressAdded(t, h2, WEB);
  const watchDb = await watchAddressAdded(t, h2, DB);
  const t0 = performance.now();
  writeFileSync(join(dir, 'lb1.down'), '1');
  const [web, db] = await Promise.all([watchWeb.added(3000), watchDb.added(3000)]);
  t.log(`lb2 holds web after ${(web - t0).toFixed(0)} ms and db after ${(db - t0).toFixed(0)} ms (Skew_Time ${masterDownInterval(100, INTERVAL).skew.toFixed(1)} ms, plus up to one file poll)`);
  // Both left lb1 with priority 0: lb2 took them after Skew_Time, well before a Master_Down_Interval.
  t.true(Math.abs(web - db) < INTERVAL, 'the two VIPs moved together');
  t.true(db - t0 < 3 * INTERVAL + masterDownInterval(100, INTERVAL).down, `db moved after ${(db - t0).toFixed(0)} ms`);
  await waitUntil('no VIP left on lb1', async () => !(await holds(h1, WEB)) && !(await holds(h1, DB)), 2000);
  t.deepEqual(transitionsOf(lb1, 'web').slice(-1), ['Fault:fault']);
  t.deepEqual(transitionsOf(lb1, 'db').slice(-1), ['Fault:sync-group']);
  await lb2.waitFor('the group Master on lb2', (_l, e) => e?.event === 'vrrp-sync-group' && e.to === 'Master', 2000);
  t.deepEqual(transitionsOf(lb2, 'db').slice(-1), ['Master:master-stopped']);

  writeFileSync(join(dir, 'lb1.down'), '0');
  await lb1.waitFor('the group Master on lb1 again', (_l, e) => e?.event === 'vrrp-sync-group' && e.to === 'Master' && groupStates(lb1).length >= 5, 5000);
  await waitUntil('both VIPs back on lb1 only', async () => (await holds(h1, WEB)) && (await holds(h1, DB)) && !(await holds(h2, WEB)) && !(await holds(h2, DB)), 2000);
  t.deepEqual(groupStates(lb1), ['Backup', 'Master', 'Fault', 'Backup', 'Master']);
  t.deepEqual(transitionsOf(lb1, 'db').slice(-2), ['Backup:sync-group', 'Master:preempt']);

  // The group's generic notify: GROUP edge STATE 0, once per group transition.
  await waitUntil('the group notifies on lb1', async () => lines(join(dir, 'lb1.log')).length === 5, 2000);
  t.deepEqual(lines(join(dir, 'lb1.log')), ['GROUP edge BACKUP 0', 'GROUP edge MASTER 0', 'GROUP edge FAULT 0', 'GROUP edge BACKUP 0', 'GROUP edge MASTER 0']);
  await waitUntil('the group notifies on lb2', async () => lines(join(dir, 'lb2.log')).length === 3, 2000);
  t.deepEqual(lines(join(dir, 'lb2.log')), ['GROUP edge BACKUP 0', 'GROUP edge MASTER 0', 'GROUP edge BACKUP 0']);

  lb1.kill('SIGTERM');
  t.is(await lb1.exited, 0);
  await waitUntil('the group STOP notify', async () => lines(join(dir, 'lb1.log')).length === 6, 2000);
  t.is(lines(join(dir, 'lb1.log')).at(-1), 'GROUP edge STOP 0');
});
