// Sync groups on a simulated LAN: two nodes, each with two virtual routers
// (VRID 51 "web" and 52 "db") grouped as keepalived's vrrp_sync_group.
// Real state machines and the real codec; the group routes each member's
// actions as the adapter (group-runner.ts) does.

import test from 'ava';
import { VrrpSyncGroup } from '../../../cluster/vrrp/index.ts';
import { SimulatedLan, type SimNode } from './simulated-lan.ts';

const A = '10.99.0.11';
const B = '10.99.0.12';
const INTERVAL = 100;
const skew = (priority: number): number => ((256 - priority) * INTERVAL) / 256;
const mdi = (priority: number): number => 3 * INTERVAL + skew(priority);

interface Node {
  web: SimNode;
  db: SimNode;
  group: VrrpSyncGroup | undefined;
}

function node(lan: SimulatedLan, name: string, address: string, priorities: { web: number; db: number }, synced: boolean): Node {
  const web = lan.node(`${name}-web`, { address, priority: priorities.web, advertInterval: INTERVAL, vrid: 51, vips: ['10.99.0.100'], syncGroup: synced });
  const db = lan.node(`${name}-db`, { address, priority: priorities.db, advertInterval: INTERVAL, vrid: 52, vips: ['10.99.0.101'], syncGroup: synced });
  if (!synced) return { web, db, group: undefined };
  const group = new VrrpSyncGroup(`${name}-edge`, [web.name, db.name]);
  const members = new Map([web, db].map((n) => [n.name, n]));
  for (const n of [web, db]) {
    group.attach(n.name, n.machine);
    n.afterHandle = (actions) => {
      for (const next of group.follow(n.name, actions)) members.get(next.member)!.apply(next.actions);
    };
  }
  return { web, db, group };
}

function twoNodes(synced: boolean, a = { web: 150, db: 150 }, b = { web: 100, db: 100 }) {
  const lan = new SimulatedLan();
  const na = node(lan, 'a', A, a, synced);
  const nb = node(lan, 'b', B, b, synced);
  for (const n of [na.web, na.db, nb.web, nb.db]) n.start();
  return { lan, a: na, b: nb };
}

const states = (n: Node): string => `${n.web.state}/${n.db.state}`;

test('both members elect the same node; the group is Master there and Backup on the other', (t) => {
  const { lan, a, b } = twoNodes(true);
  lan.runUntil(3000);
  t.is(states(a), 'Master/Master');
  t.is(states(b), 'Backup/Backup');
  t.is(a.group!.state, 'Master');
  t.is(b.group!.state, 'Backup');
  // Both timers ran out together (equal priorities); each member kept its own reason.
  t.deepEqual(a.web.transitions.map((x) => `${x.to}:${x.reason}`), ['Backup:startup', 'Master:master-silent']);
  t.deepEqual(a.db.transitions.map((x) => `${x.to}:${x.reason}`), ['Backup:startup', 'Master:master-silent']);
});

test('a member in Fault takes the whole group to Fault; the other node takes both after Skew_Time, and the group comes back together', (t) => {
  const { lan, a, b } = twoNodes(true);
  lan.runUntil(2000);
  a.web.handle({ kind: 'tracking', priority: 150, fault: true, reason: 'script check failing' });
  t.is(states(a), 'Fault/Fault');
  t.is(a.group!.state, 'Fault');
  t.like(a.db.transitions.at(-1), { from: 'Master', to: 'Fault', reason: 'sync-group' });
  t.deepEqual(a.db.sent.at(-1), { at: 2000, priority: 0 }, 'the follower sent priority 0 too');
  lan.runUntil(2000 + skew(100) + 1);
  t.is(states(b), 'Master/Master');
  t.is(b.web.becameAt('Master'), 2000 + skew(100));
  t.is(b.db.becameAt('Master'), 2000 + skew(100));
  t.deepEqual(lan.owners().sort(), ['b-db', 'b-web']);

  // The other member's own tracking is fine, but it stays in Fault while web's is not.
  lan.runUntil(3000);
  t.is(states(a), 'Fault/Fault');
  a.web.handle({ kind: 'tracking', priority: 150, fault: false });
  t.is(states(a), 'Backup/Backup');
  t.like(a.db.transitions.at(-1), { from: 'Fault', to: 'Backup', reason: 'sync-group' });
  // Both hear lower-priority masters and preempt together once their timers run out.
  lan.runUntil(3000 + mdi(150) + 1);
  t.is(states(a), 'Master/Master');
  t.is(states(b), 'Backup/Backup');
  t.deepEqual(lan.owners().sort(), ['a-db', 'a-web']);
});

