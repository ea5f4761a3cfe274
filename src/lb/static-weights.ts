// The weights the static algorithms (static-rr, map-based hashing) keep: each
// server's weight when the balancer first saw it (in sixteenths), divided by
// the greatest common divisor of them all, as HAProxy sizes its map at
// startup (integer weights 10/20/30 make a map of 1/2/3 slots).

import type { LbServer } from './index.ts';
import { weightDivisor } from './map-based.ts';
import { scaledWeight } from './server-groups.ts';

export class StaticWeights {
  /** By server index: the initial weight. */
  readonly initial: number[] = [];
  readonly #byServer = new Map<LbServer, number>();
  #divisor = 1;

  /** Records the weight of servers appended since the last call. */
  capture(servers: readonly LbServer[]): void {
    const initial = this.initial;
    if (initial.length === servers.length) return;
    for (let i = initial.length; i < servers.length; i++) {
      const s = servers[i]!;
      const w = scaledWeight(s);
      initial.push(w);
      this.#byServer.set(s, w);
    }
    this.#divisor = weightDivisor(initial);
  }

  /** The map weights of `members`, which must all have a non-zero initial weight. */
  of(members: readonly LbServer[]): number[] {
    const out: number[] = [];
    for (const s of members) out.push(this.#byServer.get(s)! / this.#divisor);
    return out;
  }
}
