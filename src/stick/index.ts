// Stick tables: keys, stored data, rates, expiry and eviction, and the
// update log and entry images that replication (cluster/peers) uses.

export { DEFAULT_KEY_LEN, KEY_TYPES, keyFromSample, keyFromText, keyText, type KeyType, type StickKey } from './key.ts';
export { DATA_SPECS, MAX_ARRAY, parseStore, storeText, type DataKind, type DataLayout, type StoredData } from './data-types.ts';
export { freqAdd, freqRead } from './freq.ts';
export { StickEntry, type Contribution } from './entry.ts';
export { StickTable, type EntryImage, type TableDef, type TableOptions, type TableThreads } from './table.ts';
export { VersionClock } from './versions.ts';
export { entryLine, tableHeader } from './show.ts';
export {
  TableRef,
  dataType,
  DT_SERVER_ID,
  DT_SERVER_KEY,
  DT_GPT0,
  DT_GPT,
  DT_GPC0,
  DT_GPC1,
  DT_GPC,
  DT_GPC0_RATE,
  DT_GPC1_RATE,
  DT_GPC_RATE,
  DT_CONN_CNT,
  DT_CONN_CUR,
  DT_CONN_RATE,
  DT_SESS_CNT,
  DT_SESS_RATE,
  DT_HTTP_REQ_CNT,
  DT_HTTP_REQ_RATE,
  DT_HTTP_ERR_CNT,
  DT_HTTP_ERR_RATE,
  DT_HTTP_FAIL_CNT,
  DT_HTTP_FAIL_RATE,
  DT_BYTES_IN_CNT,
  DT_BYTES_IN_RATE,
  DT_BYTES_OUT_CNT,
  DT_BYTES_OUT_RATE,
} from './ref.ts';
export { findData, readData, incrementGpc, clearGpc, setGpt, type DataSlot } from './access.ts';
export { StickCounters, MAX_TRACKERS } from './counters.ts';
export { StickRule, PendingStores, stickRequest, stickResponse, type StickRules, type StickTarget } from './persistence.ts';
