// Without CAP_NET_RAW (raw socket) or CAP_NET_ADMIN (`ip addr`), a node with
// a `vrrp` section refuses to start and says which capability is missing,
// instead of a bare "Operation not permitted". With exactly those two, an
// unprivileged user runs a node (as systemd's AmbientCapabilities= does).

import test from 'ava';
import { chmodSync, readFileSync } from 'node:fs';
import { HAWSER_BIN, isTransition, spawnIn, tempDir, writeFile } from './lab-process.ts';
import { createLab, holds, waitUntil } from './netns.ts';
import { hawserConfig, VIP } from './vrrp-config.ts';

for (const [cap, code] of [
  ['net_raw', 'HAWSER_VRRP_NO_CAP_NET_RAW'],
  ['net_admin', 'HAWSER_VRRP_NO_CAP_NET_ADMIN'],
] as const) {
  test(`without CAP_${cap.toUpperCase()} hawser exits 1 naming it`, async (t) => {
    const lab = await createLab(t, 1);
    const cfg = writeFile(tempDir(t), 'hawser.cfg', hawserConfig({ priorities: { lb1: 150 }, advertInterval: 100 }));
    // setpriv drops the capability from the bounding set: root keeps every other one.
    const p = spawnIn(t, lab.hosts[0]!, ['setpriv', '--bounding-set', `-${cap}`, process.execPath, HAWSER_BIN, '-f', cfg, '-L', 'lb1']);
    const exit = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000))]);
    t.is(exit, 1, p.lines.join('\n'));
    const alert = p.lines.find((l) => l.includes(code));
    t.truthy(alert, p.lines.join('\n'));
    t.regex(alert ?? '', new RegExp(`CAP_${cap.toUpperCase()}`));
    t.false(p.lines.some((l) => l.includes('"event":"ready"')), 'not announced ready');
  });
}

test('as user nobody with only CAP_NET_RAW and CAP_NET_ADMIN: the node becomes master, holds the VIP, and gives it back on stop', async (t) => {
  const lab = await createLab(t, 1);
  const host = lab.hosts[0]!;
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  const cfg = writeFile(dir, 'hawser.cfg', hawserConfig({ priorities: { lb1: 150 }, advertInterval: 100, extra: ['garp-master-delay 0'] }));
  // Ambient capabilities reach `ip` and `arping` too, as with systemd's AmbientCapabilities=.
  const caps = '-all,+net_raw,+net_admin';
  const p = spawnIn(t, host, [
    'setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups',
    `--bounding-set=${caps}`, `--inh-caps=${caps}`, '--ambient-caps=+net_raw,+net_admin',
    process.execPath, HAWSER_BIN, '-f', cfg, '-L', 'lb1',
  ]);
  await p.waitFor('Master', (_l, e) => isTransition(e, 'Master'), 10_000);
  const status = readFileSync(`/proc/${p.child.pid}/status`, 'utf8');
  t.regex(status, /^Uid:\t65534\t65534\t65534\t65534$/m, 'runs as nobody');
  // CAP_NET_ADMIN is bit 12, CAP_NET_RAW bit 13: nothing else is effective.
  t.regex(status, /^CapEff:\t0000000000003000$/m);
  await waitUntil('the VIP on lb1', () => holds(host, VIP), 2000);
  t.false(p.lines.some((l) => l.includes('HAWSER_VRRP_')), p.lines.join('\n'));
  p.kill('SIGTERM');
  t.is(await p.exited, 0, p.lines.join('\n'));
  t.false(await holds(host, VIP), 'the VIP was removed without root');
});
