// Without CAP_NET_RAW (raw socket) or CAP_NET_ADMIN (`ip addr`), a node with
// a `vrrp` section refuses to start and says which capability is missing,
// instead of a bare "Operation not permitted".

import test from 'ava';
import { HAWSER_BIN, spawnIn, tempDir, writeFile } from './lab-process.ts';
import { createLab } from './netns.ts';
import { hawserConfig } from './vrrp-config.ts';

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
