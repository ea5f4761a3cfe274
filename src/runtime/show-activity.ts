// `show activity`: HAProxy's per-thread activity counters, in its layout
// (`name: total [ per-thread ]`), for the figures a Node process has: its
// context switches, the connections it accepted and how busy its event
// loop has been. One event loop per process, hence one thread column.

export interface ActivitySample {
  /** Wall clock, ms since the epoch. */
  now: number;
  /** Voluntary + involuntary context switches of the process. */
  ctxsw: number;
  /** Connections accepted by every frontend. */
  accepted: number;
  /** Time the event loop spent running code and idle, ms since start. */
  loopActiveMs: number;
  loopIdleMs: number;
}

export function showActivity(a: ActivitySample): string {
  const row = (name: string, v: number) => `${name}: ${v} [ ${v} ]\n`;
  const seconds = Math.floor(a.now / 1000);
  const usec = String(Math.floor((a.now % 1000) * 1000)).padStart(6, '0');
  const total = a.loopActiveMs + a.loopIdleMs;
  return (
    'thread_id: 1 (1..1)\n' +
    `date_now: ${seconds}.${usec}\n` +
    row('ctxsw', a.ctxsw) +
    row('accepted', a.accepted) +
    row('loop_busy_ms', Math.round(a.loopActiveMs)) +
    row('loop_busy_pct', total > 0 ? Math.round((100 * a.loopActiveMs) / total) : 0)
  );
}
