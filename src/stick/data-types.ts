// The data a stick table stores per entry (`store ...`), and where each value
// lives in an entry's numeric array. The order is HAProxy 2.6's (the order
// `show table` prints them in).
//
// Four kinds of value, because they replicate differently across peers:
// - counter: each node counts its own share; the cluster value is the sum;
// - rate: a sliding-window frequency counter (3 slots, see freq.ts), summed
//   the same way;
// - gpt: a general purpose tag, set rather than counted: the newest write wins;
// - server: server_id / server_key, kept by server name so that nodes agree
//   (not in the numeric array; the entry holds the name).

import { parseTime } from '../config/units.ts';

export type DataKind = 'counter' | 'rate' | 'gpt' | 'server';

interface DataSpec {
  readonly name: string;
  readonly kind: DataKind;
  /** Takes a period argument: `http_req_rate(10s)`. */
  readonly period: boolean;
  /** An array type: `gpc(N)`, `gpc_rate(N,P)`, `gpt(N)`. */
  readonly array: boolean;
}

function spec(name: string, kind: DataKind, period = false, array = false): DataSpec {
  return { name, kind, period, array };
}

/** Every storable type, in HAProxy 2.6's order. */
export const DATA_SPECS: readonly DataSpec[] = [
  spec('server_id', 'server'),
  spec('gpt0', 'gpt'),
  spec('gpc0', 'counter'),
  spec('gpc0_rate', 'rate', true),
  spec('conn_cnt', 'counter'),
  spec('conn_rate', 'rate', true),
  spec('conn_cur', 'counter'),
  spec('sess_cnt', 'counter'),
  spec('sess_rate', 'rate', true),
  spec('http_req_cnt', 'counter'),
  spec('http_req_rate', 'rate', true),
  spec('http_err_cnt', 'counter'),
  spec('http_err_rate', 'rate', true),
  spec('bytes_in_cnt', 'counter'),
  spec('bytes_in_rate', 'rate', true),
  spec('bytes_out_cnt', 'counter'),
  spec('bytes_out_rate', 'rate', true),
  spec('gpc1', 'counter'),
  spec('gpc1_rate', 'rate', true),
  spec('server_key', 'server'),
  spec('http_fail_cnt', 'counter'),
  spec('http_fail_rate', 'rate', true),
  spec('gpt', 'gpt', false, true),
  spec('gpc', 'counter', false, true),
  spec('gpc_rate', 'rate', true, true),
];

const BY_NAME = new Map(DATA_SPECS.map((s) => [s.name, s]));

/** HAProxy's limit on array types' length. */
export const MAX_ARRAY = 100;

/** One stored type, placed in the entry layout. */
export interface StoredData {
  readonly name: string;
  readonly kind: DataKind;
  /** Rate period in ms (0 for non-rates). */
  readonly period: number;
  /** Elements (1 for scalar types). */
  readonly count: number;
  /** First slot in the entry's numeric array (-1 for server types). */
  readonly offset: number;
  /** Slots per element: 3 for rates, 1 otherwise, 0 for server types. */
  readonly width: number;
}

/** The stored types of one table and the size of an entry's numeric array. */
export interface DataLayout {
  readonly stored: readonly StoredData[];
  readonly byName: ReadonlyMap<string, StoredData>;
  readonly slots: number;
  /** Stores server_id or server_key. */
  readonly server: boolean;
  /** Slots holding counters or rates (summed across peers); the rest are tags. */
  readonly summed: readonly StoredData[];
}

export type StoreParse = { layout: DataLayout; error?: undefined } | { layout?: undefined; error: string };

interface Wanted {
  spec: DataSpec;
  period: number;
  count: number;
}

function parseOne(item: string): Wanted | string {
  const m = /^([a-z0-9_]+)(?:\(([^()]*)\))?$/.exec(item);
  if (!m) return `invalid data type '${item}'`;
  const s = BY_NAME.get(m[1]!);
  if (!s) return `unknown data type '${m[1]}'`;
  const args = m[2] === undefined ? [] : m[2].split(',').map((a) => a.trim());
  const need = (s.array ? 1 : 0) + (s.period ? 1 : 0);
  if (args.length !== need) {
    const shape = s.array && s.period ? '(N,period)' : s.array ? '(N)' : s.period ? '(period)' : '';
    return need === 0 ? `data type '${s.name}' takes no argument` : `data type '${s.name}' expects ${s.name}${shape}`;
  }
  let count = 1;
  let period = 0;
  if (s.array) {
    const n = Number(args[0]);
    if (!Number.isInteger(n) || n < 1 || n > MAX_ARRAY) return `data type '${s.name}': array length '${args[0]}' must be between 1 and ${MAX_ARRAY}`;
    count = n;
  }
  if (s.period) {
    const t = parseTime(args[args.length - 1]!);
    if (t.error !== undefined) return `data type '${s.name}': ${t.error}`;
    if (t.value === 0) return `data type '${s.name}': the period must not be zero`;
    period = t.value;
  }
  return { spec: s, period, count };
}

/**
 * Parses the arguments of `store` (each may hold several comma-separated
 * types, as HAProxy allows) into a layout. Storing a type twice is an error.
 */
export function parseStore(items: readonly string[]): StoreParse {
  const wanted = new Map<string, Wanted>();
  for (const group of items) {
    for (const item of splitTopLevel(group)) {
      const w = parseOne(item);
      if (typeof w === 'string') return { error: w };
      if (wanted.has(w.spec.name)) return { error: `data type '${w.spec.name}' is stored twice` };
      wanted.set(w.spec.name, w);
    }
  }
  return { layout: makeLayout(wanted) };
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.filter((s) => s !== '');
}

function makeLayout(wanted: Map<string, Wanted>): DataLayout {
  const stored: StoredData[] = [];
  let slots = 0;
  for (const s of DATA_SPECS) {
    const w = wanted.get(s.name);
    if (!w) continue;
    const width = s.kind === 'server' ? 0 : s.kind === 'rate' ? 3 : 1;
    stored.push({ name: s.name, kind: s.kind, period: w.period, count: w.count, offset: width === 0 ? -1 : slots, width });
    slots += width * w.count;
  }
  return {
    stored,
    byName: new Map(stored.map((d) => [d.name, d])),
    slots,
    server: stored.some((d) => d.kind === 'server'),
    summed: stored.filter((d) => d.kind === 'counter' || d.kind === 'rate'),
  };
}

/** `store` written back (for config hashes and `show table` headers). */
export function storeText(layout: DataLayout): string {
  return layout.stored
    .map((d) => {
      const args: string[] = [];
      if (d.count > 1 || (BY_NAME.get(d.name)?.array ?? false)) args.push(String(d.count));
      if (d.period > 0) args.push(String(d.period));
      return args.length > 0 ? `${d.name}(${args.join(',')})` : d.name;
    })
    .join(',');
}
