// Sync groups in the configuration: `sync-group NAME [notify... CMD]` on
// each member, keepalived's rules for weighted tracking in a group, the
// group's commands given once, and what a reload may change in place.

import test from 'ava';
import { formatDiagnostic, parseConfigText } from '../../../src/config/index.ts';
import { nodeVrrpSettings, settingsChanges, vrrpSettings, type VrrpSettings } from '../../../cluster/vrrp/index.ts';

function load(text: string, node = 'lb1') {
  const r = parseConfigText(text, 't.cfg', { env: {}, localName: node });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.config === undefined || errors.length > 0) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  const n = nodeVrrpSettings(r.config, node);
  return { vrrp: n.vrrp, messages: n.diagnostics.map(formatDiagnostic), config: r.config };
}

const router = (name: string, vrid: number, extra: string[]) =>
  [`vrrp ${name}`, '  interface eth0', `  virtual-router-id ${vrid}`, `  virtual-ipaddress 10.99.0.${vrid}`, ...extra.map((l) => `  ${l}`), ''].join('\n');

test('members name their group; its commands may be written on any one member', (t) => {
  const { vrrp, messages } = load(
    router('web', 51, ['sync-group edge notify-master "/etc/hawser/edge.sh master" notify /etc/hawser/edge-all.sh']) +
      router('db', 52, ['sync-group edge notify-fault /etc/hawser/edge-fault.sh']) +
      router('other', 53, []),
  );
  t.deepEqual(messages, []);
  t.is(vrrp!.groups.length, 1);
  const g = vrrp!.groups[0]!;
  t.is(g.name, 'edge');
  t.deepEqual(g.members, ['web', 'db']);
  t.deepEqual(g.notify.master?.argv, ['/etc/hawser/edge.sh', 'master']);
  t.deepEqual(g.notify.any?.argv, ['/etc/hawser/edge-all.sh']);
  t.deepEqual(g.notify.fault, { pos: { file: 't.cfg', line: 10 }, argv: ['/etc/hawser/edge-fault.sh'] });
  t.is(vrrp!.routers.find((r) => r.name === 'other')!.syncGroup, undefined);
});

test('two members giving the group different commands for one state is an error; a group of one is warned about', (t) => {
  const bad = load(router('web', 51, ['sync-group edge notify-master /a.sh']) + router('db', 52, ['sync-group edge notify-master /b.sh']));
  t.is(bad.vrrp, undefined);
  t.deepEqual(bad.messages, [
    "HAWSER_CFG_DUPLICATE t.cfg:10: vrrp 'db': sync group 'edge' already has notify-master '/a.sh' (from vrrp 'web' at t.cfg:5); give the group's commands once",
  ]);
  const same = load(router('web', 51, ['sync-group edge notify-master /a.sh']) + router('db', 52, ['sync-group edge notify-master /a.sh']));
  t.deepEqual(same.messages, []);
  const alone = load(router('web', 51, ['sync-group edge']));
  t.deepEqual(alone.messages, ["HAWSER_CFG_INCOMPLETE t.cfg:1: warning: vrrp 'web': sync group 'edge' has no other member; a group of one changes nothing"]);
  const typo = load(router('web', 51, ['sync-group edge notify-masters /a.sh']) + router('db', 52, ['sync-group edge']));
  t.deepEqual(typo.messages, [
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:5: vrrp 'web': 'sync-group edge': unknown option 'notify-masters' (expected notify-master, notify-backup, notify-fault, notify-stop or notify)",
  ]);
});

