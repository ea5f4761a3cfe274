// `track-script`: runs the operator's check every `interval` (at once on
// start), bounded by `timeout`, and keeps its status by keepalived's
// rise/fall rules (script-result.ts). Exit 0 is a success; any other exit,
// a signal, a timeout or a command that cannot start is a failure. A run
// still going when the next is due is not doubled: that tick is skipped.

import type { EventLogger } from '../../src/events/index.ts';
import { describeOutcome, runBounded, type CommandOutcome, type RunningCommand } from './bounded-command.ts';
import { ScriptResult, type ScriptStatus } from './script-result.ts';
import type { VrrpTrack } from './settings.ts';

export type ScriptTrack = Extract<VrrpTrack, { kind: 'script' }>;

export interface ScriptTrackerOptions {
  /** The virtual router's name, for logs. */
  vrrp: string;
  track: ScriptTrack;
  events: EventLogger;
  /** The status changed (the first result included). */
  onChange(): void;
}

export class ScriptTracker {
  readonly label: string;
  readonly #o: ScriptTrackerOptions;
  readonly #result: ScriptResult;
  #timer: NodeJS.Timeout | undefined;
  #running: RunningCommand | undefined;
  #skipped = 0;
  #lastOutcome = '';
  #stopped = false;

  constructor(options: ScriptTrackerOptions) {
    this.#o = options;
    this.label = `script '${options.track.argv.join(' ')}'`;
    this.#result = new ScriptResult(options.track.rise, options.track.fall);
  }

  get track(): ScriptTrack {
    return this.#o.track;
  }

  get status(): ScriptStatus {
    return this.#result.status;
  }

  start(): void {
    this.#run();
    this.#timer = setInterval(() => this.#run(), this.#o.track.interval);
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#running?.kill();
  }

  #run(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      // One line when runs start overlapping, not one per tick.
      if (this.#skipped++ === 0) {
        this.#o.events.warn(
          { event: 'vrrp-track-script-busy', vrrp: this.#o.vrrp, script: this.#o.track.argv },
          `VRRP ${this.#o.vrrp}: ${this.label} is still running when the next run is due; skipping runs until it ends`,
        );
      }
      return;
    }
    this.#skipped = 0;
    this.#running = runBounded(this.#o.track.argv, this.#o.track.timeout, (o) => this.#done(o));
  }

  #done(o: CommandOutcome): void {
    this.#running = undefined;
    if (this.#stopped) return;
    const success = o.kind === 'exit' && o.code === 0;
    const outcome = success ? 'succeeded' : describeOutcome(o, this.#o.track.timeout);
    const changed = this.#result.record(success);
    if (changed || (outcome !== this.#lastOutcome && !success)) {
      const status = this.#result.status;
      const fields = { event: 'vrrp-track-script', vrrp: this.#o.vrrp, script: this.#o.track.argv, status, outcome };
      const line = `VRRP ${this.#o.vrrp}: ${this.label} ${outcome}${changed ? `; now ${status === 'ok' ? 'OK' : 'failed'}` : ''}`;
      if (status === 'failed') this.#o.events.warn(fields, line);
      else this.#o.events.info(fields, line);
    }
    this.#lastOutcome = outcome;
    if (changed) this.#o.onChange();
  }
}
