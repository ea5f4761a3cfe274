// A stick table: entries by key, with HAProxy's expiry and size rules, the
// per-entry data of its layout, and the bookkeeping replication needs.
//
// Entries live in one Map whose iteration order is the order of their last
// write: every write re-inserts the entry at the end with a fresh expiry, so
// the entries that expire first, and the least recently written ones, are
// always at the front. Purging expired entries and evicting when full are
// therefore O(what is removed), never a scan of the table.
//
// An entry's numbers (expiry, versions, stored data) live in one
// Float64Array slab, HEAD + layout slots doubles per entry, reused through a
// free list: no boxed numbers and no array object per entry.
//
// Replication (cluster/peers) reads local writes from an update log: each
// write appends (entry, version); a reader keeps a cursor (an update id) and
// skips log slots whose entry was written again later. The log is only kept
// while a reader asked for it.

import { StickEntry, type Contribution } from './entry.ts';
import type { DataLayout, StoredData } from './data-types.ts';
import { freqAdd, freqAge, freqClear, freqFromAge, freqRead, TICK, type Slots } from './freq.ts';
import type { KeyType, StickKey } from './key.ts';
import { VersionClock } from './versions.ts';

export interface TableDef {
  readonly name: string;
  readonly type: KeyType;
  /** Key length for string and binary keys (bytes). */
  readonly len: number;
  /** Maximum number of entries. */
  readonly size: number;
  /** ms an entry lives after its last write; 0: never expires. */
  readonly expire: number;
  /** Refuse new entries when full instead of evicting the oldest. */
  readonly nopurge: boolean;
  /** `peers NAME` that replicates this table, if any. */
  readonly peers: string | undefined;
  readonly layout: DataLayout;
}

/**
 * `nbthread` > 1: each worker thread keeps its own copy of the table under
 * its own node name (`NODE#i`) and sends its writes to the others
 * (src/threads). The other threads' shares count as this node's own.
 */
export interface TableThreads {
  /** Whether `node` is another thread of this node. */
  isSibling(node: string): boolean;
  /** A local write (the entry goes to the other threads). */
  written(e: StickEntry): void;
  /** `key` (null: every entry) was removed here by `clear table`. */
  removed(key: StickKey | null): void;
}

export interface TableOptions {
  /** Monotonic milliseconds (must be > 0): expiry and rates. */
  readonly clock: () => number;
  /** This node's name (the local peer), used to tag its writes. */
  readonly node: string;
  readonly versions?: VersionClock;
}

/** An entry as it travels to a peer (cluster/peers encodes it). */
export interface EntryImage {
  readonly key: StickKey;
  /** Version and writer of the tags (gpt) and the server. */
  readonly ver: number;
  readonly vnode: string;
  readonly srv: string | undefined;
  /** Tag slots, in layout order (only `gpt` kinds). */
  readonly tags: number[];
  /** Nodes' shares of counters and rates: layout slot arrays, rate ticks as ages. */
  readonly shares: Array<{ node: string; ver: number; d: number[] }>;
}

/** Per-entry header in the slab: expiry, version of this node's last write, version of the tags. */
const EXP = 0;
const LVER = 1;
const VER = 2;
const HEAD = 3;

const PURGE_ON_CREATE = 16;
const EVICT_PROBE = 64;
const FIRST_SLAB_ENTRIES = 64;

export class StickTable {
  readonly def: TableDef;
  readonly #clock: () => number;
  readonly node: string;
  readonly versions: VersionClock;
  readonly #entries = new Map<StickKey, StickEntry>();
  readonly #tagSlots: readonly number[];
  /** Every local write since this table was made has a higher version. */
  readonly #startVer: number;

  readonly #stride: number;
  #slab: Float64Array;
  #top = 0;
  readonly #free: number[] = [];

