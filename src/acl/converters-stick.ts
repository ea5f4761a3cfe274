// Stick-table converters: the sample, cast to a table's key type, looked up
// in that table (HAProxy 2.6's in_table and table_*), plus Hawser's
// table_cluster_* variants that sum a counter over every node sharing the
// table. A key not in the table reads 0; a type the table does not store
// makes the sample absent; no table argument (`src,in_table`) means the
// proxy's own table, as in HAProxy.

import type { Arg, ArgSpec } from './args.ts';
import { resolveTableArg } from './fetches-stick.ts';
import type { ConverterDef } from './keyword.ts';
import { type Sample, SMP_ANY, SMP_BOOL, SMP_INT } from './sample.ts';
import {
  DT_BYTES_IN_CNT,
  DT_BYTES_IN_RATE,
  DT_BYTES_OUT_CNT,
  DT_BYTES_OUT_RATE,
  DT_CONN_CNT,
  DT_CONN_CUR,
  DT_CONN_RATE,
  DT_GPC,
  DT_GPC0,
  DT_GPC0_RATE,
  DT_GPC1,
  DT_GPC1_RATE,
  DT_GPC_RATE,
  DT_GPT,
  DT_GPT0,
  DT_HTTP_ERR_CNT,
  DT_HTTP_ERR_RATE,
  DT_HTTP_FAIL_CNT,
  DT_HTTP_FAIL_RATE,
  DT_HTTP_REQ_CNT,
  DT_HTTP_REQ_RATE,
  DT_SERVER_ID,
  DT_SESS_CNT,
  DT_SESS_RATE,
  keyFromSample,
  readData,
  type StickEntry,
  type TableRef,
} from '../stick/index.ts';

/** The entry for the sample in the argument's table: an entry, null (no such key), or undefined (no key, or no table). */
function lookup(smp: Sample, tab: Arg): StickEntry | null | undefined {
  const ref = tab.obj as TableRef;
  const t = ref.table;
  if (t === null) return undefined;
  const key = keyFromSample(ref.type, ref.len, smp);
  if (key === undefined) return undefined;
  return t.lookup(key) ?? null;
}

function converter(name: string, indexed: boolean, run: (ref: TableRef, e: StickEntry, idx: number) => number | undefined): ConverterDef {
  const at = indexed ? 1 : 0;
  const args: ArgSpec = indexed ? { types: ['sint', 'tab'], min: 2 } : { types: ['tab'], min: 1 };
  return {
    name,
    args,
    in: SMP_ANY,
    out: SMP_INT,
    validate: (a, cc) => resolveTableArg(a, at, `converter '${name}'`, cc, true),
    convert: (smp, a) => {
      const e = lookup(smp, a[at]!);
      if (e === undefined) return false;
      if (e === null) {
        smp.setInt(0);
        return true;
      }
      const v = run(a[at]!.obj as TableRef, e, indexed ? a[0]!.int : 0);
      if (v === undefined) return false;
      smp.setInt(v);
      return true;
    },
  };
}

function value(name: string, dt: number, opts: { indexed?: boolean; cluster?: boolean; kbytes?: boolean } = {}): ConverterDef[] {
  const make = (n: string, cluster: boolean): ConverterDef =>
    converter(n, opts.indexed === true, (ref, e, idx) => {
      const v = readData(ref, e, dt, idx, cluster);
      return v !== undefined && opts.kbytes === true ? Math.floor(v / 1024) : v;
    });
  const out = [make(`table_${name}`, false)];
  if (opts.cluster !== false) out.push(make(`table_cluster_${name}`, true));
  return out;
}

export const STICK_CONVERTERS: readonly ConverterDef[] = [
  {
    name: 'in_table',
    args: { types: ['tab'], min: 1 },
    in: SMP_ANY,
    out: SMP_BOOL,
    validate: (a, cc) => resolveTableArg(a, 0, "converter 'in_table'", cc, true),
    convert: (smp, a) => {
      const e = lookup(smp, a[0]!);
      if (e === undefined) return false;
      smp.setBool(e !== null);
      return true;
    },
  },
  ...value('bytes_in_rate', DT_BYTES_IN_RATE),
  ...value('bytes_out_rate', DT_BYTES_OUT_RATE),
  ...value('conn_cnt', DT_CONN_CNT),
  ...value('conn_cur', DT_CONN_CUR),
  ...value('conn_rate', DT_CONN_RATE),
  ...value('gpt', DT_GPT, { indexed: true, cluster: false }),
  ...value('gpt0', DT_GPT0, { cluster: false }),
  ...value('gpc', DT_GPC, { indexed: true }),
  ...value('gpc0', DT_GPC0),
  ...value('gpc1', DT_GPC1),
  ...value('gpc_rate', DT_GPC_RATE, { indexed: true }),
  ...value('gpc0_rate', DT_GPC0_RATE),
  ...value('gpc1_rate', DT_GPC1_RATE),
  ...value('http_err_cnt', DT_HTTP_ERR_CNT),
  ...value('http_err_rate', DT_HTTP_ERR_RATE),
  ...value('http_fail_cnt', DT_HTTP_FAIL_CNT),
  ...value('http_fail_rate', DT_HTTP_FAIL_RATE),
  ...value('http_req_cnt', DT_HTTP_REQ_CNT),
  ...value('http_req_rate', DT_HTTP_REQ_RATE),
  ...value('kbytes_in', DT_BYTES_IN_CNT, { kbytes: true }),
  ...value('kbytes_out', DT_BYTES_OUT_CNT, { kbytes: true }),
  ...value('sess_cnt', DT_SESS_CNT),
  ...value('sess_rate', DT_SESS_RATE),
  converter('table_server_id', false, (ref, e) => (ref.dt[DT_SERVER_ID] === undefined ? undefined : e.srv === undefined ? 0 : ref.serverId(e.srv))),
  converter('table_trackers', false, (_ref, e) => e.use),
];