test("keepalived's rule in a group: weighted tracking becomes Fault-only or is ignored, with a warning", (t) => {
  const { vrrp, messages } = load(
    router('web', 51, [
      'sync-group edge',
      'track-interface eth1 weight -20',
      'track-script "/bin/check --fast" weight -30',
      'track-script /bin/alive',
      'track-file /run/w1',
      'track-file /run/w2 weight 5',
      'track-file /run/w3 weight 0',
    ]) + router('db', 52, ['sync-group edge']),
  );
  t.deepEqual(messages, [
    "HAWSER_CFG_IGNORED t.cfg:6: warning: vrrp 'web': track-interface eth1 weight -20 is treated as weight 0 (Fault while it fails): vrrp 'web' is in sync group 'edge'",
    "HAWSER_CFG_IGNORED t.cfg:7: warning: vrrp 'web': track-script '/bin/check --fast' weight -30 is ignored: vrrp 'web' is in sync group 'edge' (use weight 0: Fault while it fails)",
    "HAWSER_CFG_IGNORED t.cfg:9: warning: vrrp 'web': track-file /run/w1 weight 1 is treated as weight 0 (Fault while it fails): vrrp 'web' is in sync group 'edge'",
    "HAWSER_CFG_IGNORED t.cfg:10: warning: vrrp 'web': track-file /run/w2 weight 5 is ignored: vrrp 'web' is in sync group 'edge' (use weight 0: Fault while it fails)",
  ]);
  const web = vrrp!.routers[0]!;
  t.deepEqual(
    web.tracks.map((x) => `${x.kind}:${x.kind === 'script' ? x.argv.join(' ') : x.kind === 'file' ? x.path : x.name}:${x.weight}`),
    ['interface:eth1:0', 'script:/bin/alive:0', 'file:/run/w1:0', 'file:/run/w3:0'],
  );
});

test('track-file weighs 1 by default, as keepalived; outside a group weights stay', (t) => {
  const { vrrp, messages } = load(router('web', 51, ['track-file /run/w', 'track-script /bin/check weight 10 interval 200ms rise 2 fall 3']));
  t.deepEqual(messages, []);
  t.like(vrrp!.routers[0]!.tracks[0], { kind: 'file', path: '/run/w', weight: 1 });
  t.like(vrrp!.routers[0]!.tracks[1], { kind: 'script', weight: 10, interval: 200, timeout: 200, rise: 2, fall: 3 });
});

test('the address owner (255) ignores weighted tracking, as keepalived', (t) => {
  const { vrrp, messages } = load(router('web', 51, ['priority 255', 'track-interface eth1 weight 10', 'track-interface eth2']));
  t.deepEqual(messages, [
    "HAWSER_CFG_IGNORED t.cfg:6: warning: vrrp 'web': track-interface eth1 weight 10 is ignored: this node owns the addresses (priority 255) (use weight 0: Fault while it fails)",
  ]);
  t.deepEqual(vrrp!.routers[0]!.tracks.map((x) => x.kind === 'interface' && x.name), ['eth2']);
});

function settingsOf(text: string): VrrpSettings {
  const r = parseConfigText(text, 't.cfg', { env: {}, localName: 'lb1' });
  return vrrpSettings(r.config!.vrrp.get('web')!, 'lb1').settings!;
}

test('reload: what a running router takes in place and what needs a restart; moved lines are no change', (t) => {
  const base = router('web', 51, ['priority lb1 150 lb2 100', 'advert-interval 100ms']);
  const a = settingsOf(base);
  t.deepEqual(settingsChanges(a, settingsOf('\n\n' + base)), { restart: [], update: [] });
  t.deepEqual(settingsChanges(a, settingsOf(base.replace('lb1 150', 'lb1 120'))), { restart: [], update: ['priority'] });
  t.deepEqual(settingsChanges(a, settingsOf(base.replace('lb2 100', 'lb2 90'))), { restart: [], update: [] }, "another node's priority");
  t.deepEqual(settingsChanges(a, settingsOf(base.replace('100ms', '200ms'))), { restart: [], update: ['advertInterval'] });
  t.deepEqual(settingsChanges(a, settingsOf(base.replace('10.99.0.51', '10.99.0.51 10.99.0.151'))), {
    restart: [],
    update: ['virtualAddresses', 'advertisedAddresses'],
  });
  t.deepEqual(settingsChanges(a, settingsOf(base + '  nopreempt\n  track-interface eth1\n')), { restart: [], update: ['preempt', 'tracks'] });
  t.deepEqual(settingsChanges(a, settingsOf(base.replace('virtual-router-id 51', 'virtual-router-id 52'))).restart, ['vrid']);
  t.deepEqual(settingsChanges(a, settingsOf(base + '  transport udp\n')).restart, ['transport']);
  t.deepEqual(settingsChanges(a, settingsOf(base + '  unicast-peer 10.99.0.12\n')).restart, ['unicast']);
});
