// `hash-type map-based` and `balance static-rr`: HAProxy's weighted server
// table (lb_map.c). The table has one slot per unit of total weight; a hash
// picks slot `hash % total`, static-rr walks the slots in turn. It is static:
// weights are the ones servers started with, divided by their greatest
// common divisor (so weights 10/20/30 make a table of 6 slots, as in
// HAProxy), and nearly every key moves when the set of servers changes.
//
// The slots are filled exactly as HAProxy fills them, so a key reaches the
// same server as behind HAProxy with the same servers, ids and weights:
// every round, each server's score grows by its weight, the server whose
// score/total level is highest (first declared on ties) takes the slot and
// pays `total`. Instead of HAProxy's O(total·n) scan, the levels are tracked
// with events (a server's level only rises at rounds computable in advance)
// and per-level bitsets, which is O(total·n/32) at worst.

import type { LbServer } from './index.ts';
import { isFull } from './saturation.ts';

/** Greatest common divisor of the non-zero weights (1 when there are none). */
export function weightDivisor(weights: ArrayLike<number>): number {
  let g = 0;
  for (let i = 0; i < weights.length; i++) {
    let w = weights[i]!;
    if (w <= 0) continue;
    let a = g;
    while (w !== 0) {
      const t = a % w;
      a = w;
      w = t;
    }
    g = a;
  }
  return g === 0 ? 1 : g;
}

/**
 * Fills the table for `members` (declaration order) with their `weights`
 * (already divided, all > 0): slot o holds the server HAProxy's
 * recalc_server_map puts there.
 */
export function buildServerMap(members: readonly LbServer[], weights: readonly number[]): LbServer[] {
  const n = members.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  const table = new Array<LbServer>(total);
  if (total === 0) return table;
  if (total === 1) {
    table[0] = members[0]!;
    return table;
  }
  // The level of server i at round r (1-based, after this round's increase)
  // is floor((w·r - total·picks) / total) + 1. Picks lower it by one without
  // moving the next round at which it rises, so each server has exactly one
  // pending rise event, kept in per-round linked lists.
  const level = new Int32Array(n).fill(1);
  const picks = new Int32Array(n);
  const eventHead = new Int32Array(total + 2).fill(-1);
  const eventNext = new Int32Array(n);
  const words = (n + 31) >>> 5;
  const bits: Uint32Array[] = [new Uint32Array(words), new Uint32Array(words)];
  const schedule = (i: number): void => {
    const r = Math.ceil((total * (picks[i]! + level[i]!)) / weights[i]!);
    if (r <= total) {
      eventNext[i] = eventHead[r]!;
      eventHead[r] = i;
    }
  };
  for (let i = 0; i < n; i++) {
    bits[1]![i >>> 5]! |= 1 << (i & 31);
    schedule(i);
  }
  for (let r = 1; r <= total; r++) {
    for (let i = eventHead[r]!; i !== -1; ) {
      const following = eventNext[i]!;
      const l = level[i]!;
      bits[l]![i >>> 5]! &= ~(1 << (i & 31));
      if (bits.length <= l + 1) bits.push(new Uint32Array(words));
      bits[l + 1]![i >>> 5]! |= 1 << (i & 31);
      level[i] = l + 1;
      schedule(i);
      i = following;
    }
    const best = firstOfHighestLevel(bits, words);
    table[r - 1] = members[best]!;
    const l = level[best]!;
    bits[l]![best >>> 5]! &= ~(1 << (best & 31));
    bits[l - 1]![best >>> 5]! |= 1 << (best & 31);
    level[best] = l - 1;
    picks[best] = picks[best]! + 1;
  }
  return table;
}

function firstOfHighestLevel(bits: readonly Uint32Array[], words: number): number {
  for (let l = bits.length - 1; l >= 0; l--) {
    const b = bits[l]!;
    for (let k = 0; k < words; k++) {
      const v = b[k]!;
      if (v !== 0) return (k << 5) + (31 - Math.clz32(v & -v));
    }
  }
  // The scores sum to zero after every round, so some level is never empty.
  throw new Error('HAWSER_LB_MAP_EMPTY_ROUND: no server left to fill a map slot');
}

/** The table of one group of servers, with HAProxy's round-robin cursor over it. */
export class ServerMap {
  table: LbServer[] = [];
  #cursor = 0;

  get size(): number {
    return this.table.length;
  }

  build(members: readonly LbServer[], weights: readonly number[]): void {
    this.table = buildServerMap(members, weights);
  }

  byHash(hash: number): LbServer | undefined {
    const t = this.table;
    return t.length === 0 ? undefined : t[hash % t.length];
  }

  /**
   * static-rr: the next slot whose server has room and is not `exclude`;
   * `exclude` when it is the only one with room; undefined when all are full.
   */
  nextRoundRobin(exclude: LbServer | undefined): LbServer | undefined {
    const t = this.table;
    const total = t.length;
    if (total === 0) return undefined;
    if (this.#cursor >= total) this.#cursor = 0;
    const start = this.#cursor;
    let i = start;
    let avoidedAt = -1;
    do {
      const s = t[i]!;
      i = i + 1 === total ? 0 : i + 1;
      if (!isFull(s)) {
        if (s !== exclude) {
          this.#cursor = i;
          return s;
        }
        avoidedAt = i;
      }
    } while (i !== start);
    if (avoidedAt < 0) return undefined;
    this.#cursor = avoidedAt;
    return exclude;
  }

  /** The server at the cursor, whatever its load: the representative when all are full. */
  atCursor(): LbServer | undefined {
    const t = this.table;
    return t.length === 0 ? undefined : t[this.#cursor >= t.length ? 0 : this.#cursor];
  }
}