  // Update log for replication.
  #logging = false;
  #logEntries: StickEntry[] = [];
  #logVers: number[] = [];
  /** Update id of #logEntries[0]. */
  #logBase = 1;
  readonly #logCap: number;
  /** Called after a local write while the log is kept (replication wakes up). */
  onWrite: (() => void) | undefined = undefined;
  /** Set when several threads share the table (nbthread > 1); null keeps one thread's behaviour exactly. */
  threads: TableThreads | null = null;

  /** Entries refused because the table was full (nopurge, or every entry in use). */
  refused = 0;
  evicted = 0;
  expired = 0;

  constructor(def: TableDef, opts: TableOptions) {
    this.def = def;
    this.#clock = opts.clock;
    this.node = opts.node;
    this.versions = opts.versions ?? new VersionClock();
    const tags: number[] = [];
    for (const sd of def.layout.stored) {
      if (sd.kind === 'gpt') for (let i = 0; i < sd.count; i++) tags.push(sd.offset + i);
    }
    this.#tagSlots = tags;
    this.#startVer = this.versions.next();
    this.#stride = HEAD + def.layout.slots;
    this.#slab = new Float64Array(this.#stride * Math.min(def.size, FIRST_SLAB_ENTRIES));
    this.#logCap = Math.min(def.size * 2, 1 << 21) + 1024;
  }

  get used(): number {
    return this.#entries.size;
  }

  now(): number {
    return this.#clock();
  }

  data(name: string): StoredData | undefined {
    return this.def.layout.byName.get(name);
  }

