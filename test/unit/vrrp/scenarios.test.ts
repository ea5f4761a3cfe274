// Two and three routers on a simulated LAN with a fake clock: real state
// machines, adverts encoded, wrapped in an IPv4 header, decoded and checked
// by the real codec. Takeover times are asserted against the RFC formulas,
// the figures the lab tests and the bench will measure for real.

import test from 'ava';
import { VrrpDropCode } from '../../../cluster/vrrp/index.ts';
import { SimulatedLan, type NodeOptions } from './simulated-lan.ts';

const A = '10.99.0.11';
const B = '10.99.0.12';
const C = '10.99.0.13';

function lan(nodes: Record<string, NodeOptions>) {
  const l = new SimulatedLan();
  const n = Object.fromEntries(Object.entries(nodes).map(([name, o]) => [name, l.node(name, o)]));
  return { l, n };
}

/** The Master_Down_Interval of a v3 router of `priority` hearing adverts every `interval` ms. */
const mdi = (priority: number, interval: number): number => 3 * interval + ((256 - priority) * interval) / 256;
const skew = (priority: number, interval: number): number => ((256 - priority) * interval) / 256;

test('two nodes elect the higher priority; the backup follows it', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100 }, lb2: { address: B, priority: 100, advertInterval: 100 } });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(5000);
  t.is(n.lb1!.state, 'Master');
  t.is(n.lb2!.state, 'Backup');
  t.deepEqual(l.owners(), ['lb1']);
  t.is(n.lb1!.becameAt('Master'), mdi(150, 100)); // 341.40625: nobody was master, the higher priority's timer runs out first
  t.is(n.lb2!.machine.masterAddress, A);
  t.deepEqual(n.lb2!.drops, []);
  t.true(n.lb1!.drops.every((d) => d === VrrpDropCode.OTHER_VRID)); // nothing from lb2: backups are silent
});

test('kill the master: the backup takes over Master_Down_Interval after the last advert (100 ms, priority 100: 360.9375 ms)', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100 }, lb2: { address: B, priority: 100, advertInterval: 100 } });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(2050);
  n.lb1!.kill();
  const last = n.lb1!.lastSentAt()!;
  l.runUntil(5000);
  t.is(mdi(100, 100), 300 + 60.9375);
  t.is(n.lb2!.becameAt('Master'), last + 360.9375);
  t.true(n.lb2!.becameAt('Master')! - 2050 <= 410, 'within the 410 ms target after the kill');
  t.like(n.lb2!.transitions.at(-1), { reason: 'master-silent' });
  t.deepEqual(l.owners(), ['lb2']);
});

test('graceful stop: priority 0, the backup takes over after Skew_Time (60.9375 ms)', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100 }, lb2: { address: B, priority: 100, advertInterval: 100 } });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(2050);
  n.lb1!.stop();
  t.false(n.lb1!.ownsVips);
  l.runUntil(5000);
  t.is(n.lb2!.becameAt('Master'), 2050 + 60.9375);
  t.like(n.lb2!.transitions.at(-1), { reason: 'master-stopped' });
  t.deepEqual(l.owners(), ['lb2']);
});

test('three nodes: killing the master hands over to the next priority; the third stays backup', (t) => {
  const { l, n } = lan({
    a: { address: A, priority: 150, advertInterval: 100 },
    b: { address: B, priority: 120, advertInterval: 100 },
    c: { address: C, priority: 100, advertInterval: 100 },
  });
  for (const x of Object.values(n)) x.start();
  l.runUntil(1000);
  t.deepEqual(l.owners(), ['a']);
  n.a!.kill();
  const last = n.a!.lastSentAt()!;
  l.runUntil(4000);
  t.is(n.b!.becameAt('Master'), last + mdi(120, 100)); // 353.125: b's skew is shorter than c's
  t.is(n.c!.state, 'Backup');
  t.is(n.c!.becameAt('Master'), undefined);
  t.is(n.c!.machine.masterAddress, B);
  t.deepEqual(l.owners(), ['b']);
});

