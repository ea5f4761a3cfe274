// Stick tables for the sc_* / src_* / table_* tests: real StickTables
// (src/stick) under a fixed clock, their entries written through the table
// API, a session tracking three of them in sc0..sc2 (StickCounters, which
// counts the connection as it tracks), and another node's share of every
// entry imported the way peers deliver it, so that the cluster variants
// have something to add up. The expected values are computed from the
// numbers written here (`local`, `cluster`), never read back from a table.

import type { AclCompileOptions } from '../../../src/acl/index.ts';
import { keyFromText, parseStore, StickCounters, StickTable, TableRef, VersionClock, type TableDef } from '../../../src/stick/index.ts';

/** Every type a fetch or converter reads, gpt0/gpc0/gpc1 beside the arrays. */
const STORE = [
  'server_id,gpt0,gpt(2),gpc0,gpc1,gpc(2),gpc0_rate(10s),gpc1_rate(10s),gpc_rate(2,10s)',
  'conn_cnt,conn_cur,conn_rate(10s),sess_cnt,sess_rate(10s)',
  'http_req_cnt,http_req_rate(10s),http_err_cnt,http_err_rate(10s),http_fail_cnt,http_fail_rate(10s)',
  'bytes_in_cnt,bytes_in_rate(10s),bytes_out_cnt,bytes_out_rate(10s)',
];

/** This node's writes per type (per element for arrays), times the entry's multiplier. All rates are written at one instant, so they read what was added. */
const LOCAL: Readonly<Record<string, readonly number[]>> = {
  gpt0: [7],
  gpt: [11, 13],
  gpc0: [3],
  gpc1: [5],
  gpc: [17, 19],
  gpc0_rate: [2],
  gpc1_rate: [4],
  gpc_rate: [6, 8],
  conn_cnt: [20],
  conn_cur: [1],
  conn_rate: [9],
  sess_cnt: [21],
  sess_rate: [10],
  http_req_cnt: [30],
  http_req_rate: [12],
  http_err_cnt: [14],
  http_err_rate: [15],
  http_fail_cnt: [16],
  http_fail_rate: [18],
  bytes_in_cnt: [5000],
  bytes_in_rate: [700],
  bytes_out_cnt: [9000],
  bytes_out_rate: [800],
};

/** The other node's share (counters and rates only: tags are not summed). */
const REMOTE: Readonly<Record<string, readonly number[]>> = {
  gpc0: [100],
  gpc1: [200],
  gpc: [300, 400],
  gpc0_rate: [110],
  gpc1_rate: [120],
  gpc_rate: [130, 140],
  conn_cnt: [150],
  conn_cur: [2],
  conn_rate: [160],
  sess_cnt: [170],
  sess_rate: [180],
  http_req_cnt: [190],
  http_req_rate: [210],
  http_err_cnt: [220],
  http_err_rate: [230],
  http_fail_cnt: [240],
  http_fail_rate: [250],
  bytes_in_cnt: [4000],
  bytes_in_rate: [260],
  bytes_out_cnt: [3000],
  bytes_out_rate: [270],
};

/** A tracked slot (sc0..sc2) or the client address's entry (src_*). */
export type Slot = 0 | 1 | 2 | 'src';

/** Keys tracked in sc0, sc1, sc2. */
export const SC_KEYS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'] as const;
/** The client address: in the table, not tracked. */
export const SRC = '198.51.100.7';
/** The own table's entries: the three tracked keys and SRC. */
export const ENTRIES = 4;
export const TABLE_SIZE = 100;
/** In table `other` (which stores http_req_cnt and conn_cnt only), the sc1 key alone. */
export const OTHER_HTTP_REQ_CNT = 42;
/** The server SRC sticks to, and the ids the engine would give the servers. */
const SERVER_IDS: Readonly<Record<string, number>> = { app1: 1, app2: 2 };
export const SRC_SERVER_ID = 2;

const TRACK_COUNTS = new Set(['conn_cnt', 'conn_cur', 'conn_rate']);

function multiplier(slot: Slot): number {
  return slot === 'src' ? 4 : slot + 1;
}

/** What this node holds for `type` (element `idx`) of the slot's entry. */
export function local(type: string, slot: Slot, idx = 0): number {
  const v = LOCAL[type]?.[idx];
  if (v === undefined) throw new Error(`no local value for ${type}[${idx}]`);
  // Tracking counts the connection on the tracked entries.
  return v * multiplier(slot) + (slot !== 'src' && TRACK_COUNTS.has(type) ? 1 : 0);
}

/** The cluster's value: this node's plus the other node's share. */
export function cluster(type: string, slot: Slot, idx = 0): number {
  const r = REMOTE[type]?.[idx];
  if (r === undefined) throw new Error(`no remote value for ${type}[${idx}]`);
  return local(type, slot, idx) + r * multiplier(slot);
}

/**
 * What the sc_* / src_* fetches and the table_* converters read: the name
 * after the fetch prefix, after `table_`, the type stored, whether it is an
 * array (element index first), has cluster_ forms, is shown in kB.
 */
