// Effective priority from tracked objects, by keepalived's rules.

import test from 'ava';
import { trackedPriority } from '../../../cluster/vrrp/index.ts';

test('nothing tracked, or everything fine: the configured priority', (t) => {
  t.deepEqual(trackedPriority(150, []), { priority: 150, fault: false, reason: undefined });
  t.deepEqual(trackedPriority(150, [{ label: 'backend app', weight: -60, ok: true }]), { priority: 150, fault: false, reason: undefined });
});

test('a negative weight applies while the object fails', (t) => {
  const r = trackedPriority(150, [{ label: 'backend app', weight: -60, ok: false }]);
  t.is(r.priority, 90);
  t.false(r.fault);
  t.is(r.reason, 'backend app (-60) failing');
});

test('a positive weight applies while the object is fine', (t) => {
  t.is(trackedPriority(100, [{ label: 'interface eth1', weight: 20, ok: true }]).priority, 120);
  const down = trackedPriority(100, [{ label: 'interface eth1', weight: 20, ok: false }]);
  t.is(down.priority, 100);
  t.is(down.reason, 'interface eth1 (no +20) failing');
});

test('weight 0 puts the router in Fault while the object fails', (t) => {
  const r = trackedPriority(150, [
    { label: 'interface eth0', weight: 0, ok: false },
    { label: 'backend app', weight: -10, ok: false },
  ]);
  t.true(r.fault);
  t.is(r.reason, 'interface eth0 failing');
});

test('the result stays within 1-254, and an address owner keeps 255', (t) => {
  t.is(trackedPriority(50, [{ label: 'b', weight: -100, ok: false }]).priority, 1);
  t.is(trackedPriority(250, [{ label: 'i', weight: 100, ok: true }]).priority, 254);
  t.is(trackedPriority(255, [{ label: 'b', weight: -60, ok: false }]).priority, 255);
  t.true(trackedPriority(255, [{ label: 'i', weight: 0, ok: false }]).fault);
});
