// A live count (current sessions of a server, a backend, a frontend or the
// process) that `nbthread` workers can share. Alone it is a plain number;
// once `share`d it lives in one cell of a SharedArrayBuffer that every
// thread updates with Atomics, so a maxconn check and the slot it grants
// are one step across threads (HAProxy's threads share these counters the
// same way). Pure: no I/O.

/** How many times a contended compare-and-swap is retried before giving up the slot (never reached in practice). */
const CAS_TRIES = 10_000;

export class LiveCount {
  #cells: Int32Array | null = null;
  #slot = 0;
  #own = 0;

  get value(): number {
    return this.#cells === null ? this.#own : Atomics.load(this.#cells, this.#slot);
  }

  set value(v: number) {
    if (this.#cells === null) this.#own = v;
    else Atomics.store(this.#cells, this.#slot, v);
  }

  get shared(): boolean {
    return this.#cells !== null;
  }

  /** The cell it is shared in (-1 when not shared). */
  get slot(): number {
    return this.#cells === null ? -1 : this.#slot;
  }

  /** Adds `d`; returns the new value. */
  add(d: number): number {
    if (this.#cells === null) return (this.#own += d);
    return Atomics.add(this.#cells, this.#slot, d) + d;
  }

  /** One more unless `max` (> 0) is reached: true when taken. */
  tryTake(max: number): boolean {
    const cells = this.#cells;
    if (cells === null) {
      if (max > 0 && this.#own >= max) return false;
      this.#own++;
      return true;
    }
    if (max <= 0) {
      Atomics.add(cells, this.#slot, 1);
      return true;
    }
    for (let i = 0; i < CAS_TRIES; i++) {
      const cur = Atomics.load(cells, this.#slot);
      if (cur >= max) return false;
      if (Atomics.compareExchange(cells, this.#slot, cur, cur + 1) === cur) return true;
    }
    return false;
  }

  /**
   * Moves the count into `cells[slot]`, which every thread's twin of this
   * object shares: what this thread counted so far is added there, so the
   * sessions already running give their slot back to the right place.
   * A count already shared stays where it is.
   */
  share(cells: Int32Array, slot: number): void {
    if (this.#cells !== null) return;
    Atomics.add(cells, slot, this.#own);
    this.#cells = cells;
    this.#slot = slot;
    this.#own = 0;
  }
}