test('three nodes, graceful stop: the next priority takes over after its Skew_Time, the third follows it', (t) => {
  const { l, n } = lan({
    a: { address: A, priority: 150, advertInterval: 100 },
    b: { address: B, priority: 120, advertInterval: 100 },
    c: { address: C, priority: 100, advertInterval: 100 },
  });
  for (const x of Object.values(n)) x.start();
  l.runUntil(1000);
  n.a!.stop();
  l.runUntil(4000);
  t.is(n.b!.becameAt('Master'), 1000 + skew(120, 100)); // 53.125 < c's 60.9375
  t.is(n.c!.state, 'Backup');
  t.deepEqual(l.owners(), ['b']);
});

test('preempt: the higher priority returns and takes the VIP back after its own Master_Down_Interval', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100 }, lb2: { address: B, priority: 100, advertInterval: 100 } });
  n.lb2!.start();
  l.runUntil(1000);
  t.deepEqual(l.owners(), ['lb2']);
  n.lb1!.start(); // returns at 1000 while lb2 is master
  l.runUntil(3000);
  t.is(n.lb1!.becameAt('Master'), 1000 + mdi(150, 100));
  t.like(n.lb1!.transitions.at(-1), { reason: 'preempt' });
  t.is(n.lb2!.becameAt('Backup'), 1000 + mdi(150, 100), 'lb2 yields on hearing the first higher advert');
  t.like(n.lb2!.transitions.at(-1), { reason: 'higher-priority' });
  t.deepEqual(l.owners(), ['lb1']);
});

test('nopreempt: the returning higher priority stays backup until the master fails', (t) => {
  const { l, n } = lan({
    lb1: { address: A, priority: 150, advertInterval: 100, preempt: false },
    lb2: { address: B, priority: 100, advertInterval: 100, preempt: false },
  });
  n.lb2!.start();
  l.runUntil(1000);
  n.lb1!.start();
  l.runUntil(10_000);
  t.is(n.lb1!.state, 'Backup');
  t.deepEqual(l.owners(), ['lb2']);
  n.lb2!.kill();
  const last = n.lb2!.lastSentAt()!;
  l.runUntil(12_000);
  t.is(n.lb1!.becameAt('Master'), last + mdi(150, 100));
  t.deepEqual(l.owners(), ['lb1']);
});

test('preempt-delay: the returning higher priority waits, then preempts', (t) => {
  const { l, n } = lan({
    lb1: { address: A, priority: 150, advertInterval: 100, preemptDelay: 2000 },
    lb2: { address: B, priority: 100, advertInterval: 100 },
  });
  n.lb2!.start();
  l.runUntil(1000);
  const started = l.now;
  n.lb1!.start();
  l.runUntil(6000);
  // lb2 advertises every 100 ms from its takeover at 360.9375 on; lb1 accepts those before 1000 + 2000.
  const acceptedUntil = n.lb2!.sent.filter((s) => s.at < started + 2000).at(-1)!.at;
  t.is(n.lb1!.becameAt('Master'), acceptedUntil + mdi(150, 100));
  t.true(n.lb1!.becameAt('Master')! > started + 2000);
  t.deepEqual(l.owners(), ['lb1']);
});

test('equal priorities started together: the higher address wins the tie and keeps the VIP', (t) => {
  const { l, n } = lan({ low: { address: A, priority: 100, advertInterval: 100 }, high: { address: B, priority: 100, advertInterval: 100 } });
  n.low!.start();
  n.high!.start();
  l.runUntil(3000);
  t.is(n.high!.state, 'Master');
  t.is(n.low!.state, 'Backup');
  t.like(n.low!.transitions.at(-1), { reason: 'tie-break' });
  t.deepEqual(l.owners(), ['high']);
});

