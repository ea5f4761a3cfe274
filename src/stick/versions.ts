// Versions that order writes across nodes without trusting wall clocks
// alone: a hybrid logical clock in microseconds. Each new version is above
// both the wall clock and every version seen so far, so a node whose clock
// lags still writes "after" what it has received.

export class VersionClock {
  #last = 0;
  readonly #wall: () => number;

  constructor(wallMs: () => number = Date.now) {
    this.#wall = wallMs;
  }

  next(): number {
    const w = this.#wall() * 1000;
    this.#last = w > this.#last ? w : this.#last + 1;
    return this.#last;
  }

  /** Takes a version received from a peer into account. */
  observe(v: number): void {
    if (v > this.#last) this.#last = v;
  }
}
