// The systemd watchdog: WATCHDOG=1 every WATCHDOG_USEC/2 while the event
// loop runs. The ping is sent from a timer on the loop itself, so a loop
// that is blocked (a runaway computation, a synchronous call that hangs)
// stops the pings and systemd restarts the service, which is the point.

import type { SystemdNotifier } from './notify.ts';

/** The ping interval in ms, or null when the watchdog is off or meant for another process. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  const forPid = env.WATCHDOG_PID;
  if (forPid !== undefined && forPid !== '' && Number(forPid) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

export class Watchdog {
  private timer: NodeJS.Timeout | null = null;
  private readonly notifier: SystemdNotifier;
  readonly intervalMs: number;

  constructor(notifier: SystemdNotifier, intervalMs: number) {
    this.notifier = notifier;
    this.intervalMs = intervalMs;
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.ping(), this.intervalMs);
    // The watchdog alone must not keep the process alive.
    this.timer.unref();
    this.ping();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private ping(): void {
    // A slow helper must not pile pings up; the next tick tries again.
    if (this.notifier.busy) return;
    this.notifier.send('WATCHDOG=1');
  }
}
