// The resolution state machine and what it means for a server, driven by a
// clock the test moves: rounds every `timeout resolve`, retries every
// `timeout retry` up to `resolve_retries`, the family fallback, and the hold
// periods before a server goes to maintenance.

import test from 'ava';
import { Resolution, TYPE_A, TYPE_AAAA, verdict, type Holds } from '../../../src/dns/index.ts';

const TIMERS = { resolveRetries: 3, timeoutResolve: 1000, timeoutRetry: 200 };
const HOLDS: Holds = { valid: 10_000, nx: 3000, refused: 2000, timeout: 4000, other: 5000, obsolete: 0 };

test('a round starts at once, ends on the first valid answer, and the next one comes timeout resolve later', (t) => {
  const r = new Resolution('app.test', TYPE_A, TIMERS, 0);
  t.deepEqual(r.tick(0), { send: TYPE_A });
  t.deepEqual(r.answer(50, { kind: 'valid', addresses: ['10.0.0.1'] }, 2), { ended: true });
  t.is(r.status, 'valid');
  t.is(r.lastValid, 50);
  t.deepEqual(r.addresses, ['10.0.0.1']);
  t.is(r.nextWake(), 1050);
  t.deepEqual(r.tick(1049), {});
  t.deepEqual(r.tick(1050), { send: TYPE_A });
});

test('errors wait for every nameserver, then the other family is asked at once without using a try', (t) => {
  const r = new Resolution('app.test', TYPE_AAAA, TIMERS, 0);
  r.tick(0);
  t.deepEqual(r.answer(10, { kind: 'nx' }, 2), {}, 'one of two nameservers answered');
  t.deepEqual(r.answer(20, { kind: 'nx' }, 2), { send: TYPE_A });
  t.deepEqual(r.answer(30, { kind: 'valid', addresses: ['10.0.0.9'] }, 2), { ended: true });
  t.is(r.status, 'valid');
});

test('silence: resend every timeout retry, resolve_retries queries in all, then TIMEOUT', (t) => {
  const r = new Resolution('app.test', TYPE_A, TIMERS, 0);
  t.deepEqual(r.tick(0), { send: TYPE_A });
  t.deepEqual(r.tick(199), {});
  t.deepEqual(r.tick(200), { send: TYPE_A });
  t.deepEqual(r.tick(400), { send: TYPE_A });
  t.deepEqual(r.tick(600), { ended: true });
  t.is(r.status, 'timeout');
  t.is(r.lastValid, 0, 'never valid: the holds count from creation, as in HAProxy');
  t.is(r.nextWake(), 1600);
});

test('NX after the fallback: the tries are spent, then the round ends NX (not TIMEOUT)', (t) => {
  const r = new Resolution('gone.test', TYPE_A, { ...TIMERS, resolveRetries: 2 }, 0);
  r.tick(0);
  t.deepEqual(r.answer(1, { kind: 'nx' }, 1), { send: TYPE_AAAA });
  t.deepEqual(r.answer(2, { kind: 'nx' }, 1), {}, 'a try is left: wait for the retry');
  t.deepEqual(r.tick(202), { send: TYPE_A }, 'the retry goes back to the preferred type');
  t.deepEqual(r.answer(203, { kind: 'nx' }, 1), { send: TYPE_AAAA });
  t.deepEqual(r.answer(204, { kind: 'nx' }, 1), { ended: true });
  t.is(r.status, 'nx');
});

test('answers outside a round are ignored', (t) => {
  const r = new Resolution('app.test', TYPE_A, TIMERS, 0);
  t.deepEqual(r.answer(5, { kind: 'valid', addresses: ['10.0.0.1'] }, 1), {});
  t.is(r.status, 'none');
});

const server = (address: string, resolutionMaint = false) => ({ address, resolutionMaint });

test('verdict: a valid answer keeps an address still listed, else moves to the first one', (t) => {
  t.deepEqual(verdict('valid', ['10.0.0.1', '10.0.0.2'], 0, HOLDS, server('10.0.0.2'), 0), { kind: 'keep' });
  t.deepEqual(verdict('valid', ['10.0.0.3', '10.0.0.4'], 0, HOLDS, server('10.0.0.2'), 0), { kind: 'address', address: '10.0.0.3', leaveMaint: false });
  t.deepEqual(verdict('valid', ['10.0.0.3'], 0, HOLDS, server('', true), 0), { kind: 'address', address: '10.0.0.3', leaveMaint: true });
  t.deepEqual(verdict('valid', ['10.0.0.3'], 0, HOLDS, server('10.0.0.3', true), 0), { kind: 'ready' });
  t.deepEqual(verdict('valid', [], 0, HOLDS, server('10.0.0.3'), 0), { kind: 'maint', cause: 'No IP for server ' });
  t.deepEqual(verdict('none', [], 0, HOLDS, server('10.0.0.3'), 99_999), { kind: 'keep' });
});

test('verdict: each error status holds the last address for its own period after the last valid answer', (t) => {
  const lastValid = 1000;
  const cases = [
    ['nx', 3000, 'DNS NX status'],
    ['refused', 2000, 'DNS refused status'],
    ['timeout', 4000, 'DNS timeout status'],
    ['other', 5000, 'unspecified DNS error'],
  ] as const;
  for (const [status, hold, cause] of cases) {
    t.deepEqual(verdict(status, [], lastValid, HOLDS, server('10.0.0.1'), lastValid + hold - 1), { kind: 'keep' }, status);
    t.deepEqual(verdict(status, [], lastValid, HOLDS, server('10.0.0.1'), lastValid + hold), { kind: 'maint', cause }, status);
    t.deepEqual(verdict(status, [], lastValid, HOLDS, server('', true), lastValid + hold), { kind: 'keep' }, `${status}: already in maintenance`);
  }
});