test('control: without a sync group, a fault moves only its own router', (t) => {
  const { lan, a, b } = twoNodes(false);
  lan.runUntil(2000);
  a.web.handle({ kind: 'tracking', priority: 150, fault: true });
  lan.runUntil(3000);
  t.is(states(a), 'Fault/Master');
  t.is(states(b), 'Master/Backup');
});

test('kill the master node: the other takes both members one Master_Down_Interval after the last advert', (t) => {
  const { lan, a, b } = twoNodes(true);
  lan.runUntil(2050);
  a.web.kill();
  a.db.kill();
  const last = Math.max(a.web.lastSentAt()!, a.db.lastSentAt()!);
  lan.runUntil(4000);
  t.is(states(b), 'Master/Master');
  t.is(b.web.becameAt('Master'), last + mdi(100));
  t.is(b.db.becameAt('Master'), last + mdi(100));
});

test('one member beaten by a higher priority takes its group to Backup, and the other node takes the whole group', (t) => {
  const lan = new SimulatedLan();
  const a = node(lan, 'a', A, { web: 150, db: 150 }, true);
  // b owns web's address (255): it goes Master at start, without waiting for anyone.
  const b = node(lan, 'b', B, { web: 255, db: 100 }, true);
  for (const n of [a.web, a.db, b.db]) n.start();
  lan.runUntil(2000);
  t.is(states(a), 'Master/Master');
  b.web.start();
  t.is(b.web.state, 'Master');
  lan.runUntil(2000 + skew(100) + 1);
  t.like(a.web.transitions.at(-1), { at: 2000, from: 'Master', to: 'Backup', reason: 'higher-priority' });
  t.like(a.db.transitions.at(-1), { at: 2000, from: 'Master', to: 'Backup', reason: 'sync-group' });
  t.deepEqual(a.db.sent.at(-1), { at: 2000, priority: 0 });
  t.is(states(b), 'Master/Master', 'b took db after its Skew_Time, with web');
  t.is(b.db.becameAt('Master'), 2000 + skew(100));
  t.is(states(a), 'Backup/Backup');
  // a's db out-ranks b's and wants to preempt, but its group does not all want Master: it waits, no flapping.
  lan.runUntil(10_000);
  t.is(states(a), 'Backup/Backup');
  t.is(a.db.transitions.length, 3);
  t.true(a.db.machine.wantsMaster, 'a-db waits for its group');
  t.false(a.web.machine.wantsMaster);
  t.is(a.group!.state, 'Backup');
});

test('members never split across nodes: a member out-ranked on the other node does not take it alone', (t) => {
  // keepalived's reason to ignore weights in a group: b's web is better, b's db is worse; nobody moves.
  const { lan, a, b } = twoNodes(true);
  lan.runUntil(2000);
  b.web.handle({ kind: 'reconfigure', settings: { priority: 200, advertInterval: INTERVAL, preempt: true, preemptDelay: 0, garp: { masterDelay: 0, masterRepeat: 1, masterRefresh: 0 }, inSyncGroup: true } });
  b.web.handle({ kind: 'tracking', priority: 200, fault: false });
  lan.runUntil(10_000);
  t.is(states(a), 'Master/Master');
  t.is(states(b), 'Backup/Backup');
  t.true(b.web.machine.wantsMaster);
  t.is(b.web.transitions.length, 1);
});

test('the group as a whole: undefined until every member runs', (t) => {
  const lan = new SimulatedLan();
  const a = node(lan, 'a', A, { web: 150, db: 150 }, true);
  t.is(a.group!.state, undefined);
  a.web.start();
  t.is(a.group!.state, undefined);
  a.db.start();
  t.is(a.group!.state, 'Backup');
  // A member alone cannot go Master while the other has not started.
  const lone = new SimulatedLan();
  const b = node(lone, 'b', B, { web: 150, db: 150 }, true);
  b.web.start();
  lone.runUntil(5000);
  t.is(b.web.state, 'Backup');
  t.true(b.web.machine.wantsMaster);
  b.db.start();
  lone.runUntil(5000 + mdi(150) + 1);
  t.is(states(b), 'Master/Master');
});
