// `hash-type consistent`: HAProxy's hash ring (lb_chash.c), also the ring
// `balance random` draws on. A server of weight w owns 16·w points, point j
// at avalanche(id·4096 + j) (one point per sixteenth of weight, so slow-start
// weights count), so its points depend only on its id and weight:
// removing a server (or lowering its weight) moves only the keys that were
// on its points, and the ring matches HAProxy's for the same ids and
// weights. A key goes to the point closest to its hash, either side.
// Dynamic: weight changes apply at the next rebuild.

import type { LbServer } from './index.ts';
import { avalanche } from './hash.ts';
import { isFull } from './saturation.ts';
import { scaledWeight } from './server-groups.ts';

/** Key space reserved per server id (HAProxy's SRV_EWGHT_RANGE). */
const ID_STRIDE = 4096;
/** Sorting packs (point, member index) into one double: 32 + 21 bits. */
const OWNER_BITS = 2 ** 21;

export class HashRing {
  /** Point hashes, ascending. */
  keys = new Uint32Array(0);
  /** owners[i] owns keys[i]. */
  owners: LbServer[] = [];
  /** The point the round-robin fallback served last, -1 for none. */
  #last = -1;
  #signature = '';

  get size(): number {
    return this.keys.length;
  }

  /**
   * Places `members`' points (one per sixteenth of current weight). Skipped when
   * neither the members nor their weights changed.
   */
  build(members: readonly LbServer[]): void {
    let signature = '';
    for (const s of members) signature += `${s.id}:${scaledWeight(s)},`;
    if (signature === this.#signature) return;
    this.#signature = signature;
    let count = 0;
    for (const s of members) count += scaledWeight(s);
    const packed = new Float64Array(count);
    let k = 0;
    for (let m = 0; m < members.length; m++) {
      const s = members[m]!;
      const base = s.id * ID_STRIDE;
      const points = scaledWeight(s);
      for (let j = 0; j < points; j++) packed[k++] = avalanche((base + j) >>> 0) * OWNER_BITS + m;
    }
    packed.sort();
    const keys = new Uint32Array(count);
    const owners = new Array<LbServer>(count);
    for (let i = 0; i < count; i++) {
      const v = packed[i]!;
      const key = Math.floor(v / OWNER_BITS);
      keys[i] = key;
      owners[i] = members[v - key * OWNER_BITS]!;
    }
    this.keys = keys;
    this.owners = owners;
    if (this.#last >= count) this.#last = -1;
  }

  /**
   * The owner of the point closest to `hash` (the earlier one on a tie), or
   * of the following points while it is `exclude`.
   */
  lookup(hash: number, exclude: LbServer | undefined): LbServer | undefined {
    const keys = this.keys;
    const n = keys.length;
    if (n === 0) return undefined;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    let i = lo === n ? 0 : lo;
    const p = i === 0 ? n - 1 : i - 1;
    if (((hash - keys[p]!) >>> 0) <= ((keys[i]! - hash) >>> 0)) i = p;
    const owners = this.owners;
    let s = owners[i]!;
    if (exclude === undefined) return s;
    for (let walked = 0; s === exclude && walked < n; walked++) {
      i = i + 1 === n ? 0 : i + 1;
      s = owners[i]!;
    }
    return s;
  }

  /**
   * Round robin over the points, for keys that are missing: the next point
   * whose server has room and is not `exclude`; `exclude` if it is the only
   * one with room; undefined when all are full.
   */
  nextRoundRobin(exclude: LbServer | undefined): LbServer | undefined {
    const n = this.keys.length;
    if (n === 0) return undefined;
    const owners = this.owners;
    let i = this.#last;
    let avoidedAt = -1;
    for (let walked = 0; walked < n; walked++) {
      i = i + 1 >= n ? 0 : i + 1;
      const s = owners[i]!;
      if (isFull(s)) continue;
      if (s !== exclude) {
        this.#last = i;
        return s;
      }
      if (avoidedAt < 0) avoidedAt = i;
    }
    if (avoidedAt < 0) return undefined;
    this.#last = avoidedAt;
    return exclude;
  }

  /** The server after the last one served, whatever its load: the representative when all are full. */
  afterLast(): LbServer | undefined {
    const n = this.keys.length;
    return n === 0 ? undefined : this.owners[this.#last + 1 >= n ? 0 : this.#last + 1];
  }
}
