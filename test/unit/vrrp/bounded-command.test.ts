// The runner behind track-script and notify: real child processes, the
// outcome each way a command can end, and a script that ended in time
// while the event loop was busy is not called timed out.

import test from 'ava';
import { runBounded, type CommandOutcome } from '../../../cluster/vrrp/index.ts';

const outcome = (argv: string[], timeoutMs: number, busyMs = 0): Promise<CommandOutcome> =>
  new Promise((resolve) => {
    runBounded(argv, timeoutMs, resolve);
    // Hold the loop, as a start-up or a reload does, past the deadline.
    const until = performance.now() + busyMs;
    while (performance.now() < until);
  });

test('exit codes, a signal, a command that cannot start', async (t) => {
  t.deepEqual(await outcome(['true'], 2000), { kind: 'exit', code: 0 });
  t.deepEqual(await outcome(['sh', '-c', 'exit 3'], 2000), { kind: 'exit', code: 3 });
  t.deepEqual(await outcome(['sh', '-c', 'kill -USR1 $$'], 2000), { kind: 'signal', signal: 'SIGUSR1' });
  t.like(await outcome(['/nonexistent/check'], 2000), { kind: 'error' });
});

test('past its deadline a command is killed and counts as a timeout', async (t) => {
  const started = performance.now();
  t.deepEqual(await outcome(['sleep', '30'], 100), { kind: 'timeout' });
  t.true(performance.now() - started < 5000);
});

test('a command that ended in time while the loop was busy past the deadline keeps its exit code', async (t) => {
  // `true` ends within milliseconds; the loop is held 300 ms, so the
  // deadline (50 ms) and the exit are both due when it turns again.
  t.deepEqual(await outcome(['true'], 50, 300), { kind: 'exit', code: 0 });
  t.deepEqual(await outcome(['sh', '-c', 'exit 4'], 50, 300), { kind: 'exit', code: 4 });
});
