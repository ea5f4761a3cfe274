// Stick tables: keys, stored data, rates, expiry and eviction, and the
// update log and entry images that replication (cluster/peers) uses.

export { DEFAULT_KEY_LEN, KEY_TYPES, keyFromSample, keyFromText, keyText, type KeyType, type StickKey } from './key.ts';
export { DATA_SPECS, MAX_ARRAY, parseStore, storeText, type DataKind, type DataLayout, type StoredData } from './data-types.ts';
export { freqAdd, freqRead } from './freq.ts';
export { StickEntry, type Contribution } from './entry.ts';
export { StickTable, type EntryImage, type TableDef, type TableOptions } from './table.ts';
export { VersionClock } from './versions.ts';
export { entryLine, tableHeader } from './show.ts';
