// A tracked script's status by keepalived's vrrp_script rules: the first
// result decides, then `rise` successes in a row to be OK and `fall`
// failures in a row to fail.

import test from 'ava';
import { ScriptResult } from '../../../cluster/vrrp/index.ts';

/** Feeds 1 (success) / 0 (failure) and returns the status after each. */
function run(rise: number, fall: number, results: string): string[] {
  const r = new ScriptResult(rise, fall);
  return [...results].map((c) => {
    r.record(c === '1');
    return r.status;
  });
}

test('unknown until the first result, which decides at once whatever rise and fall are', (t) => {
  t.is(new ScriptResult(3, 3).status, 'unknown');
  t.deepEqual(run(3, 3, '1'), ['ok']);
  t.deepEqual(run(3, 3, '0'), ['failed']);
});

test('fall failures in a row to fail; a success in between starts the count again', (t) => {
  t.deepEqual(run(2, 3, '1000'), ['ok', 'ok', 'ok', 'failed']);
  t.deepEqual(run(2, 3, '1001000'), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'failed']);
});

test('rise successes in a row to recover; a failure in between starts the count again', (t) => {
  t.deepEqual(run(3, 1, '0111'), ['failed', 'failed', 'failed', 'ok']);
  t.deepEqual(run(3, 1, '011011'), ['failed', 'failed', 'failed', 'failed', 'failed', 'failed']);
  t.deepEqual(run(3, 1, '0110111'), ['failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'ok']);
});

test('rise 1 fall 1 follows every result; record() says when the status changed', (t) => {
  t.deepEqual(run(1, 1, '10100'), ['ok', 'failed', 'ok', 'failed', 'failed']);
  const r = new ScriptResult(1, 2);
  t.true(r.record(true));
  t.false(r.record(false));
  t.true(r.record(false));
  t.false(r.record(false));
});
