import test from 'ava';
import { evaluate, formatReport, splitBrain, type RequestRecord, type Transition } from '../../../src/drill/report.ts';
import { DEFAULT_THRESHOLDS } from '../../../src/drill/drill.ts';

const req = (c: string, t: number, s: number, srv = 'b1', node = 'node2', e = ''): RequestRecord => ({ c, t, d: t + 5, s, srv, node, e });

test('split brain counts only the time two nodes were master after `from`', (t) => {
  const tr: Transition[] = [
    { node: 'node2', at: 1000, to: 'Master' }, // node1 still master: two masters from 1000
    { node: 'node2', at: 1300, to: 'Backup' },
  ];
  const initial = new Map([['node1', 'Master'], ['node2', 'Backup']]);
  t.is(splitBrain(tr, 0, 5000, initial), 300);
  t.is(splitBrain(tr, 1200, 5000, initial), 100);
  t.is(splitBrain([{ node: 'node1', at: 10, to: 'Stopped' }, { node: 'node2', at: 400, to: 'Master' }], 0, 5000, initial), 0);
});

test('a scenario passes or fails on takeover, failures and sticky clients', (t) => {
  const records = [req('cookie-0', 900, 200, 'b1', 'node1'), req('steady', 1010, 0, '', '', 'ECONNREFUSED'), req('steady', 1200, 200), req('cookie-0', 1250, 200, 'b2')];
  const transitions: Transition[] = [{ node: 'node1', at: 1001, to: 'Stopped' }, { node: 'node2', at: 1150, to: 'Master' }];
  const initial = new Map([['node1', 'Master'], ['node2', 'Backup']]);
  const base = { name: 'kill', t0: 1000, tEnd: 3000, newMaster: 'node2', vipAt: 1160, records, transitions, splitFrom: 1000, peersLagMs: undefined, notes: [] };
  const r = evaluate({ ...base, failuresAllowed: true, takeoverLimitMs: 450 }, DEFAULT_THRESHOLDS, initial);
  t.is(r.firstOkMs, 205);
  t.is(r.advertMs, 150);
  t.deepEqual(r.failedBy, { ECONNREFUSED: 1 });
  t.is(r.stickyTotal, 1);
  t.is(r.stickyKept, 0, 'cookie-0 moved from b1 to b2');
  t.is(r.verdict, 'fail');
  t.true(r.why.some((w) => w.includes('sticky')));
  const strict = evaluate({ ...base, records: records.filter((x) => x.c === 'steady'), failuresAllowed: false, takeoverLimitMs: 100 }, DEFAULT_THRESHOLDS, initial);
  t.deepEqual(strict.why, ['takeover 205 ms > 100 ms', '1 failed requests > 0']);
  t.regex(formatReport([r, strict]), /drill: 2 of 2 scenarios FAILED/);
});

test('a graceful handover does not judge requests that went to the leaving master before the client reached the new one', (t) => {
  const records = [
    req('steady', 900, 200, 'b1', 'node1'),
    req('steady', 1003, 0, '', '', 'TIMEOUT'), // accepted by node1 as it stopped
    req('steady', 1090, 200, 'b2', 'node2'), // the client's first request through node2
    req('steady', 1120, 0, '', '', 'ECONNRESET'), // after the switch: judged
  ];
  const transitions: Transition[] = [{ node: 'node1', at: 1001, to: 'Stopped' }, { node: 'node2', at: 1066, to: 'Master' }];
  const initial = new Map([['node1', 'Master'], ['node2', 'Backup']]);
  const base = { name: 'graceful', t0: 1000, tEnd: 3000, newMaster: 'node2', vipAt: 1070, transitions, splitFrom: 1000, peersLagMs: undefined, notes: [], failuresAllowed: false, takeoverLimitMs: 200 };
  const r = evaluate({ ...base, records, inFlightExempt: true }, DEFAULT_THRESHOLDS, initial);
  t.is(r.failed, 2);
  t.is(r.failedInFlight, 1);
  t.deepEqual(r.why, ['1 failed requests > 0 (besides 1 in flight on the old master)']);
  const clean = evaluate({ ...base, records: records.slice(0, 3), inFlightExempt: true }, DEFAULT_THRESHOLDS, initial);
  t.is(clean.verdict, 'pass');
  t.regex(formatReport([clean]), /1 \(TIMEOUT:1; 1 in flight on the old master\)/);
  t.is(evaluate({ ...base, records: records.slice(0, 3) }, DEFAULT_THRESHOLDS, initial).verdict, 'fail', 'without the exemption every failure counts');
});

test('the rate limit must hold across a takeover: a new master that forgot the rate lets requests through', (t) => {
  const initial = new Map([['node1', 'Master'], ['node2', 'Backup']]);
  const transitions: Transition[] = [{ node: 'node1', at: 1001, to: 'Stopped' }, { node: 'node2', at: 1066, to: 'Master' }];
  // 20/s on /limited: denied for 5 s before the fault.
  const before = Array.from({ length: 100 }, (_, k) => req('limited', -4000 + k * 50, 429, '', 'node1'));
  const ok = req('steady', 1080, 200, 'b1', 'node2');
  const base = { name: 'kill', t0: 1000, tEnd: 3000, newMaster: 'node2', vipAt: 1070, transitions, splitFrom: 1000, peersLagMs: undefined, notes: [], failuresAllowed: true, takeoverLimitMs: 450 };
  // The new master knew the rate (shared table): still denied.
  const kept = Array.from({ length: 30 }, (_, k) => req('limited', 1100 + k * 50, 429, '', 'node2'));
  const r = evaluate({ ...base, records: [...before, ok, ...kept] }, DEFAULT_THRESHOLDS, initial);
  t.deepEqual(r.why, []);
  t.deepEqual(r.limited, { before: 100, beforeDenied: 100, after: 30, afterDenied: 30, allowedBefore: 0, allowedAfter: 0 });
  // It started counting from zero: the first ten went through.
  const forgot = kept.map((x, k) => (k < 10 ? { ...x, s: 200, srv: 'b1' } : x));
  const f = evaluate({ ...base, records: [...before, ok, ...forgot] }, DEFAULT_THRESHOLDS, initial);
  t.is(f.verdict, 'fail');
  t.deepEqual(f.why, ["the rate limit let 10 requests through after the takeover against 0 before: the new master did not know the client's rate"]);
  const none = evaluate({ ...base, records: [...before.map((x) => ({ ...x, s: 200 })), ok] }, DEFAULT_THRESHOLDS, initial);
  t.deepEqual(none.why, ['the rate limit denied nothing before the fault']);
});

test('the sticky verdict names the clients that moved', (t) => {
  const initial = new Map([['node1', 'Master'], ['node2', 'Backup']]);
  const records = [req('src-0', 900, 200, 'b1', 'node1'), req('src-1', 900, 200, 'b2', 'node1'), req('src-0', 1200, 200, 'b2'), req('src-1', 1200, 200, 'b2')];
  const r = evaluate(
    { name: 'kill', t0: 1000, tEnd: 3000, newMaster: 'node2', vipAt: 1100, records, transitions: [], splitFrom: 1000, peersLagMs: undefined, notes: [], failuresAllowed: true, takeoverLimitMs: undefined },
    DEFAULT_THRESHOLDS,
    initial,
  );
  t.deepEqual(r.stickyLost, ['src-0']);
  t.true(r.why.includes('sticky clients kept 1/2 < 100% (moved: src-0)'));
});
