// Stick-table replication over one established session, both ways.
//
// Out: each local table replicated in the section is announced (name, key
// type, store layout, and the epoch of this table object, whose update ids
// start at 1). Once the peer has announced its own tables, a table whose
// definition differs is not synced (logged once); otherwise the peer's
// resume point decides: if it names this epoch and the update log still
// holds what follows, the session resumes from there; else a full resync
// streams a snapshot of every entry with every node's share, in batches,
// as fast as the socket drains. Then local writes follow from the update
// log in batches, each carrying the update id it reaches.
//
// In: received entries are imported (src/stick decides what wins); each
// batch's update id is acknowledged, which lets the sender trim its log and
// tells where to resume after a reconnect. What this node applied from each
// peer lives in the peer's link, across sessions.

import type { EventLogger } from '../../src/events/index.ts';
import { storeText, type StickEntry, type StickTable } from '../../src/stick/index.ts';
import { BATCH_BYTES, BatchBuilder, imageFromMessage } from './entry-codec.ts';
import type { AckMsg, FrameMsg, ResyncEndMsg, TableDefMsg, TablesMsg, UpdatesMsg } from './schema.ts';

/** A local table as the section replicates it: one epoch per table object. */
export interface SyncedTable {
  readonly name: string;
  readonly table: StickTable;
  readonly epoch: string;
}

/** What a node keeps about one peer across sessions. */
export class LinkTables {
  /** Per local table: the update id the peer acknowledged for that epoch (log trimming, resume). */
  readonly tx = new Map<string, { epoch: string; acked: number }>();
  /** Per local table: what was applied from the peer's table of that name (its epoch, its update id). */
  readonly rx = new Map<string, { table: StickTable; epoch: string; applied: number }>();
  /** Full resyncs sent to the peer, per table, over every session. */
  readonly resyncs = new Map<string, number>();
}

/** The session underneath. */
export interface SyncIo {
  send(frame: FrameMsg): void;
  /** False while the socket's buffer is over its high-water mark. */
  writable(): boolean;
  /** Asks for pump() again soon (after a drain, or on the next turn). */
  again(): void;
  /** An acknowledgement moved a table's minimum: the node may trim its log. */
  acked(t: SyncedTable): void;
  readonly events: EventLogger;
  readonly peer: string;
  readonly section: string;
}

type OutMode = 'wait' | 'resync' | 'live' | 'off';

interface Outbound {
  readonly local: SyncedTable;
  readonly id: number;
  mode: OutMode;
  /** Last update id sent. */
  cursor: number;
  acked: number;
  snap: StickEntry[] | undefined;
  snapPos: number;
  resyncUpto: number;
  /** The peer acknowledged the end of the last full resync (or the session resumed without one). */
  resyncAcked: boolean;
  /** Entries sent by the resync under way. */
  resyncSent: number;
  /** Entries sent (resync and updates). */
  pushed: number;
  /** The peer's announced definition it was set up against (epoch included). */
  peerDef: string;
}

interface Inbound {
  readonly local: SyncedTable;
  readonly remoteEpoch: string;
  /** Update id of the last batch applied. */
  lastGet: number;
  received: number;
  /** Entries that did not decode (wrong shape): skipped, table untouched. */
  skipped: number;
  /** Entries the table refused (full). */
  refused: number;
}

/** `show peers` figures of one table in one session. */
export interface SharedTableStatus {
  name: string;
  localId: number;
  remoteId: number | undefined;
  state: OutMode;
  lastPushed: number;
  lastAcked: number;
  lastGet: number;
  update: number;
  pushed: number;
  received: number;
  skipped: number;
  refused: number;
  /** Full resyncs sent to this peer (every session). */
  resyncs: number;
  mismatch: string | undefined;
}

/** Batches sent per pump before yielding to the event loop. */
const PUMP_BATCHES = 16;
/** Log slots read per live batch, before the byte estimate narrows it. */
const MAX_SLOTS = 512;

/** Why two definitions of a table cannot be synced, or undefined when they can. */
export function tableMismatch(local: StickTable, remote: TableDefMsg): string | undefined {
  const d = local.def;
  if (remote.type !== d.type) return `key type ${remote.type} on the peer, ${d.type} here`;
  if ((d.type === 'string' || d.type === 'binary') && remote.keyLen !== d.len) return `key len ${remote.keyLen} on the peer, ${d.len} here`;
  const store = storeText(d.layout);
  if (remote.store !== store) return `store '${remote.store}' on the peer, '${store}' here`;
  return undefined;
}