test('VRRPv2, 1 s adverts: a killed master is replaced 3609.375 ms after its last advert (keepalived measured 3.58 s)', (t) => {
  const { l, n } = lan({
    lb1: { address: A, priority: 150, version: 2, advertInterval: 1000 },
    lb2: { address: B, priority: 100, version: 2, advertInterval: 1000 },
  });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(10_000);
  t.deepEqual(l.owners(), ['lb1']);
  n.lb1!.kill();
  const last = n.lb1!.lastSentAt()!;
  l.runUntil(20_000);
  t.is(n.lb2!.becameAt('Master'), last + 3000 + 609.375);
});

test('v3 backup with a slower own interval learns the master\'s 100 ms and still takes over in 360.9375 ms', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100 }, lb2: { address: B, priority: 100, advertInterval: 1000 } });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(3000);
  t.true(n.lb2!.notes.includes('interval-mismatch'));
  n.lb1!.kill();
  const last = n.lb1!.lastSentAt()!;
  l.runUntil(6000);
  t.is(n.lb2!.becameAt('Master'), last + 360.9375);
});

test('tracking: a master whose effective priority falls below the backup\'s is preempted', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100 }, lb2: { address: B, priority: 100, advertInterval: 100 } });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(1050);
  n.lb1!.handle({ kind: 'tracking', priority: 90, fault: false, reason: 'backend app has no server up' }); // weight -60
  l.runUntil(3000);
  const lastAccepted = n.lb1!.sent.filter((s) => s.priority === 150).at(-1)!.at;
  t.is(n.lb2!.becameAt('Master'), lastAccepted + mdi(100, 100));
  t.is(n.lb1!.state, 'Backup');
  t.deepEqual(l.owners(), ['lb2']);
});

test('a tracked fault on the master: priority 0, the backup takes over after Skew_Time', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100 }, lb2: { address: B, priority: 100, advertInterval: 100 } });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(1050);
  n.lb1!.handle({ kind: 'tracking', priority: 150, fault: true, reason: 'interface eth0 is down' });
  l.runUntil(3000);
  t.is(n.lb2!.becameAt('Master'), 1050 + skew(100, 100));
  t.is(n.lb1!.state, 'Fault');
  t.deepEqual(l.owners(), ['lb2']);
  n.lb1!.handle({ kind: 'tracking', priority: 150, fault: false });
  l.runUntil(6000);
  t.deepEqual(l.owners(), ['lb1'], 'after recovery the higher priority preempts again');
});

test('checksum setting: nodes that disagree about the v3 pseudo-header drop each other\'s adverts as bad checksums', (t) => {
  const { l, n } = lan({
    lb1: { address: A, priority: 150, advertInterval: 100, pseudoHeader: false },
    lb2: { address: B, priority: 100, advertInterval: 100 },
  });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(2000);
  t.deepEqual(l.owners().sort(), ['lb1', 'lb2'], 'split brain: each thinks the other is silent');
  t.true(n.lb2!.drops.includes(VrrpDropCode.BAD_CHECKSUM));
  t.true(n.lb1!.drops.includes(VrrpDropCode.BAD_CHECKSUM));
});

test('latency on the wire does not break the election or the formula (takeover counts from the last arrival)', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100 }, lb2: { address: B, priority: 100, advertInterval: 100 } });
  l.latency = 0.25;
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(2000);
  n.lb1!.kill();
  const last = n.lb1!.lastSentAt()!;
  l.runUntil(4000);
  t.is(n.lb2!.becameAt('Master'), last + 0.25 + 360.9375);
});

test('another VRID on the same link is ignored', (t) => {
  const { l, n } = lan({ lb1: { address: A, priority: 150, advertInterval: 100, vrid: 52 }, lb2: { address: B, priority: 100, advertInterval: 100 } });
  n.lb1!.start();
  n.lb2!.start();
  l.runUntil(2000);
  t.is(n.lb2!.state, 'Master'); // alone in VRID 51
  t.true(n.lb2!.drops.every((d) => d === VrrpDropCode.OTHER_VRID));
  t.true(n.lb2!.drops.length > 0);
});
