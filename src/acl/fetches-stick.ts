// Stick-table fetches, HAProxy 2.6's sc_* / sc0_* / sc1_* / sc2_* (the
// session's tracked counters, optionally the same key in another table),
// src_* (the client address looked up in a table, the proxy's own by
// default), table_cnt and table_avl; and Hawser's cluster-wide variants,
// named with `cluster_` after the prefix (sc_cluster_http_req_rate(0),
// sc0_cluster_conn_cur, src_cluster_http_req_rate): the same value summed
// over every node sharing the table (StickTable.clusterValue).
//
// As in HAProxy: an sc fetch on a counter not tracked, or on a type the
// table does not store, has no value; a key not in the table reads 0.

import { Arg, type ArgSpec, type ArgType } from './args.ts';
import { AclCode, AclError } from './errors.ts';
import { addressSample } from './fetches-l4.ts';
import { type CompileContext, type FetchDef, USE_ANY } from './keyword.ts';
import { Sample, type SampleContext, SMP_BOOL, SMP_INT } from './sample.ts';
import { clearGpc, dataType, DT_CONN_CNT, incrementGpc, keyFromSample, readData, type StickEntry, TableRef } from '../stick/index.ts';

/** What a stick fetch does with the entry it found. */
type Op =
  | { kind: 'read'; dt: number; cluster: boolean; kbytes?: boolean }
  | { kind: 'inc'; counter: number; rate: number }
  | { kind: 'clr'; counter: number }
  | { kind: 'trackers' };

interface Getter {
  /** The name after the prefix: `http_req_rate`, `get_gpc0`... */
  readonly name: string;
  readonly op: Op;
  /** Takes an element index first (`sc_get_gpc(idx,ctr)`, `src_gpc_rate(idx)`). */
  readonly indexed: boolean;
  /** Has sc0_ / sc1_ / sc2_ forms (HAProxy has none for the indexed ones). */
  readonly numbered: boolean;
  /** Has a src_ form. */
  readonly src: boolean;
}

/** `name` (and cluster_`name`) reads the stored type of that name, less HAProxy's get_ prefix (get_gpc0 reads gpc0). */
function read(name: string, indexed = false, cluster = true): Getter[] {
  const dt = dataType(name.startsWith('get_') ? name.slice(4) : name);
  const g: Getter[] = [{ name, op: { kind: 'read', dt, cluster: false }, indexed, numbered: !indexed, src: true }];
  if (cluster) g.push({ name: `cluster_${name}`, op: { kind: 'read', dt, cluster: true }, indexed, numbered: !indexed, src: true });
  return g;
}

/** kbytes_in / kbytes_out: the bytes_*_cnt type `of`, in kilobytes. */
function kbytes(name: string, of: string): Getter[] {
  const dt = dataType(of);
  return [
    { name, op: { kind: 'read', dt, cluster: false, kbytes: true }, indexed: false, numbered: true, src: true },
    { name: `cluster_${name}`, op: { kind: 'read', dt, cluster: true, kbytes: true }, indexed: false, numbered: true, src: true },
  ];
}

const GETTERS: readonly Getter[] = [
  ...read('conn_cnt'),
  ...read('conn_cur'),
  ...read('conn_rate'),
  ...read('sess_cnt'),
  ...read('sess_rate'),
  ...read('http_req_cnt'),
  ...read('http_req_rate'),
  ...read('http_err_cnt'),
  ...read('http_err_rate'),
  ...read('http_fail_cnt'),
  ...read('http_fail_rate'),
  ...read('bytes_in_rate'),
  ...read('bytes_out_rate'),
  ...kbytes('kbytes_in', 'bytes_in_cnt'),
  ...kbytes('kbytes_out', 'bytes_out_cnt'),
  ...read('get_gpt0', false, false),
  ...read('get_gpt', true, false),
  ...read('get_gpc0'),
  ...read('get_gpc1'),
  ...read('get_gpc', true),
  ...read('gpc0_rate'),
  ...read('gpc1_rate'),
  ...read('gpc_rate', true),
  { name: 'inc_gpc0', op: { kind: 'inc', counter: dataType('gpc0'), rate: dataType('gpc0_rate') }, indexed: false, numbered: true, src: true },
  { name: 'inc_gpc1', op: { kind: 'inc', counter: dataType('gpc1'), rate: dataType('gpc1_rate') }, indexed: false, numbered: true, src: true },
  { name: 'inc_gpc', op: { kind: 'inc', counter: dataType('gpc'), rate: dataType('gpc_rate') }, indexed: true, numbered: false, src: true },
  { name: 'clr_gpc0', op: { kind: 'clr', counter: dataType('gpc0') }, indexed: false, numbered: true, src: true },
  { name: 'clr_gpc1', op: { kind: 'clr', counter: dataType('gpc1') }, indexed: false, numbered: true, src: true },
  { name: 'clr_gpc', op: { kind: 'clr', counter: dataType('gpc') }, indexed: true, numbered: false, src: true },
  { name: 'trackers', op: { kind: 'trackers' }, indexed: false, numbered: true, src: false },
];

