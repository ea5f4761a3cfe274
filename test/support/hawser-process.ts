// Starts the real `hawser` binary as a child process, the way an operator
// would, and waits until it reports that it is ready. Every process started
// here is killed when the test ends, pass or fail.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExecutionContext } from 'ava';

export const HAWSER_BIN = resolve(import.meta.dirname, '../../bin/hawser.ts');

// Children must not outlive their test worker, even when ava times it out
// and no teardown runs: kill them on the worker's exit or termination.
const children = new Set<ChildProcess>();
function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', killChildren);
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(sig, () => {
    killChildren();
    process.exit(1);
  });
}

export interface HawserProcess {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Parsed JSON event lines so far. */
  events: Array<Record<string, unknown>>;
  stderr: string[];
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  /** Wait for a stdout line matching `pred` (JSON events are parsed first). */
  waitFor(pred: (line: string, event?: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Write `text` as a config file in a fresh temp dir, removed at teardown. */
export function writeConfig(t: ExecutionContext, text: string, name = 'hawser.cfg'): string {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Run hawser with `args` and collect its output; killed at teardown. */
export function runHawser(t: ExecutionContext, args: string[], env: Record<string, string> = {}): HawserProcess {
  const child = spawn(process.execPath, [HAWSER_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const lines: string[] = [];
  const events: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  const waiters: Array<{ pred: (l: string, e?: Record<string, unknown>) => boolean; resolve: (l: string) => void }> = [];
  let outBuf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    outBuf += d;
    let nl: number;
    while ((nl = outBuf.indexOf('\n')) >= 0) {
      const line = outBuf.slice(0, nl);
      outBuf = outBuf.slice(nl + 1);
      lines.push(line);
      let ev: Record<string, unknown> | undefined;
      if (line.startsWith('{')) {
        try {
          ev = JSON.parse(line) as Record<string, unknown>;
          events.push(ev);
        } catch {
          ev = undefined;
        }
      }
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].pred(line, ev)) {
          waiters[i].resolve(line);
          waiters.splice(i, 1);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  let errBuf = '';
  child.stderr!.on('data', (d: string) => {
    errBuf += d;
    let nl: number;
    while ((nl = errBuf.indexOf('\n')) >= 0) {
      stderr.push(errBuf.slice(0, nl));
      errBuf = errBuf.slice(nl + 1);
    }
  });
  // 'exit' can come before the last stderr bytes are read: wait for the
  // pipes to drain too (bounded, in case a grandchild keeps them open).
  const drained = new Promise<void>((res) => {
    let open = 2;
    const one = (): void => {
      if (--open === 0) res();
    };
    child.stdout!.once('close', one);
    child.stderr!.once('close', one);
  });
  const exited = new Promise<number | string>((res) => {
    child.on('exit', (code, sig) => {
      const bound = setTimeout(() => res(code ?? sig ?? -1), 500);
      void drained.then(() => {
        clearTimeout(bound);
        res(code ?? sig ?? -1);
      });
    });
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const proc: HawserProcess = {
    child,
    lines,
    events,
    stderr,
    exited,
    waitFor(pred, timeoutMs = 10_000) {
      for (const l of lines) {
        let ev: Record<string, unknown> | undefined;
        try {
          ev = l.startsWith('{') ? (JSON.parse(l) as Record<string, unknown>) : undefined;
        } catch {
          ev = undefined;
        }
        if (pred(l, ev)) return Promise.resolve(l);
      }
      return new Promise<string>((res, rej) => {
        const timer = setTimeout(() => {
          rej(new Error(`timed out waiting for output; stdout:\n${lines.join('\n')}\nstderr:\n${stderr.join('\n')}`));
        }, timeoutMs);
        const w = {
          pred,
          resolve: (l: string) => {
            clearTimeout(timer);
            res(l);
          },
        };
        waiters.push(w);
        void exited.then((code) => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            clearTimeout(timer);
            rej(new Error(`hawser exited (${code}) before the expected output; stdout:\n${lines.join('\n')}\nstderr:\n${stderr.join('\n')}`));
          }
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return proc;
}

/** Start hawser on a config text and wait until it is ready to serve. */
export async function startHawser(t: ExecutionContext, cfg: string, extraArgs: string[] = []): Promise<HawserProcess> {
  const file = writeConfig(t, cfg);
  const p = runHawser(t, ['-f', file, ...extraArgs]);
  await p.waitFor((_l, e) => e?.event === 'ready');
  return p;
}
