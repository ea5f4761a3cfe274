// Runs an operator's command (track-script, notify) the way keepalived
// does: no shell, its own process group, and a deadline after which the
// whole group gets SIGTERM, then SIGKILL two seconds later. Nothing here
// waits: the outcome arrives through a callback, so a slow or stuck script
// never holds up adverts or a takeover.

import { spawn } from 'node:child_process';

export type CommandOutcome =
  | { kind: 'exit'; code: number }
  /** Killed by a signal we did not send. */
  | { kind: 'signal'; signal: string }
  /** Ran past its deadline and was killed. */
  | { kind: 'timeout' }
  /** Could not start (not found, not executable). */
  | { kind: 'error'; message: string };

export interface RunningCommand {
  /** Kills the command's process group at once (SIGKILL); its outcome still arrives. */
  kill(): void;
}

/** keepalived waits this long between SIGTERM and SIGKILL. */
const KILL_GRACE = 2000;

/** Starts `argv`; `done` is called exactly once. */
export function runBounded(argv: readonly string[], timeoutMs: number, done: (outcome: CommandOutcome) => void): RunningCommand {
  const [file, ...args] = argv;
  let finished = false;
  let timedOut = false;
  let deadline: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const finish = (o: CommandOutcome): void => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    clearTimeout(graceTimer);
    done(o);
  };
  if (file === undefined) {
    queueMicrotask(() => finish({ kind: 'error', message: 'empty command' }));
    return { kill: () => {} };
  }
  // detached: a process group of its own, so a timeout also ends what the script started.
  const child = spawn(file, args, { stdio: 'ignore', detached: true });
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the whole group is gone
    }
  };
  const expire = (): void => {
    if (finished) return;
    timedOut = true;
    signalGroup('SIGTERM');
    graceTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE);
  };
  // Timers run before the loop reads I/O: after a busy turn (start-up, a
  // reload) the deadline can fire while the exit of a script that ended in
  // time is still unread. setImmediate runs after that read, so such a
  // script keeps its own outcome.
  deadline = setTimeout(() => setImmediate(expire), timeoutMs);
  child.on('error', (err) => finish({ kind: 'error', message: err.message }));
  child.on('exit', (code, signal) => {
    if (timedOut) {
      // What the script started goes with it.
      signalGroup('SIGKILL');
      finish({ kind: 'timeout' });
    } else if (code !== null) finish({ kind: 'exit', code });
    else finish({ kind: 'signal', signal: signal ?? 'unknown' });
  });
  return {
    kill: () => {
      if (!finished) signalGroup('SIGKILL');
    },
  };
}

/** How logs say it. */
export function describeOutcome(o: CommandOutcome, timeoutMs: number): string {
  switch (o.kind) {
    case 'exit':
      return `exited with ${o.code}`;
    case 'signal':
      return `was killed by ${o.signal}`;
    case 'timeout':
      return `timed out after ${timeoutMs} ms and was killed`;
    case 'error':
      return `could not start: ${o.message}`;
  }
}