function unknownTable(name: string, argNo: number, kw: string, cc: CompileContext): AclError {
  const o = cc.options;
  return new AclError(
    AclCode.UNKNOWN_REFERENCE,
    `unable to find table '${name}' referenced in arg ${argNo} of ${kw}${o.proxy ? ` in proxy '${o.proxy}'` : ''}`,
    { file: cc.file, line: cc.line },
  );
}

/**
 * Resolves the table argument at `at` into arg.obj; with `orOwn`, a missing
 * argument names the proxy's own table (an Arg is then added to hold it).
 * `kw` names the keyword in messages ("ACL keyword 'src_conn_cnt'").
 */
export function resolveTableArg(args: Arg[], at: number, kw: string, cc: CompileContext, orOwn: boolean): AclError | undefined {
  let a = args[at];
  if (a === undefined || a.str === '') {
    if (!orOwn) return undefined;
    if (a === undefined) {
      a = new Arg('tab', '');
      args[at] = a;
    }
  }
  const name = a.str !== '' ? a.str : (cc.options.proxy ?? '');
  const resolve = cc.options.stickTable;
  if (resolve === undefined) {
    // A check without tables (unit use): the fetch finds nothing at run time.
    a.obj = new TableRef(name, 'ip', 0);
    return undefined;
  }
  const ref = resolve(name);
  if (ref === undefined) return unknownTable(name, at + 1, kw, cc);
  a.obj = ref;
  return undefined;
}

// The entry a fetch works on, set by the locate functions (fetches run one at a time).
let curRef: TableRef | null = null;
let curEntry: StickEntry | null = null;
const srcSmp = new Sample();

/** sc_*, scN_*: the tracked counter `n`, or the same key in the table of `alt`. */
function locateTracked(ctx: SampleContext, n: number, alt: Arg | undefined): boolean {
  const c = ctx.stickCounters?.() ?? null;
  if (c === null) return false;
  const e = c.entry(n);
  if (e === null) return false;
  const other = alt?.obj as TableRef | null | undefined;
  if (other == null) {
    curRef = c.ref(n);
    curEntry = e;
    return true;
  }
  curRef = other;
  curEntry = other.table?.lookup(e.key) ?? null;
  return true;
}

/** src_*: the client address in the table; `create` makes the entry (src_inc_*, src_clr_*). */
function locateSource(ctx: SampleContext, tab: Arg, create: boolean): boolean {
  const ref = tab.obj as TableRef;
  const t = ref.table;
  if (t === null) return false;
  srcSmp.reset();
  if (!addressSample(ctx.clientAddress(), srcSmp)) return false;
  const key = keyFromSample(ref.type, ref.len, srcSmp);
  if (key === undefined) return false;
  curRef = ref;
  curEntry = (create ? t.getOrCreate(key) : t.lookup(key)) ?? null;
  return true;
}

/** Applies `op` to the located entry into `smp`. */
function apply(op: Op, idx: number, smp: Sample): boolean {
  const ref = curRef!;
  const e = curEntry;
  if (op.kind === 'trackers') {
    smp.setInt(e === null ? 0 : e.use);
    return true;
  }
  if (e === null) {
    smp.setInt(0);
    return true;
  }
  let v: number | undefined;
  if (op.kind === 'read') {
    v = readData(ref, e, op.dt, idx, op.cluster);
    if (v !== undefined && op.kbytes === true) v = Math.floor(v / 1024);
  } else if (op.kind === 'inc') v = incrementGpc(ref, e, op.counter, op.rate, idx);
  else v = clearGpc(ref, e, op.counter, idx);
  if (v === undefined) return false;
  smp.setInt(v);
  return true;
}

