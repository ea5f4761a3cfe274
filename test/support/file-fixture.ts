// One set of processes for all the tests of a file (a proxy, its servers, a
// reference haproxy), started by the first test that asks and stopped once
// the file is done: tests that only read what the processes do need not pay
// for their start each, nor load a shared machine with copies.

import test, { type ExecutionContext } from 'ava';

/**
 * `setup` runs once, with a context whose teardown functions run after the
 * file's last test (in reverse order).
 */
export function fileFixture<T>(setup: (scope: ExecutionContext) => Promise<T>): () => Promise<T> {
  const cleanups: Array<() => unknown> = [];
  const scope = { teardown: (fn: () => unknown) => cleanups.push(fn) } as unknown as ExecutionContext;
  test.after.always(async () => {
    for (const f of cleanups.reverse()) await f();
  });
  let shared: Promise<T> | undefined;
  return () => (shared ??= setup(scope));
}
