// Sliding-window frequency counters with HAProxy's semantics (freq_ctr.c):
// events are counted in the current period; the previous period's count is
// kept, and a read weighs it by the share of the window still covered by the
// previous period. Three slots in an entry's numeric array: the start of the
// current period (ms), the current count, the previous count. They live in
// a table's slab (Float64Array) or in a peer's share (number[]).

export type Slots = Float64Array | number[];

export const TICK = 0;
export const CURR = 1;
export const PREV = 2;

/** Moves the window forward to `now` (no-op inside the current period). */
function rotate(d: Slots, at: number, period: number, now: number): void {
  const elapsed = now - d[at + TICK]!;
  if (elapsed < period) return;
  if (elapsed < 2 * period) {
    d[at + PREV] = d[at + CURR]!;
    d[at + TICK] = d[at + TICK]! + period;
  } else {
    // Two periods or more without an event: nothing left of either.
    d[at + PREV] = 0;
    d[at + TICK] = now;
  }
  d[at + CURR] = 0;
}

/** Adds `n` events at `now`. */
export function freqAdd(d: Slots, at: number, period: number, now: number, n: number): void {
  if (d[at + TICK] === 0 && d[at + CURR] === 0 && d[at + PREV] === 0) d[at + TICK] = now;
  else rotate(d, at, period, now);
  d[at + CURR] = d[at + CURR]! + n;
}

/** The rate over the last `period` ms at `now`, HAProxy's read_freq_ctr_period(). */
export function freqRead(d: Slots, at: number, period: number, now: number): number {
  let curr = d[at + CURR]!;
  let prev = d[at + PREV]!;
  let elapsed = now - d[at + TICK]!;
  if (elapsed >= period) {
    prev = curr;
    curr = 0;
    elapsed -= period;
    if (elapsed >= period) prev = 0;
  }
  if (prev === 0) return curr;
  if (elapsed < 0) elapsed = 0;
  return curr + Math.floor((prev * (period - elapsed)) / period);
}

/** Clears the counter (a `clear table` or a `set table ... data.X_rate 0`). */
export function freqClear(d: Slots, at: number): void {
  d[at + TICK] = 0;
  d[at + CURR] = 0;
  d[at + PREV] = 0;
}

/**
 * A rate's start-of-period as an age, so that it can cross to a node whose
 * clock reads differently: `ticks` is the sender's, `age` is what travels.
 */
export function freqAge(d: Slots, at: number, now: number): number {
  return d[at + TICK] === 0 ? -1 : Math.max(0, now - d[at + TICK]!);
}

/** The inverse of freqAge on the receiving node. */
export function freqFromAge(age: number, now: number): number {
  return age < 0 ? 0 : now - age;
}
