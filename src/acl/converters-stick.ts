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
import { dataType, DT_SERVER_ID, keyFromSample, readData, type StickEntry, type TableRef } from '../stick/index.ts';

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

/** table_NAME (and table_cluster_NAME): the stored type NAME, or `of` (kbytes_in reads bytes_in_cnt). */
function value(name: string, opts: { indexed?: boolean; cluster?: boolean; kbytes?: boolean; of?: string } = {}): ConverterDef[] {
  const dt = dataType(opts.of ?? name);
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
  ...value('bytes_in_rate'),
  ...value('bytes_out_rate'),
  ...value('conn_cnt'),
  ...value('conn_cur'),
  ...value('conn_rate'),
  ...value('gpt', { indexed: true, cluster: false }),
  ...value('gpt0', { cluster: false }),
  ...value('gpc', { indexed: true }),
  ...value('gpc0'),
  ...value('gpc1'),
  ...value('gpc_rate', { indexed: true }),
  ...value('gpc0_rate'),
  ...value('gpc1_rate'),
  ...value('http_err_cnt'),
  ...value('http_err_rate'),
  ...value('http_fail_cnt'),
  ...value('http_fail_rate'),
  ...value('http_req_cnt'),
  ...value('http_req_rate'),
  ...value('kbytes_in', { of: 'bytes_in_cnt', kbytes: true }),
  ...value('kbytes_out', { of: 'bytes_out_cnt', kbytes: true }),
  ...value('sess_cnt'),
  ...value('sess_rate'),
  converter('table_server_id', false, (ref, e) => (ref.dt[DT_SERVER_ID] === undefined ? undefined : e.srv === undefined ? 0 : ref.serverId(e.srv))),
  converter('table_trackers', false, (_ref, e) => e.use),
];
