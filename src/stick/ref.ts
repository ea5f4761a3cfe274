// A stick table as the compiled configuration names it. Rules, fetches and
// converters are compiled before the engine builds (or carries over) the
// tables, so they hold a TableRef; the engine binds each ref to the running
// table. A ref also indexes the table's stored data by type, so that the
// request path finds a counter by array index, never by name.

import { SMP_BIN, SMP_INT, SMP_IPV4, SMP_IPV6, SMP_STR, type SampleType } from '../acl/sample.ts';
import { DATA_SPECS, type StoredData } from './data-types.ts';
import type { KeyType } from './key.ts';
import type { StickTable } from './table.ts';

/** Index of data type `name` in DATA_SPECS (HAProxy's STKTABLE_DT_* numbers); throws on a name that is none. */
export function dataType(name: string): number {
  const i = DATA_SPECS.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`no stick data type ${name}`);
  return i;
}

export const DT_SERVER_ID = dataType('server_id');
export const DT_GPT0 = dataType('gpt0');
export const DT_GPC0 = dataType('gpc0');
export const DT_GPC0_RATE = dataType('gpc0_rate');
export const DT_CONN_CNT = dataType('conn_cnt');
export const DT_CONN_RATE = dataType('conn_rate');
export const DT_CONN_CUR = dataType('conn_cur');
export const DT_SESS_CNT = dataType('sess_cnt');
export const DT_SESS_RATE = dataType('sess_rate');
export const DT_HTTP_REQ_CNT = dataType('http_req_cnt');
export const DT_HTTP_REQ_RATE = dataType('http_req_rate');
export const DT_HTTP_ERR_CNT = dataType('http_err_cnt');
export const DT_HTTP_ERR_RATE = dataType('http_err_rate');
export const DT_BYTES_IN_CNT = dataType('bytes_in_cnt');
export const DT_BYTES_IN_RATE = dataType('bytes_in_rate');
export const DT_BYTES_OUT_CNT = dataType('bytes_out_cnt');
export const DT_BYTES_OUT_RATE = dataType('bytes_out_rate');
export const DT_GPC1 = dataType('gpc1');
export const DT_GPC1_RATE = dataType('gpc1_rate');
export const DT_SERVER_KEY = dataType('server_key');
export const DT_HTTP_FAIL_CNT = dataType('http_fail_cnt');
export const DT_HTTP_FAIL_RATE = dataType('http_fail_rate');
export const DT_GPT = dataType('gpt');
export const DT_GPC = dataType('gpc');
export const DT_GPC_RATE = dataType('gpc_rate');

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
