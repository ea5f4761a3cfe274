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
