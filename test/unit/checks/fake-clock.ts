// Test helper: a clock whose time moves only when the test says, for the
// health scheduler. `advance` fires due timers in order and lets promise
// callbacks (the injected check runner's results) settle between them.

import type { Clock } from '../../../src/checks/health.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers = new Set<Timer>();
  /** Every delay asked for, in order (to assert inter / fastinter / downinter). */
  readonly delays: number[] = [];

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const timer = { at: this.t + ms, seq: this.seq++, fn };
    this.delays.push(ms);
    this.timers.add(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as Timer);
  }

  get pending(): number {
    return this.timers.size;
  }

  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    await settle();
    for (let guard = 0; guard < 100_000; guard++) {
      let next: Timer | undefined;
      for (const x of this.timers) if (x.at <= until && (!next || x.at < next.at || (x.at === next.at && x.seq < next.seq))) next = x;
      if (!next) break;
      this.timers.delete(next);
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = until;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
