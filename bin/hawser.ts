#!/usr/bin/env node
// The `hawser` command. Runs on Node 24 (TypeScript is stripped at load).
import { enableCompileCache } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Node's on-disk compile cache (the OS temporary directory, or NODE_COMPILE_CACHE):
// later starts, and each worker thread (see src/threads/pool.ts), skip most of
// stripping and compiling the sources. A read-only disk only loses the speed-up.
// The variable, not only the call: worker threads read it when they start.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'node-compile-cache');
enableCompileCache(process.env.NODE_COMPILE_CACHE);
const { main } = await import('../src/cli/main.ts');
const { prefixStderrForJournal } = await import('../src/log/index.ts');

// Under systemd, stderr lines carry journald priorities (`[ALERT]` -> err...).
prefixStderrForJournal();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Anything still holding the loop (sockets, timers) is over: leave now.
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`[ALERT]    (${process.pid}) : internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
