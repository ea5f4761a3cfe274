// Processes inside a drill host's namespace (`ip netns exec NS ...` execs,
// so the child's PID is the program's own). Output is kept line by line with
// its arrival time (Date.now(), the clock every drill figure uses); JSON
// lines are parsed. Every process is killed on exit.

import { spawn, type ChildProcess } from 'node:child_process';
import type { Host } from './netns.ts';

export type Event = Record<string, unknown>;

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export class HostProcess {
  readonly child: ChildProcess;
  readonly host: Host;
  readonly lines: string[] = [];
  readonly events: Array<{ at: number; e: Event }> = [];
  readonly exited: Promise<number | string>;
  readonly #waiters: Array<{ pred: (e: Event) => boolean; done: (e: Event) => void }> = [];
  /** Called for each JSON line as it arrives. */
  onEvent: ((e: Event, at: number) => void) | undefined = undefined;
  /** Called for each line (JSON or not) as it arrives. */
  onLine: ((line: string, at: number) => void) | undefined = undefined;

  constructor(host: Host, argv: string[], env: Record<string, string> = {}) {
    this.host = host;
    this.child = spawn('ip', ['netns', 'exec', host.ns, ...argv], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    children.add(this.child);
    this.exited = new Promise((res) => this.child.on('exit', (code, sig) => res(code ?? sig ?? -1)));
    void this.exited.then(() => children.delete(this.child));
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          this.#line(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
    }
  }

  #line(line: string): void {
    const at = Date.now();
    if (this.lines.length < 10_000) this.lines.push(line);
    this.onLine?.(line, at);
    if (!line.startsWith('{')) return;
    let e: Event;
    try {
      e = JSON.parse(line) as Event;
    } catch {
      return;
    }
    this.events.push({ at, e });
    this.onEvent?.(e, at);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      if (this.#waiters[i]!.pred(e)) this.#waiters.splice(i, 1)[0]!.done(e);
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** The first event (past or future) matching; rejects after `timeoutMs` or when the process exits first. */
  waitFor(what: string, pred: (e: Event) => boolean, timeoutMs: number): Promise<Event> {
    for (const { e } of this.events) if (pred(e)) return Promise.resolve(e);
    return new Promise((res, rej) => {
      const w = {
        pred,
        done: (e: Event) => {
          clearTimeout(timer);
          res(e);
        },
      };
      const fail = (why: string): void => {
        const i = this.#waiters.indexOf(w);
        if (i < 0) return;
        this.#waiters.splice(i, 1);
        clearTimeout(timer);
        rej(new Error(`${this.host.name}: ${why} waiting for ${what}; last output:\n${this.lines.slice(-15).join('\n')}`));
      };
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      this.#waiters.push(w);
      void this.exited.then((code) => fail(`exited (${code})`));
    });
  }
}
