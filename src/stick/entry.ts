// One stick-table entry. Kept small: a table may hold millions of them
// (the target is under 200 bytes for an IPv4 key with server_id and one
// rate). The numbers live in the table's slab (see table.ts); the entry
// holds the key, where its numbers are, and the few non-numeric fields.

import type { StickKey } from './key.ts';

/** Another node's share of an entry's counters and rates. */
export interface Contribution {
  /** The contributor's version of this share (newer replaces older). */
  ver: number;
  /** Counter and rate slots in the table's layout; rates' ticks are local ms. */
  d: number[];
}

export class StickEntry {
  readonly key: StickKey;
  /** Index of the entry's numbers in the table's slab; -1 once removed. */
  i: number;
  /** Sessions tracking the entry now (`use=` in `show table`); entries in use are neither evicted nor purged. */
  use = 0;
  /** The node that wrote the tags and the server last (breaks version ties). */
  vnode = '';
  /** server_id / server_key, by server name. */
  srv: string | undefined = undefined;
  /** Other nodes' shares, by node name; only in replicated tables. */
  remote: Map<string, Contribution> | undefined = undefined;

  constructor(key: StickKey, i: number) {
    this.key = key;
    this.i = i;
  }

  get gone(): boolean {
    return this.i < 0;
  }
}
