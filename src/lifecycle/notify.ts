// The systemd notify protocol (sd_notify): tells the service manager when
// the node is ready, reloading or stopping, what it is doing (STATUS=), and
// that it is alive (WATCHDOG=1).
//
// How the datagram is sent: Node cannot open a unix datagram socket, so each
// message is handed to systemd's own client, `systemd-notify` (package
// systemd, present wherever systemd runs the service). It is started
// asynchronously, one at a time, in order; messages are rare (state changes
// and one watchdog ping per WATCHDOG_USEC/2), so a process per message costs
// nothing that matters and the event loop never waits on it.
// `--pid=<our pid>` adds MAINPID= and, run as root, sends the datagram with
// our PID as its credentials, so systemd attributes it to the main process
// even with NotifyAccess=main; once privileges are dropped the message comes
// from the helper, hence `NotifyAccess=all` in the unit. systemd-notify
// (v252+) waits on a BARRIER=1 until systemd has processed the message, so
// the helper cannot exit before systemd has seen who sent it.
// Paths and abstract sockets ('@name') are handled by systemd-notify itself.

import { spawn } from 'node:child_process';

/** Messages kept while a send is under way; watchdog pings are dropped first. */
const MAX_QUEUED = 32;

export type NotifySpawn = (args: string[], env: NodeJS.ProcessEnv) => Promise<void>;

export class SystemdNotifier {
  readonly socket: string;
  private readonly queue: string[][] = [];
  private sending = false;
  private readonly spawnNotify: NotifySpawn;
  private readonly onError: (err: Error) => void;
  private idleWaiters: Array<() => void> = [];

  /** Null when the process was not started with NOTIFY_SOCKET (not under systemd). */
  static fromEnv(env: NodeJS.ProcessEnv, onError: (err: Error) => void): SystemdNotifier | null {
    const socket = env.NOTIFY_SOCKET;
    if (socket === undefined || socket === '') return null;
    return new SystemdNotifier(socket, onError);
  }

  constructor(socket: string, onError: (err: Error) => void, spawnNotify: NotifySpawn = runSystemdNotify) {
    this.socket = socket;
    this.onError = onError;
    this.spawnNotify = spawnNotify;
  }

  /** Queue one datagram of `KEY=value` assignments (sent in order, never blocking). */
  send(...assignments: string[]): void {
    if (this.queue.length >= MAX_QUEUED) {
      const ping = this.queue.findIndex((m) => m.length === 1 && m[0] === 'WATCHDOG=1');
      if (ping < 0) return;
      this.queue.splice(ping, 1);
    }
    this.queue.push(assignments.map(oneLine));
    this.pump();
  }

  /** True while a message is queued or being sent (the watchdog skips a ping then). */
  get busy(): boolean {
    return this.sending || this.queue.length > 0;
  }

  /** Resolves once everything queued has been handed over (used before exiting). */
  flush(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    if (this.sending) return;
    const msg = this.queue.shift();
    if (msg === undefined) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
      return;
    }
    this.sending = true;
    const env = { ...process.env, NOTIFY_SOCKET: this.socket };
    this.spawnNotify([`--pid=${process.pid}`, ...msg], env)
      .catch((err: Error) => this.onError(err))
      .finally(() => {
        this.sending = false;
        this.pump();
      });
  }
}

/** STATUS= and friends are one line each: a newline would start a new assignment. */
function oneLine(a: string): string {
  return a.replace(/[\r\n]+/g, ' ');
}

function runSystemdNotify(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('systemd-notify', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      if (err.length < 500) err += d;
    });
    // systemd-notify waits at most 5 s on its barrier; never let one wedge the queue.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`HAWSER_NOTIFY_SPAWN systemd-notify: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`HAWSER_NOTIFY_FAILED systemd-notify ${args.join(' ')}: exit ${code} ${err.trim()}`));
    });
  });
}

/** CLOCK_MONOTONIC in µs, as RELOADING=1 wants it with MONOTONIC_USEC= (libuv's hrtime is that clock). */
export function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}