function spec(indexed: boolean, rest: ArgType[], min: number): ArgSpec {
  return indexed ? { types: ['sint', ...rest], min: min + 1 } : { types: rest, min };
}

function makeFetches(g: Getter): FetchDef[] {
  const out: FetchDef[] = [];
  const off = g.indexed ? 1 : 0;
  const create = g.op.kind === 'inc' || g.op.kind === 'clr';
  const op = g.op;
  const sc = `sc_${g.name}`;
  out.push({
    name: sc,
    args: spec(g.indexed, ['sint', 'tab'], 1),
    out: SMP_INT,
    use: USE_ANY,
    validate: (a, cc) => resolveTableArg(a, off + 1, `ACL keyword '${sc}'`, cc, false),
    fetch: (ctx, a, smp) => {
      if (!locateTracked(ctx, a[off]!.int, a[off + 1])) return false;
      return apply(op, g.indexed ? a[0]!.int : 0, smp);
    },
  });
  if (g.numbered) {
    for (let n = 0; n < 3; n++) {
      const name = `sc${n}_${g.name}`;
      out.push({
        name,
        args: { types: ['tab'], min: 0 },
        out: SMP_INT,
        use: USE_ANY,
        validate: (a, cc) => resolveTableArg(a, 0, `ACL keyword '${name}'`, cc, false),
        fetch: (ctx, a, smp) => locateTracked(ctx, n, a[0]) && apply(op, 0, smp),
      });
    }
  }
  if (g.src) {
    const name = `src_${g.name}`;
    out.push({
      name,
      args: spec(g.indexed, ['tab'], 0),
      out: SMP_INT,
      use: USE_ANY,
      validate: (a, cc) => resolveTableArg(a, off, `ACL keyword '${name}'`, cc, true),
      fetch: (ctx, a, smp) => locateSource(ctx, a[off]!, create) && apply(op, g.indexed ? a[0]!.int : 0, smp),
    });
  }
  return out;
}

function tracked(name: string, n: number): FetchDef {
  const numbered = n >= 0;
  return {
    name,
    args: numbered ? { types: ['tab'], min: 0 } : { types: ['sint', 'tab'], min: 1 },
    out: SMP_BOOL,
    use: USE_ANY,
    validate: (a, cc) => resolveTableArg(a, numbered ? 0 : 1, `ACL keyword '${name}'`, cc, false),
    fetch: (ctx, a, smp) => {
      smp.setBool(locateTracked(ctx, numbered ? n : a[0]!.int, undefined));
      return true;
    },
  };
}

function tableSize(name: string, f: (ref: TableRef) => number): FetchDef {
  return {
    name,
    args: { types: ['tab'], min: 0 },
    out: SMP_INT,
    use: USE_ANY,
    validate: (a, cc) => resolveTableArg(a, 0, `ACL keyword '${name}'`, cc, true),
    fetch: (_ctx, a, smp) => {
      const ref = a[0]!.obj as TableRef;
      if (ref.table === null) return false;
      smp.setInt(f(ref));
      return true;
    },
  };
}

export const STICK_FETCHES: readonly FetchDef[] = [
  ...GETTERS.flatMap(makeFetches),
  tracked('sc_tracked', -1),
  tracked('sc0_tracked', 0),
  tracked('sc1_tracked', 1),
  tracked('sc2_tracked', 2),
  {
    name: 'src_updt_conn_cnt',
    args: { types: ['tab'], min: 0 },
    out: SMP_INT,
    use: USE_ANY,
    validate: (a, cc) => resolveTableArg(a, 0, "ACL keyword 'src_updt_conn_cnt'", cc, true),
    fetch: (ctx, a, smp) => {
      if (!locateSource(ctx, a[0]!, true) || curEntry === null) return false;
      const sd = curRef!.dt[DT_CONN_CNT];
      if (sd === undefined) return false;
      curRef!.table!.add(curEntry, sd, 1);
      smp.setInt(curRef!.table!.value(curEntry, sd));
      return true;
    },
  },
  tableSize('table_cnt', (r) => r.table!.used),
  tableSize('table_avl', (r) => r.table!.def.size - r.table!.used),
];