export interface StickRead {
  readonly fetch: string;
  readonly converter: string;
  readonly type: string;
  readonly indexed: boolean;
  readonly cluster: boolean;
  readonly kbytes: boolean;
}

function read(fetch: string, converter: string, type: string, opts: { indexed?: boolean; cluster?: boolean; kbytes?: boolean } = {}): StickRead {
  return { fetch, converter, type, indexed: opts.indexed ?? false, cluster: opts.cluster ?? true, kbytes: opts.kbytes ?? false };
}

const same = (type: string): StickRead => read(type, type, type);

export const STICK_READS: readonly StickRead[] = [
  ...['conn_cnt', 'conn_cur', 'conn_rate', 'sess_cnt', 'sess_rate'].map(same),
  ...['http_req_cnt', 'http_req_rate', 'http_err_cnt', 'http_err_rate', 'http_fail_cnt', 'http_fail_rate'].map(same),
  ...['bytes_in_rate', 'bytes_out_rate', 'gpc0_rate', 'gpc1_rate'].map(same),
  read('kbytes_in', 'kbytes_in', 'bytes_in_cnt', { kbytes: true }),
  read('kbytes_out', 'kbytes_out', 'bytes_out_cnt', { kbytes: true }),
  read('get_gpt0', 'gpt0', 'gpt0', { cluster: false }),
  read('get_gpt', 'gpt', 'gpt', { indexed: true, cluster: false }),
  read('get_gpc0', 'gpc0', 'gpc0'),
  read('get_gpc1', 'gpc1', 'gpc1'),
  read('get_gpc', 'gpc', 'gpc', { indexed: true }),
  read('gpc_rate', 'gpc_rate', 'gpc_rate', { indexed: true }),
];

/** The sample `r` must give for the slot's entry: this node's value, or the cluster's with `sum`. */
export function expectedRead(r: StickRead, sum: boolean, slot: Slot, idx = 0): string {
  const v = (sum ? cluster : local)(r.type, slot, idx);
  return `int:${r.kbytes ? Math.floor(v / 1024) : v}`;
}

function def(name: string, store: string[]): TableDef {
  const p = parseStore(store);
  if (p.layout === undefined) throw new Error(p.error);
  return { name, type: 'ip', len: 0, size: TABLE_SIZE, expire: 60_000, nopurge: false, peers: undefined, layout: p.layout };
}

function key(text: string): number {
  return keyFromText('ip', 0, text) as number;
}

function write(t: StickTable, k: string, values: Readonly<Record<string, readonly number[]>>, m: number): void {
  const e = t.getOrCreate(key(k))!;
  for (const [name, vs] of Object.entries(values)) {
    const sd = t.data(name)!;
    vs.forEach((v, i) => (sd.kind === 'gpt' ? t.set(e, sd, v * m, i) : t.add(e, sd, v * m, i)));
  }
}

export interface StickWorld {
  /** Compile options naming the tables: `fe` (the proxy's own) and `other`. */
  readonly options: AclCompileOptions;
  /** The session's stick counters: sc0..sc2 track SC_KEYS in `fe`. */
  readonly counters: StickCounters;
  /** The tables' clock (ms); move it to age the rates. */
  readonly clock: { now: number };
}

/** A fresh world (fetches like sc_inc_gpc0 write to it). */
export function stickWorld(base: AclCompileOptions = {}): StickWorld {
  const clock = { now: 1_000_000 };
  const now = (): number => clock.now;
  const fe = new StickTable(def('fe', STORE), { clock: now, node: 'lb1', versions: new VersionClock(now) });
  const peer = new StickTable(def('fe', STORE), { clock: now, node: 'lb2', versions: new VersionClock(now) });
  const slots: Slot[] = [0, 1, 2, 'src'];
  for (const s of slots) {
    const k = s === 'src' ? SRC : SC_KEYS[s];
    write(fe, k, LOCAL, multiplier(s));
    write(peer, k, REMOTE, multiplier(s));
    fe.importEntry(peer.exportEntry(peer.lookup(key(k))!, false));
  }
  fe.setServer(fe.lookup(key(SRC))!, 'app2');
  const other = new StickTable(def('other', ['http_req_cnt,conn_cnt']), { clock: now, node: 'lb1', versions: new VersionClock(now) });
  write(other, SC_KEYS[1], { http_req_cnt: [OTHER_HTTP_REQ_CNT] }, 1);

  const refs = new Map<string, TableRef>();
  for (const t of [fe, other]) {
    const r = new TableRef(t.def.name, 'ip', 0);
    r.bind(t);
    r.serverId = (s) => SERVER_IDS[s] ?? 0;
    refs.set(t.def.name, r);
  }
  const counters = new StickCounters();
  SC_KEYS.forEach((k, n) => counters.track(n, refs.get('fe')!, key(k), false));
  return { options: { ...base, proxy: 'fe', stickTable: (n) => refs.get(n) }, counters, clock };
}