function defIdentity(m: TableDefMsg): string {
  return `${m.epoch}\0${m.type}\0${m.keyLen}\0${m.store}`;
}

export class SessionSync {
  readonly #io: SyncIo;
  readonly #link: LinkTables;
  #out = new Map<string, Outbound>();
  #outById = new Map<number, Outbound>();
  #in = new Map<number, Inbound>();
  #nextId = 1;
  /** The peer's latest announcement, by table name. */
  #peerDefs = new Map<string, TableDefMsg>();
  #mismatch = new Map<string, string>();
  #pendingAcks = new Map<number, number>();
  #rr = 0;

  constructor(io: SyncIo, link: LinkTables) {
    this.#io = io;
    this.#link = link;
  }

  /**
   * The tables to replicate (at start and after a reload): the Tables frame
   * to send. Tables kept as the same object keep their state.
   */
  setTables(tables: ReadonlyMap<string, SyncedTable>, configHash: Uint8Array): FrameMsg {
    const next = new Map<string, Outbound>();
    for (const [name, local] of tables) {
      const old = this.#out.get(name);
      if (old !== undefined && old.local === local) next.set(name, old);
      else next.set(name, this.#newOutbound(local));
    }
    this.#out = next;
    this.#outById = new Map([...next.values()].map((o) => [o.id, o]));
    // Inbound mappings to a replaced local table are redone when the peer re-announces.
    for (const [id, inb] of this.#in) if (tables.get(inb.local.name) !== inb.local) this.#in.delete(id);
    for (const o of next.values()) if (o.mode === 'wait') this.#setupOutbound(o);
    const defs: TableDefMsg[] = [];
    for (const o of next.values()) {
      const d = o.local.table.def;
      const rx = this.#link.rx.get(o.local.name);
      const resume = rx !== undefined && rx.table === o.local.table;
      defs.push({
        id: o.id,
        name: o.local.name,
        type: d.type,
        keyLen: d.len,
        store: storeText(d.layout),
        size: d.size,
        expire: d.expire,
        epoch: o.local.epoch,
        resumeEpoch: resume ? rx.epoch : '',
        resumeFrom: resume ? rx.applied : 0,
      });
    }
    return { tables: { tables: defs, configHash } };
  }

  /** The peer announced (or re-announced) its tables. */
  onTables(m: TablesMsg): void {
    const defs = new Map<string, TableDefMsg>();
    for (const d of m.tables) defs.set(d.name, d);
    this.#peerDefs = defs;
    // In: map the peer's ids to our tables of the same name and shape.
    const inbound = new Map<number, Inbound>();
    for (const d of defs.values()) {
      const o = this.#out.get(d.name);
      if (o === undefined || tableMismatch(o.local.table, d) !== undefined) continue;
      const prev = [...this.#in.values()].find((i) => i.local === o.local && i.remoteEpoch === d.epoch);
      inbound.set(d.id, prev ?? { local: o.local, remoteEpoch: d.epoch, lastGet: 0, received: 0, skipped: 0, refused: 0 });
    }
    this.#in = inbound;
    // Out: (re)start what the announcement changed.
    for (const o of this.#out.values()) {
      const d = defs.get(o.local.name);
      const identity = d === undefined ? '' : defIdentity(d);
      if (o.mode !== 'wait' && identity === o.peerDef) continue;
      this.#setupOutbound(o);
    }
    this.#io.again();
  }

  onUpdates(m: UpdatesMsg): void {
    const inb = this.#in.get(m.table);
    if (inb === undefined) return;
    const t = inb.local.table;
    const d = t.def;
    for (const e of m.entries) {
      const img = imageFromMessage(d.type, d.len, d.layout.slots, m.names, e);
      if (typeof img === 'string') {
        if (inb.skipped++ === 0) {
          this.#io.events.warn(
            { event: 'peers-bad-entry', peers: this.#io.section, peer: this.#io.peer, table: inb.local.name, reason: img },
            `Peers ${this.#io.section}: entry from '${this.#io.peer}' for table '${inb.local.name}' skipped: ${img}`,
          );
        }
        continue;
      }
      if (t.importEntry(img) === undefined) inb.refused++;
      else inb.received++;
    }
    if (m.full !== true && m.updateId > 0) this.#applied(inb, m.table, m.updateId);
  }

  onResyncEnd(m: ResyncEndMsg): void {
    const inb = this.#in.get(m.table);
    if (inb === undefined) return;
    this.#applied(inb, m.table, m.updateId);
    this.#io.events.info(
      { event: 'peers-resync-received', peers: this.#io.section, peer: this.#io.peer, table: inb.local.name, entries: m.entries },
      `Peers ${this.#io.section}: table '${inb.local.name}' resynced from '${this.#io.peer}' (${m.entries} entries)`,
    );
  }

  onAck(m: AckMsg): void {
    const o = this.#outById.get(m.table);
    if (o === undefined) return;
    // Acks of a resync's batches do not exist: the first one at or past its end acknowledges all of it (0 included).
    if (!o.resyncAcked && o.mode === 'live' && m.updateId >= o.resyncUpto) o.resyncAcked = true;
    if (m.updateId <= o.acked) return;
    o.acked = m.updateId;
    const tx = this.#link.tx.get(o.local.name);
    if (tx !== undefined && tx.epoch === o.local.epoch) tx.acked = Math.max(tx.acked, m.updateId);
    else this.#link.tx.set(o.local.name, { epoch: o.local.epoch, acked: m.updateId });
    this.#io.acked(o.local);
  }

  /** Acks for what was applied since the last call (one per table). */
  takeAcks(): FrameMsg[] {
    if (this.#pendingAcks.size === 0) return [];
    const out: FrameMsg[] = [];
    for (const [table, updateId] of this.#pendingAcks) out.push({ ack: { table, updateId } });
    this.#pendingAcks.clear();
    return out;
  }

  /**
   * Sends what is due, a bounded number of batches at a time, while the
   * socket takes it. Returns true when something is left (the caller comes
   * back on drain or on the next turn).
   */
  pump(): boolean {
    const outs = [...this.#out.values()];
    if (outs.length === 0) return false;
    let batches = 0;
    let idle = 0;
    while (batches < PUMP_BATCHES && idle < outs.length) {
      if (!this.#io.writable()) return true;
      const o = outs[this.#rr++ % outs.length]!;
      if (this.#step(o)) {
        batches++;
        idle = 0;
      } else idle++;
    }
    return idle < outs.length;
  }

  /**
   * True when the peer has acknowledged, for every table it syncs, every
   * entry up to `upTo` (update id by table name): its last full resync, and
   * the updates after it. Tables the peer does not sync count as done.
   */
  settled(upTo: ReadonlyMap<string, number>): boolean {
    for (const o of this.#out.values()) {
      if (o.mode === 'off') continue;
      if (o.mode !== 'live' || !o.resyncAcked || o.acked < (upTo.get(o.local.name) ?? 0)) return false;
    }
    return true;
  }

  status(): SharedTableStatus[] {
    const out: SharedTableStatus[] = [];
    for (const o of this.#out.values()) {
      let remoteId: number | undefined;
      let inb: Inbound | undefined;
      for (const [id, i] of this.#in) {
        if (i.local === o.local) {
          remoteId = id;
          inb = i;
        }
      }
      out.push({
        name: o.local.name,
        localId: o.id,
        remoteId,
        state: o.mode,
        lastPushed: o.cursor,
        lastAcked: o.acked,
        lastGet: inb?.lastGet ?? 0,
        update: o.local.table.lastUpdateId,
        pushed: o.pushed,
        received: inb?.received ?? 0,
        skipped: inb?.skipped ?? 0,
        refused: inb?.refused ?? 0,
        resyncs: this.#link.resyncs.get(o.local.name) ?? 0,
        mismatch: this.#mismatch.get(o.local.name),
      });
    }
    return out;
  }

  #newOutbound(local: SyncedTable): Outbound {
    return { local, id: this.#nextId++, mode: 'wait', cursor: 0, acked: 0, snap: undefined, snapPos: 0, resyncUpto: 0, resyncAcked: false, resyncSent: 0, pushed: 0, peerDef: '' };
  }

  /** Decides, from the peer's announcement, how `o` starts. */
  #setupOutbound(o: Outbound): void {
    const d = this.#peerDefs.get(o.local.name);
    o.snap = undefined;
    if (d === undefined) {
      o.mode = this.#peerDefs.size === 0 ? 'wait' : 'off';
      o.peerDef = '';
      return;
    }
    o.peerDef = defIdentity(d);
    const why = tableMismatch(o.local.table, d);
    if (why !== undefined) {
      o.mode = 'off';
      if (this.#mismatch.get(o.local.name) !== why) {
        this.#mismatch.set(o.local.name, why);
        this.#io.events.warn(
          { event: 'peers-table-mismatch', peers: this.#io.section, peer: this.#io.peer, table: o.local.name, reason: why },
          `Peers ${this.#io.section}: table '${o.local.name}' differs on '${this.#io.peer}' (${why}): not synced with it`,
        );
      }
      return;
    }
    this.#mismatch.delete(o.local.name);
    const t = o.local.table;
    if (d.resumeEpoch === o.local.epoch && d.resumeFrom >= t.oldestUpdateId - 1 && d.resumeFrom <= t.lastUpdateId) {
      o.mode = 'live';
      o.cursor = d.resumeFrom;
      o.acked = d.resumeFrom;
      o.resyncAcked = true;
      this.#link.tx.set(o.local.name, { epoch: o.local.epoch, acked: d.resumeFrom });
      return;
    }
    this.#startResync(o);
  }

  #startResync(o: Outbound): void {
    const t = o.local.table;
    o.mode = 'resync';
    this.#link.resyncs.set(o.local.name, (this.#link.resyncs.get(o.local.name) ?? 0) + 1);
    o.snap = Array.from(t.entries());
    o.snapPos = 0;
    o.resyncSent = 0;
    o.resyncUpto = t.lastUpdateId;
    o.resyncAcked = false;
    o.cursor = o.resyncUpto;
    o.acked = 0;
    // The log must keep what follows the snapshot until the peer has it.
    this.#link.tx.set(o.local.name, { epoch: o.local.epoch, acked: o.resyncUpto });
  }

  /** One batch of `o`, if it has one: true when something was sent. */
  #step(o: Outbound): boolean {
    if (o.mode === 'resync') return this.#resyncStep(o);
    if (o.mode !== 'live') return false;
    const t = o.local.table;
    if (o.cursor >= t.lastUpdateId) return false;
    const b = new BatchBuilder(t.def.type, o.id, false);
    const slots = Math.max(1, Math.min(MAX_SLOTS, Math.floor(BATCH_BYTES / (48 + 8 * (t.def.layout.slots + t.def.len)))));
    const reached = t.updatesSince(o.cursor, slots, (e) => b.add(t.exportEntry(e, false)));
    if (reached < 0) {
      // The log no longer has what the peer lacks (it overflowed): start over.
      this.#io.events.warn(
        { event: 'peers-log-overflow', peers: this.#io.section, peer: this.#io.peer, table: o.local.name },
        `Peers ${this.#io.section}: update log of table '${o.local.name}' overflowed for '${this.#io.peer}': full resync`,
      );
      this.#startResync(o);
      return this.#resyncStep(o);
    }
    o.cursor = reached;
    o.pushed += b.count;
    this.#io.send({ updates: b.finish(reached) });
    return true;
  }

  #resyncStep(o: Outbound): boolean {
    const snap = o.snap!;
    const t = o.local.table;
    const b = new BatchBuilder(t.def.type, o.id, true);
    let i = o.snapPos;
    while (i < snap.length && b.size < BATCH_BYTES) {
      const e = snap[i++]!;
      if (!e.gone) b.add(t.exportEntry(e, true));
    }
    o.snapPos = i;
    if (b.count > 0) {
      o.pushed += b.count;
      o.resyncSent += b.count;
      this.#io.send({ updates: b.finish(0) });
    }
    if (i >= snap.length) {
      o.snap = undefined;
      o.mode = 'live';
      o.cursor = o.resyncUpto;
      this.#io.send({ resyncEnd: { table: o.id, updateId: o.resyncUpto, entries: o.resyncSent } });
    }
    return true;
  }

  #applied(inb: Inbound, remoteId: number, updateId: number): void {
    inb.lastGet = updateId;
    this.#link.rx.set(inb.local.name, { table: inb.local.table, epoch: inb.remoteEpoch, applied: updateId });
    this.#pendingAcks.set(remoteId, updateId);
  }
}
