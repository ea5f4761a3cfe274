// The process's stick tables: one per `stick-table` line (named after its
// proxy) and per peers section `table` line (PEERS/NAME). The compiled
// configuration refers to them through TableRefs (StickTableSet); the
// engine builds the running tables, binds the refs, purges expired entries
// in the background, and on reload keeps a table whose definition did not
// change as the same object (entries and all), and copies what still fits
// into one that changed.

import { hostname } from 'node:os';
import type { Config, StickTableConfig } from '../config/index.ts';
import type { RuntimeBackend } from '../backend/index.ts';
import { parseStore, StickTable, TableRef, type TableDef } from '../stick/index.ts';

/** The tables a configuration declares, as refs that rules hold until the engine binds them. */
export class StickTableSet {
  readonly configs = new Map<string, StickTableConfig>();
  readonly refs = new Map<string, TableRef>();

  constructor(config: Config) {
    const all: StickTableConfig[] = [];
    for (const p of config.peers.values()) all.push(...(p.tables ?? []));
    for (const p of [...config.frontends.values(), ...config.backends.values()]) if (p.stickTable !== undefined) all.push(p.stickTable);
    // Declaration order (a listen's table is seen twice, once kept); `show table` lists them newest first, as HAProxy does.
    const file = (t: StickTableConfig): number => config.files.indexOf(t.pos.file);
    all.sort((a, b) => file(a) - file(b) || a.pos.line - b.pos.line);
    for (const t of all) {
      if (this.configs.has(t.name)) continue;
      this.configs.set(t.name, t);
      this.refs.set(t.name, new TableRef(t.name, t.type, t.len));
    }
  }

  /** For compile options: the ref of a table by name. */
  readonly resolve = (name: string): TableRef | undefined => this.refs.get(name);
}

/** The table's definition: what `stick-table` says, plus server_id/server_key when stick rules use it (as HAProxy adds them). */
export function tableDef(t: StickTableConfig, server: boolean): TableDef {
  const store = [...t.store];
  if (server) {
    const names = new Set(store.map((s) => s.replace(/\(.*$/, '')));
    if (!names.has('server_id')) store.push('server_id');
    if (!names.has('server_key')) store.push('server_key');
  }
  const p = parseStore(store);
  // The configuration parser checked every item: a failure here is a bug.
  if (p.layout === undefined) throw new Error(`stick table ${t.name}: ${p.error}`);
  return { name: t.name, type: t.type, len: t.len, size: t.size, expire: t.expire, nopurge: t.nopurge, peers: t.peers, layout: p.layout };
}

function sameDef(a: TableDef, b: TableDef): boolean {
  if (a.name !== b.name || a.type !== b.type || a.len !== b.len || a.size !== b.size || a.expire !== b.expire || a.nopurge !== b.nopurge || a.peers !== b.peers) {
    return false;
  }
  const x = a.layout.stored;
  const y = b.layout.stored;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    if (x[i]!.name !== y[i]!.name || x[i]!.period !== y[i]!.period || x[i]!.count !== y[i]!.count) return false;
  }
  return true;
}

/**
 * Copies into `to` the entries of `from` that fit: same key type and length,
 * the server and the data types both store (counters exactly, rates as their
 * current value, restarted now). When `to` is smaller, the most recently
 * written entries are the ones kept.
 */
export function copyEntries(from: StickTable, to: StickTable): number {
  if (from.def.type !== to.def.type || from.def.len !== to.def.len) return 0;
  const shared = to.def.layout.stored.filter((d) => {
    const o = from.def.layout.byName.get(d.name);
    return o !== undefined && o.kind === d.kind && d.kind !== 'server';
  });
  const storesServer = to.def.layout.server;
  let n = 0;
  for (const e of from.entries()) {
    const c = to.getOrCreate(e.key);
    if (c === undefined) break;
    if (storesServer && e.srv !== undefined) to.setServer(c, e.srv);
    for (const d of shared) {
      const o = from.def.layout.byName.get(d.name)!;
      for (let i = 0; i < Math.min(d.count, o.count); i++) to.set(c, d, from.value(e, o, i), i);
    }
    n++;
  }
  return n;
}

/** A clock for tables: monotonic milliseconds, never 0. */
export function tableClock(): number {
  return performance.now() + 1;
}

/**
 * The running tables for a configuration: the tables of `previous` whose
 * definition is unchanged are kept (same objects), the others are new with
 * what fits copied over. Nothing of `previous` is changed.
 */
export function buildStickTables(config: Config, set: StickTableSet, previous: ReadonlyMap<string, StickTable>): Map<string, StickTable> {
  const node = config.localName ?? hostname();
  const out = new Map<string, StickTable>();
  for (const [name, cfg] of set.configs) {
    const def = tableDef(cfg, set.refs.get(name)!.server);
    const old = previous.get(name);
    if (old !== undefined && sameDef(old.def, def)) {
      out.set(name, old);
      continue;
    }
    const t = new StickTable(def, { clock: tableClock, node });
    if (old !== undefined) copyEntries(old, t);
    out.set(name, t);
  }
  return out;
}

/**
 * Binds the refs of a compiled configuration to the running tables. A
 * server stored by name shows as its id in the backend named like the
 * table, else in the first backend that has a server of that name.
 */
export function bindStickTables(set: StickTableSet, tables: ReadonlyMap<string, StickTable>, backends: ReadonlyMap<string, RuntimeBackend>): void {
  for (const [name, ref] of set.refs) {
    const t = tables.get(name);
    if (t === undefined) continue;
    ref.bind(t);
    ref.serverId = (server: string): number => serverIdOf(backends, name, server);
  }
}

export function serverIdOf(backends: ReadonlyMap<string, RuntimeBackend>, table: string, server: string): number {
  const own = backends.get(table)?.byName.get(server);
  if (own !== undefined) return own.id;
  for (const be of backends.values()) {
    const s = be.byName.get(server);
    if (s !== undefined) return s.id;
  }
  return 0;
}

/** Expired entries leave in the background, a bounded number per table and tick, so no tick is long. */
const PURGE_EVERY_MS = 250;
const PURGE_PER_TICK = 2000;

export class StickPurger {
  private timer: NodeJS.Timeout | null = null;
  private readonly tables: () => Iterable<StickTable>;

  constructor(tables: () => Iterable<StickTable>) {
    this.tables = tables;
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      for (const t of this.tables()) t.purgeExpired(PURGE_PER_TICK);
    }, PURGE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
