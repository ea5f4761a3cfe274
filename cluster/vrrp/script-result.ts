// The state of a tracked script from its successive results, by
// keepalived's vrrp_script rules: it starts unknown, and its first result
// decides at once; after that it takes `rise` consecutive successes to
// become OK and `fall` consecutive failures to become failed. Pure: the
// adapter (script-tracker.ts) runs the command and records each outcome.

export type ScriptStatus = 'unknown' | 'ok' | 'failed';

export class ScriptResult {
  readonly #rise: number;
  readonly #fall: number;
  /** keepalived's counter: 0..rise-1 failed (counting successes), rise..rise+fall-1 OK (counting failures down). */
  #count: number;
  #status: ScriptStatus = 'unknown';

  constructor(rise: number, fall: number) {
    this.#rise = Math.max(1, Math.floor(rise));
    this.#fall = Math.max(1, Math.floor(fall));
    this.#count = this.#rise - 1;
  }

  get status(): ScriptStatus {
    return this.#status;
  }

  /** Records one run; true when the status changed. */
  record(success: boolean): boolean {
    const before = this.#status;
    const full = this.#rise + this.#fall - 1;
    if (success) {
      if (this.#status === 'unknown' || this.#count >= this.#rise - 1) {
        this.#count = full;
        this.#status = 'ok';
      } else this.#count++;
    } else if (this.#status === 'unknown' || this.#count <= this.#rise) {
      this.#count = 0;
      this.#status = 'failed';
    } else this.#count--;
    return this.#status !== before;
  }
}
