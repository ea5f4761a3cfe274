// One name resolved by one `resolvers` section, as HAProxy 2.6's resolver
// task runs it (src/resolvers.c): a pure state machine driven by the clock
// it is given. A round sends the query of the preferred type to every
// nameserver; the first valid answer ends it. When all nameservers answered
// with an error, the other address family is tried at once (not counted as
// a try). Without a valid answer after `timeout retry`, the query is sent
// again, `resolve_retries` times in all; then the round ends in error
// (TIMEOUT when nobody answered at all). A new round starts `timeout
// resolve` after the previous one ended, whatever its outcome.

import { TYPE_A, TYPE_AAAA } from './codec.ts';

export interface ResolverTimers {
  /** `resolve_retries`: queries per round (HAProxy default 3). */
  resolveRetries: number;
  /** `timeout resolve`: from the end of a round to the next one (default 1s). */
  timeoutResolve: number;
  /** `timeout retry`: how long a query waits before it is sent again (default 1s). */
  timeoutRetry: number;
}

/** A round's outcome; 'none' until the first round ends. */
export type ResolutionStatus = 'none' | 'valid' | 'nx' | 'refused' | 'timeout' | 'other';

/** What one nameserver's answer said about the query in flight. */
export type Answer =
  | { kind: 'valid'; addresses: readonly string[] }
  | { kind: 'nx' | 'refused' | 'other' };

/** What the caller must do after an event: send a query of this type, and/or report the round's end. */
export interface Step {
  send?: number;
  ended?: boolean;
}

const NOTHING: Step = {};

export class Resolution {
  readonly name: string;
  /** TYPE_AAAA (`resolve-prefer ipv6`, HAProxy's default) or TYPE_A. */
  readonly preferred: number;
  status: ResolutionStatus = 'none';
  /** Addresses of the last valid answer. */
  addresses: readonly string[] = [];
  /** When an answer was last valid; HAProxy starts it at creation, so the holds count from start-up. */
  lastValid: number;
  /** When the last round ended (undefined: never). */
  lastResolution: number | undefined;
  /** A round is under way. */
  running = false;
  queryType: number;
  private tries = 0;
  private lastQuery = 0;
  private responses = 0;
  private readonly timers: ResolverTimers;

  constructor(name: string, preferred: number, timers: ResolverTimers, now: number) {
    this.name = name;
    this.preferred = preferred;
    this.queryType = preferred;
    this.timers = timers;
    this.lastValid = now;
  }

  /** When this resolution next needs the clock (a retry, or the next round). */
  nextWake(): number {
    if (this.running) return this.lastQuery + this.timers.timeoutRetry;
    return this.lastResolution === undefined ? -Infinity : this.lastResolution + this.timers.timeoutResolve;
  }

  /** Timer work at `now`: start a round, resend, or end the round in error. */
  tick(now: number): Step {
    if (!this.running) {
      if (this.lastResolution !== undefined && now < this.lastResolution + this.timers.timeoutResolve) return NOTHING;
      this.running = true;
      this.queryType = this.preferred;
      this.tries = Math.max(1, this.timers.resolveRetries) - 1;
      return this.sent(now);
    }
    if (now < this.lastQuery + this.timers.timeoutRetry) return NOTHING;
    if (this.tries === 0) {
      if (this.responses === 0) this.status = 'timeout';
      return this.end(now);
    }
    if (this.responses === 0 || this.queryType !== this.preferred) {
      this.queryType = this.preferred;
      this.tries--;
    } else {
      this.queryType = this.other();
    }
    return this.sent(now);
  }

  /**
   * One nameserver's answer to the query in flight, out of `queried`
   * nameservers asked. Answers to an older query must not come here.
   */
  answer(now: number, a: Answer, queried: number): Step {
    if (!this.running) return NOTHING;
    this.responses++;
    if (a.kind === 'valid') {
      this.status = 'valid';
      this.addresses = a.addresses;
      this.lastValid = now;
      return this.end(now);
    }
    this.status = a.kind;
    // Errors wait for every nameserver: another one may still know the name.
    if (this.responses < queried) return NOTHING;
    if (this.queryType !== this.preferred) {
      return this.tries === 0 ? this.end(now) : NOTHING;
    }
    this.queryType = this.other();
    return this.sent(now);
  }

  private other(): number {
    return this.preferred === TYPE_A ? TYPE_AAAA : TYPE_A;
  }

  private sent(now: number): Step {
    this.lastQuery = now;
    this.responses = 0;
    return { send: this.queryType };
  }

  private end(now: number): Step {
    this.running = false;
    this.lastResolution = now;
    this.responses = 0;
    return { ended: true };
  }
}
