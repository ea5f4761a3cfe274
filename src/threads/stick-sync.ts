// Stick tables across `nbthread` workers. Each thread keeps its own copy of
// every table under its own node name (NODE for the main thread, NODE#i
// for worker i), exactly as peers keep theirs: counters and rates are
// per-thread shares that every thread sums (StickTable.value counts the
// other threads' shares as this node's own), and the stored server and
// tags go to the newest write. Local writes are batched and sent at the
// end of the current turn of the event loop; the main thread applies what
// a worker sends and passes it on to the other workers. So the view is
// one, a fraction of a millisecond late; HAProxy's threads share memory
// and are exact.
//
// What stays per thread: `sc_clr_gpc`/`set table` change this thread's share
// only (the others' stay), and a thread that dies leaves its share until
// the entry expires. Tables replicated by `peers` are not shared this way
// (plan.ts keeps one thread for them): the peers log only sees local writes.

import type { EntryImage, StickEntry, StickKey, StickTable } from '../stick/index.ts';

/** One table's writes (and removals, applied after them) from one thread. */
export interface StickBatch {
  readonly table: string;
  /** The sender's key type and layout size: a thread still on another definition (mid-reload) skips the batch. */
  readonly type: string;
  readonly slots: number;
  readonly images: readonly EntryImage[];
  /** Keys removed by `clear table` (null: every entry). */
  readonly removed: ReadonlyArray<StickKey | null>;
}

/** The node name a thread's tables use: `i` 0 is the main thread. */
export function threadNode(node: string, i: number): string {
  return i === 0 ? node : `${node}#${i}`;
}

function baseNode(node: string): string {
  const hash = node.lastIndexOf('#');
  return hash < 0 ? node : node.slice(0, hash);
}

export class StickShare {
  readonly #send: (b: StickBatch) => void;
  readonly #schedule: (run: () => void) => void;
  readonly #dirty = new Map<StickTable, Set<StickEntry>>();
  readonly #names = new WeakMap<StickTable, string>();
  #scheduled = false;
  /** Applying another thread's batch: its removals are not sent back. */
  #applying = false;

  constructor(send: (b: StickBatch) => void, schedule: (run: () => void) => void = setImmediate) {
    this.#send = send;
    this.#schedule = schedule;
  }

  /** Hooks the tables in force (after start and after each reload; kept tables are hooked once). */
  attach(tables: ReadonlyMap<string, StickTable>): void {
    for (const [name, t] of tables) {
      this.#names.set(t, name);
      if (t.threads !== null) continue;
      const self = t.node;
      const base = baseNode(self);
      const prefix = `${base}#`;
      t.threads = {
        isSibling: (n) => n !== self && (n === base || n.startsWith(prefix)),
        written: (e) => this.#written(t, e),
        removed: (key) => {
          if (!this.#applying) this.#flushTable(t, [key]);
        },
      };
    }
  }

  /** Another thread's batch. */
  apply(b: StickBatch, tables: ReadonlyMap<string, StickTable>): void {
    const t = tables.get(b.table);
    if (t === undefined || t.def.type !== b.type || t.def.layout.slots !== b.slots) return;
    this.#applying = true;
    try {
      for (const img of b.images) t.importEntry(img);
      for (const k of b.removed) {
        if (k === null) t.clearAll();
        else t.remove(k);
      }
    } finally {
      this.#applying = false;
    }
  }

  /** Sends what was written since the last flush. */
  flush(): void {
    this.#scheduled = false;
    for (const t of [...this.#dirty.keys()]) this.#flushTable(t, []);
  }

  #written(t: StickTable, e: StickEntry): void {
    let set = this.#dirty.get(t);
    if (set === undefined) {
      set = new Set();
      this.#dirty.set(t, set);
    }
    set.add(e);
    if (!this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(() => this.flush());
    }
  }

  #flushTable(t: StickTable, removed: Array<StickKey | null>): void {
    const set = this.#dirty.get(t);
    this.#dirty.delete(t);
    const images: EntryImage[] = [];
    if (set !== undefined) for (const e of set) if (!e.gone) images.push(t.exportEntry(e, false));
    const name = this.#names.get(t);
    if (name === undefined || (images.length === 0 && removed.length === 0)) return;
    this.#send({ table: name, type: t.def.type, slots: t.def.layout.slots, images, removed });
  }
}

/** Every entry of a table with every share this thread holds: what a restarted worker learns back. */
export function fullBatch(name: string, t: StickTable): StickBatch {
  const images: EntryImage[] = [];
  for (const e of t.entries()) if (!e.gone) images.push(t.exportEntry(e, true));
  return { table: name, type: t.def.type, slots: t.def.layout.slots, images, removed: [] };
}
