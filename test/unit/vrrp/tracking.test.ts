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

test('a script with no result yet counts neither way, whatever its weight', (t) => {
  t.deepEqual(trackedPriority(100, [{ label: "script 'c'", weight: 0, ok: undefined }]), { priority: 100, fault: false, reason: undefined });
  t.is(trackedPriority(100, [{ label: "script 'c'", weight: 20, ok: undefined }]).priority, 100);
  t.is(trackedPriority(100, [{ label: "script 'c'", weight: -20, ok: undefined }]).priority, 100);
});

test('a tracked file: its value times the weight is added; at -254 or below, Fault', (t) => {
  const file = (value: number, weight: number) => ({ label: 'file /run/w', weight, value });
  t.deepEqual(trackedPriority(100, [file(0, 1)]), { priority: 100, fault: false, reason: undefined });
  t.deepEqual(trackedPriority(100, [file(-30, 1)]), { priority: 70, fault: false, reason: 'file /run/w = -30 (-30)' });
  t.is(trackedPriority(100, [file(3, 10)]).priority, 130);
  t.is(trackedPriority(100, [file(-3, 10)]).priority, 70);
  t.is(trackedPriority(100, [file(1000, 1)]).priority, 254, 'capped at 253 added, then at 254');
  t.is(trackedPriority(100, [file(-253, 1)]).priority, 1);
  t.false(trackedPriority(100, [file(-253, 1)]).fault);
  const f = trackedPriority(100, [file(-254, 1)]);
  t.true(f.fault);
  t.is(f.reason, 'file /run/w (-254 x 1) failing');
  t.true(trackedPriority(100, [file(-26, 10)]).fault);
});

test('a tracked file with weight 0: any value but 0 is a Fault', (t) => {
  t.false(trackedPriority(100, [{ label: 'file /run/w', weight: 0, value: 0 }]).fault);
  t.true(trackedPriority(100, [{ label: 'file /run/w', weight: 0, value: 1 }]).fault);
  t.true(trackedPriority(100, [{ label: 'file /run/w', weight: 0, value: -5 }]).fault);
});
