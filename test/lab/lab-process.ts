// Processes inside a lab host's namespace (`ip netns exec NS ...`, which
// execs, so the child's PID is the program's own): hawser nodes, keepalived,
// `ip monitor`. Output is collected line by line (JSON lines parsed) and can
// be awaited with a bound. Every process is killed at teardown and when the
// test worker exits.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExecutionContext } from 'ava';
import { run, type LabHost } from './netns.ts';

export const HAWSER_BIN = resolve(import.meta.dirname, '../../bin/hawser.ts');

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export type LabEvent = Record<string, unknown>;

export interface LabProcess {
  child: ChildProcess;
  /** stdout and stderr lines, in arrival order. */
  lines: string[];
  /** performance.now() when each line arrived. */
  times: number[];
  events: LabEvent[];
  exited: Promise<number | string>;
  /** Resolves with the first line (past or future) matching; rejects after `timeoutMs` or when the process exits first. */
  waitFor(what: string, pred: (line: string, event: LabEvent | undefined) => boolean, timeoutMs: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

export function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-lab-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFile(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function parse(line: string): LabEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as LabEvent;
  } catch {
    return undefined;
  }
}

/** Starts `argv` in `host`'s namespace. */
export function spawnIn(t: ExecutionContext, host: LabHost, argv: string[]): LabProcess {
  const child = spawn('ip', ['netns', 'exec', host.ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  const times: number[] = [];
  const events: LabEvent[] = [];
  const waiters: Array<{ pred: (l: string, e: LabEvent | undefined) => boolean; done: (l: string) => void }> = [];
  const onLine = (line: string): void => {
    lines.push(line);
    times.push(performance.now());
    const ev = parse(line);
    if (ev !== undefined) events.push(ev);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.pred(line, ev)) waiters.splice(i, 1)[0]!.done(line);
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
  }
  const exited = new Promise<number | string>((res) => child.on('exit', (code, sig) => res(code ?? sig ?? -1)));
  void exited.then(() => children.delete(child));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const tail = (): string => lines.slice(-30).join('\n');
  return {
    child,
    lines,
    times,
    events,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitFor(what, pred, timeoutMs) {
      for (const l of lines) if (pred(l, parse(l))) return Promise.resolve(l);
      return new Promise((res, rej) => {
        const w = {
          pred,
          done: (l: string) => {
            clearTimeout(timer);
            res(l);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          rej(new Error(`timed out after ${timeoutMs} ms waiting for ${what} in ${host.ns}; last output:\n${tail()}`));
        }, timeoutMs);
        waiters.push(w);
        void exited.then((code) => {
          const i = waiters.indexOf(w);
          if (i < 0) return;
          waiters.splice(i, 1);
          clearTimeout(timer);
          rej(new Error(`process in ${host.ns} exited (${code}) before ${what}; last output:\n${tail()}`));
        });
      });
    },
  };
}

/** A hawser node: `hawser -f CFG -L NAME` in `host`'s namespace, awaited until ready. */
export async function startHawser(t: ExecutionContext, host: LabHost, configFile: string, nodeName: string): Promise<LabProcess> {
  const p = spawnIn(t, host, [process.execPath, HAWSER_BIN, '-f', configFile, '-L', nodeName]);
  await p.waitFor('hawser ready', (_l, e) => e?.event === 'ready', 15_000);
  return p;
}

export function isTransition(e: LabEvent | undefined, to: string): boolean {
  return e?.event === 'vrrp-transition' && e.to === to;
}

/**
 * Watches a host's addresses with `ip monitor`; added() resolves with the
 * performance.now() at which the line saying `address` was added arrived.
 */
export async function watchAddressAdded(
  t: ExecutionContext,
  host: LabHost,
  address: string,
  family: 4 | 6 = 4,
): Promise<{ added: (timeoutMs: number) => Promise<number> }> {
  const mon = spawnIn(t, host, ['ip', `-${family}`, 'monitor', 'address']);
  // ip monitor prints nothing when it is ready: add probe addresses on lo
  // until it reports one (then it is subscribed), and remove them.
  const probes: string[] = [];
  for (let i = 1; ; i++) {
    const probe = family === 4 ? `127.77.0.${i}/32` : `fd77::${i}/128`;
    const added = await run('ip', ['netns', 'exec', host.ns, 'ip', 'address', 'add', probe, 'dev', 'lo']);
    if (added.code !== 0) throw new Error(`adding the probe ${probe} in ${host.ns}: ${added.stderr.trim()}`);
    probes.push(probe);
    const seen = await mon.waitFor('the monitor to subscribe', (l) => l.includes(` ${probe.split('/')[0]}/`), 100).then(
      () => true,
      () => false,
    );
    if (seen) break;
    if (i === 50) throw new Error(`ip monitor in ${host.ns} reported none of ${probes.length} probe addresses`);
  }
  for (const probe of probes) await run('ip', ['netns', 'exec', host.ns, 'ip', 'address', 'del', probe, 'dev', 'lo']);
  const want = ` ${address}/`;
  const isAdd = (l: string): boolean => !l.startsWith('Deleted') && l.includes(want);
  return {
    async added(timeoutMs) {
      const line = await mon.waitFor(`${address} added`, isAdd, timeoutMs);
      return mon.times[mon.lines.indexOf(line)]!;
    },
  };
}
