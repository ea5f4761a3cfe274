// A stick table as the compiled configuration names it. Rules, fetches and
// converters are compiled before the engine builds (or carries over) the
// tables, so they hold a TableRef; the engine binds each ref to the running
// table. A ref also indexes the table's stored data by type, so that the
// request path finds a counter by array index, never by name.

import { SMP_BIN, SMP_INT, SMP_IPV4, SMP_IPV6, SMP_STR, type SampleType } from '../acl/sample.ts';
import { DATA_SPECS, type StoredData } from './data-types.ts';
import type { KeyType } from './key.ts';
import type { StickTable } from './table.ts';

/** Index of a data type in DATA_SPECS (HAProxy's STKTABLE_DT_* numbers). */
function dt(name: string): number {
  const i = DATA_SPECS.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`no stick data type ${name}`);
  return i;
}

export const DT_SERVER_ID = dt('server_id');
export const DT_GPT0 = dt('gpt0');
export const DT_GPC0 = dt('gpc0');
export const DT_GPC0_RATE = dt('gpc0_rate');
export const DT_CONN_CNT = dt('conn_cnt');
export const DT_CONN_RATE = dt('conn_rate');
export const DT_CONN_CUR = dt('conn_cur');
export const DT_SESS_CNT = dt('sess_cnt');
export const DT_SESS_RATE = dt('sess_rate');
export const DT_HTTP_REQ_CNT = dt('http_req_cnt');
export const DT_HTTP_REQ_RATE = dt('http_req_rate');
export const DT_HTTP_ERR_CNT = dt('http_err_cnt');
export const DT_HTTP_ERR_RATE = dt('http_err_rate');
export const DT_BYTES_IN_CNT = dt('bytes_in_cnt');
export const DT_BYTES_IN_RATE = dt('bytes_in_rate');
export const DT_BYTES_OUT_CNT = dt('bytes_out_cnt');
export const DT_BYTES_OUT_RATE = dt('bytes_out_rate');
export const DT_GPC1 = dt('gpc1');
export const DT_GPC1_RATE = dt('gpc1_rate');
export const DT_SERVER_KEY = dt('server_key');
export const DT_HTTP_FAIL_CNT = dt('http_fail_cnt');
export const DT_HTTP_FAIL_RATE = dt('http_fail_rate');
export const DT_GPT = dt('gpt');
export const DT_GPC = dt('gpc');
export const DT_GPC_RATE = dt('gpc_rate');

function noServerId(): number {
  return 0;
}

const KEY_SAMPLE_TYPES: Readonly<Record<KeyType, SampleType>> = { ip: SMP_IPV4, ipv6: SMP_IPV6, integer: SMP_INT, string: SMP_STR, binary: SMP_BIN };

const NOTHING: readonly (StoredData | undefined)[] = DATA_SPECS.map(() => undefined);

export class TableRef {
  /** The table's name: a proxy's, or PEERS/NAME. */
  readonly name: string;
  readonly type: KeyType;
  readonly len: number;
  /** Stick rules use the table: it stores server_id and server_key (HAProxy adds them). */
  server = false;
  /** The running table; null until the engine binds it (or in a configuration check). */
  table: StickTable | null = null;
  /** The table's stored data by DT_* index (undefined: not stored). */
  dt: readonly (StoredData | undefined)[] = NOTHING;
  /** The numeric id HAProxy shows for a stored server (server_id, table_server_id); 0 when unknown. Set by the engine. */
  serverId: (server: string) => number = noServerId;

  constructor(name: string, type: KeyType, len: number) {
    this.name = name;
    this.type = type;
    this.len = len;
  }

  /** The sample type keys are cast to (what a rule's expression must be able to become). */
  get sampleType(): SampleType {
    return KEY_SAMPLE_TYPES[this.type];
  }

  bind(table: StickTable): void {
    this.table = table;
    const byName = table.def.layout.byName;
    this.dt = DATA_SPECS.map((s) => byName.get(s.name));
  }
}