  /** The entry for `key` if present and not expired; changes nothing. */
  lookup(key: StickKey): StickEntry | undefined {
    const e = this.#entries.get(key);
    if (e === undefined || e.use > 0 || this.#slab[e.i * this.#stride + EXP]! > this.#clock()) return e;
    this.#delete(e);
    this.expired++;
    return undefined;
  }

  /**
   * The entry for `key`, created when missing. Undefined when the table is
   * full and nothing can be evicted (nopurge, or every entry in use).
   */
  getOrCreate(key: StickKey): StickEntry | undefined {
    const found = this.lookup(key);
    if (found !== undefined) return found;
    this.purgeExpired(PURGE_ON_CREATE);
    if (this.#entries.size >= this.def.size && !this.#evictOne()) {
      this.refused++;
      return undefined;
    }
    const e = new StickEntry(key, this.#allocate());
    this.#slab[e.i * this.#stride + EXP] = this.#expiry();
    this.#entries.set(key, e);
    return e;
  }

  /** A session starts tracking the entry. */
  hold(e: StickEntry): void {
    e.use++;
  }

  release(e: StickEntry): void {
    if (e.use > 0) e.use--;
  }

  // ---- local data

  /** This node's value of `sd` (element `idx` of an array type): with nbthread, every thread's share. */
  value(e: StickEntry, sd: StoredData, idx = 0): number {
    const v = this.#own(e, sd, idx);
    if (this.threads === null || e.remote === undefined || sd.kind === 'gpt') return v;
    return v + this.#shares(e, sd, idx, this.threads);
  }

  #own(e: StickEntry, sd: StoredData, idx: number): number {
    const at = e.i * this.#stride + HEAD + sd.offset + idx * sd.width;
    return sd.kind === 'rate' ? freqRead(this.#slab, at, sd.period, this.#clock()) : this.#slab[at]!;
  }

  /** The shares of the nodes `from` accepts (every node when null). */
  #shares(e: StickEntry, sd: StoredData, idx: number, from: TableThreads | null): number {
    let v = 0;
    const at = sd.offset + idx * sd.width;
    const now = this.#clock();
    for (const [node, c] of e.remote!) {
      if (from !== null && !from.isSibling(node)) continue;
      v += sd.kind === 'rate' ? freqRead(c.d, at, sd.period, now) : c.d[at]!;
    }
    return v;
  }

  /** The cluster's value: this node's share plus every peer's (tags: the newest). */
  clusterValue(e: StickEntry, sd: StoredData, idx = 0): number {
    const v = this.#own(e, sd, idx);
    if (e.remote === undefined || sd.kind === 'gpt') return v;
    return v + this.#shares(e, sd, idx, null);
  }

  /** Adds `n` to a counter or `n` events to a rate (conn_cur goes down with n < 0, never below 0). */
  add(e: StickEntry, sd: StoredData, n: number, idx = 0): void {
    const at = e.i * this.#stride + HEAD + sd.offset + idx * sd.width;
    const slab = this.#slab;
    if (sd.kind === 'rate') freqAdd(slab, at, sd.period, this.#clock(), n);
    else {
      const v = slab[at]! + n;
      slab[at] = v < 0 ? 0 : v;
    }
    this.#written(e);
  }

  /** Sets a counter or a tag; a rate is restarted with `v` events now. */
  set(e: StickEntry, sd: StoredData, v: number, idx = 0): void {
    const at = e.i * this.#stride + HEAD + sd.offset + idx * sd.width;
    if (sd.kind === 'rate') {
      freqClear(this.#slab, at);
      if (v > 0) freqAdd(this.#slab, at, sd.period, this.#clock(), v);
    } else this.#slab[at] = v;
    if (sd.kind === 'gpt') this.#tagWritten(e);
    this.#written(e);
  }

  /** Clears a counter or a rate (sc_clr_gpc0); returns the value it had. */
  clear(e: StickEntry, sd: StoredData, idx = 0): number {
    const before = this.value(e, sd, idx);
    const at = e.i * this.#stride + HEAD + sd.offset + idx * sd.width;
    if (sd.kind === 'rate') freqClear(this.#slab, at);
    else this.#slab[at] = 0;
    this.#written(e);
    return before;
  }

  /** Stores the server (stick store-*, by name). */
  setServer(e: StickEntry, name: string): void {
    e.srv = name;
    this.#tagWritten(e);
    this.#written(e);
  }

  /** Refreshes the expiry without changing data (HAProxy touches on track). */
  touch(e: StickEntry): void {
    this.#written(e);
  }

  // ---- removal

  /** `clear table NAME key K`: false when the entry is in use or missing. */
  remove(key: StickKey): boolean {
    const e = this.#entries.get(key);
    if (e === undefined || e.use > 0) return false;
    this.#delete(e);
    this.threads?.removed(key);
    return true;
  }

  /** `clear table NAME`: removes every entry not in use; returns how many. */
  clearAll(): number {
    let n = 0;
    for (const e of this.#entries.values()) {
      if (e.use > 0) continue;
      this.#delete(e);
      n++;
    }
    this.threads?.removed(null);
    return n;
  }

  /** Removes up to `max` expired entries from the front (the oldest). */
  purgeExpired(max: number): number {
    if (this.def.expire === 0) return 0;
    const now = this.#clock();
    let n = 0;
    let moved = 0;
    for (const e of this.#entries.values()) {
      if (n >= max) break;
      const expAt = e.i * this.#stride + EXP;
      if (this.#slab[expAt]! > now) break;
      if (e.use > 0) {
        // In use: it lives on; a fresh expiry keeps the front ordered.
        if (++moved > max) break;
        this.#moveToBack(e);
        continue;
      }
      this.#delete(e);
      this.expired++;
      n++;
    }
    return n;
  }

  entries(): IterableIterator<StickEntry> {
    return this.#entries.values();
  }

  /** ms before the entry expires (for `show table`'s exp=). */
  expiresIn(e: StickEntry): number {
    return this.def.expire === 0 ? 0 : Math.max(0, Math.round(this.#slab[e.i * this.#stride + EXP]! - this.#clock()));
  }

  /** Version of the entry's tags and server (for replication and tests). */
  tagVersion(e: StickEntry): number {
    return this.#slab[e.i * this.#stride + VER]!;
  }

  /** Version of this node's last write of the entry (0: none since start). */
  localVersion(e: StickEntry): number {
    return this.#slab[e.i * this.#stride + LVER]!;
  }

  #expiry(): number {
    return this.def.expire === 0 ? Number.POSITIVE_INFINITY : this.#clock() + this.def.expire;
  }

  #allocate(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) {
      this.#slab.fill(0, reused * this.#stride, (reused + 1) * this.#stride);
      return reused;
    }
    const i = this.#top++;
    if ((i + 1) * this.#stride > this.#slab.length) {
      const grown = new Float64Array(this.#stride * Math.min(this.def.size, Math.max(FIRST_SLAB_ENTRIES, (i + 1) * 2)));
      grown.set(this.#slab);
      this.#slab = grown;
    }
    return i;
  }

  #evictOne(): boolean {
    if (this.def.nopurge) return false;
    let probes = 0;
    for (const e of this.#entries.values()) {
      if (++probes > EVICT_PROBE) return false;
      if (e.use > 0) continue;
      this.#delete(e);
      this.evicted++;
      return true;
    }
    return false;
  }

  #delete(e: StickEntry): void {
    this.#entries.delete(e.key);
    this.#free.push(e.i);
    e.i = -1;
  }

  #tagWritten(e: StickEntry): void {
    this.#slab[e.i * this.#stride + VER] = this.versions.next();
    e.vnode = this.node;
  }

  #written(e: StickEntry): void {
    const lver = this.versions.next();
    this.#slab[e.i * this.#stride + LVER] = lver;
    this.#moveToBack(e);
    this.threads?.written(e);
    if (!this.#logging) return;
    this.#logEntries.push(e);
    this.#logVers.push(lver);
    if (this.#logEntries.length > this.#logCap) this.#dropLog(this.#logEntries.length >> 1);
    this.onWrite?.();
  }

  #moveToBack(e: StickEntry): void {
    this.#slab[e.i * this.#stride + EXP] = this.#expiry();
    this.#entries.delete(e.key);
    this.#entries.set(e.key, e);
  }

  // ---- replication

  /** Starts (or stops) keeping the update log; ids keep growing across both. */
  keepUpdates(on: boolean): void {
    this.#logging = on;
    if (!on) this.#dropLog(this.#logEntries.length);
  }

  /** The id of the newest local write in the log (0 before the first). */
  get lastUpdateId(): number {
    return this.#logBase + this.#logEntries.length - 1;
  }

  /** The oldest id still in the log; a reader behind it needs a full resync. */
  get oldestUpdateId(): number {
    return this.#logBase;
  }

  /**
   * Visits entries written after update id `after`, at most `max` log slots,
   * skipping slots superseded by a later write. Returns the id reached (the
   * reader's new cursor), or -1 when `after` has fallen out of the log.
   */
  updatesSince(after: number, max: number, visit: (e: StickEntry) => void): number {
    if (after + 1 < this.#logBase) return -1;
    let i = after + 1 - this.#logBase;
    const end = Math.min(this.#logEntries.length, i + max);
    for (; i < end; i++) {
      const e = this.#logEntries[i]!;
      if (e.i >= 0 && this.#slab[e.i * this.#stride + LVER] === this.#logVers[i]) visit(e);
    }
    return this.#logBase + end - 1;
  }

  /** Forgets log slots up to `upTo` (every reader has acknowledged them). */
  trimUpdates(upTo: number): void {
    const n = upTo + 1 - this.#logBase;
    if (n > 0) this.#dropLog(Math.min(n, this.#logEntries.length));
  }

  #dropLog(n: number): void {
    this.#logEntries = this.#logEntries.slice(n);
    this.#logVers = this.#logVers.slice(n);
    this.#logBase += n;
  }

  /**
   * The entry as it travels: this node's share, and with `withRemote` (a full
   * resync) every other node's share it holds, so that a node that restarts
   * learns back even its own counters.
   */
  exportEntry(e: StickEntry, withRemote: boolean): EntryImage {
    const now = this.#clock();
    const base = e.i * this.#stride;
    const shares: EntryImage['shares'] = [];
    const lver = this.#slab[base + LVER]!;
    if (lver !== 0) shares.push({ node: this.node, ver: lver, d: this.#outgoing(this.#slab, base + HEAD, now) });
    if (withRemote && e.remote !== undefined) {
      for (const [node, c] of e.remote) shares.push({ node, ver: c.ver, d: this.#outgoing(c.d, 0, now) });
    }
    const tags = this.#tagSlots.map((at) => this.#slab[base + HEAD + at]!);
    return { key: e.key, ver: this.#slab[base + VER]!, vnode: e.vnode, srv: e.srv, tags, shares };
  }

  /**
   * Applies an entry received from a peer. Tags and server: the newest
   * version wins. Shares: each node's newest share replaces its older one;
   * this node's own share is taken back only if it has not written the
   * entry since it started (a restart relearning its counters). Returns the
   * entry, or undefined when the table is full.
   */
  importEntry(img: EntryImage): StickEntry | undefined {
    const e = this.getOrCreate(img.key);
    if (e === undefined) return undefined;
    const now = this.#clock();
    const slots = this.def.layout.slots;
    const base = e.i * this.#stride;
    const ver = this.#slab[base + VER]!;
    if (img.ver > ver || (img.ver === ver && img.vnode > e.vnode)) {
      this.versions.observe(img.ver);
      this.#slab[base + VER] = img.ver;
      e.vnode = img.vnode;
      e.srv = img.srv;
      for (let i = 0; i < this.#tagSlots.length && i < img.tags.length; i++) this.#slab[base + HEAD + this.#tagSlots[i]!] = img.tags[i]!;
    }
    for (const s of img.shares) {
      if (s.d.length !== slots) continue;
      this.versions.observe(s.ver);
      if (s.node === this.node) {
        // Our own share, kept by a peer while we were away: taken back unless
        // this process has written the entry itself since it started.
        const lver = this.#slab[base + LVER]!;
        if (lver <= this.#startVer && s.ver > lver) {
          this.#incoming(s.d, this.#slab, base + HEAD, now);
          this.#slab[base + LVER] = s.ver;
        }
        continue;
      }
      e.remote ??= new Map<string, Contribution>();
      const c = e.remote.get(s.node);
      if (c !== undefined && c.ver >= s.ver) continue;
      const d = c?.d ?? new Array<number>(slots).fill(0);
      this.#incoming(s.d, d, 0, now);
      if (c === undefined) e.remote.set(s.node, { ver: s.ver, d });
      else c.ver = s.ver;
    }
    // A peer's write keeps the entry alive here too, without re-announcing it.
    this.#moveToBack(e);
    return e;
  }

  /** The layout's slots from `src` at `from`, rates' ticks turned into ages. */
  #outgoing(src: Slots, from: number, now: number): number[] {
    const out = new Array<number>(this.def.layout.slots);
    for (let i = 0; i < out.length; i++) out[i] = src[from + i]!;
    for (const sd of this.def.layout.summed) {
      if (sd.kind !== 'rate') continue;
      for (let i = 0; i < sd.count; i++) out[sd.offset + i * 3 + TICK] = freqAge(src, from + sd.offset + i * 3, now);
    }
    return out;
  }

  /** Copies a share's counters and rates into `dst` at `to`, ages back into ticks. */
  #incoming(src: readonly number[], dst: Slots, to: number, now: number): void {
    for (const sd of this.def.layout.summed) {
      const n = sd.count * sd.width;
      for (let i = 0; i < n; i++) dst[to + sd.offset + i] = src[sd.offset + i]!;
      if (sd.kind !== 'rate') continue;
      for (let i = 0; i < sd.count; i++) dst[to + sd.offset + i * 3 + TICK] = freqFromAge(src[sd.offset + i * 3 + TICK]!, now);
    }
  }
}
