#!/usr/bin/env node
// The `hawser` command. Runs on Node 24 (TypeScript is stripped at load).
import { main } from '../src/cli/main.ts';
import { prefixStderrForJournal } from '../src/log/index.ts';

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
