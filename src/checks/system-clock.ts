// The real clock for the health scheduler: Node's timers, unref'd so that
// pending checks never keep a stopping process alive.

import type { Clock } from './health.ts';

export const systemClock: Clock = {
  setTimer(fn: () => void, ms: number): unknown {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimer(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
