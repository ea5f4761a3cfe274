// Reading and writing one data type of an entry through a TableRef, with
// HAProxy's fallbacks: gpc0 / gpc1 / gpt0 / gpc0_rate / gpc1_rate use the
// array types gpc / gpt / gpc_rate at index 0 or 1 when the numbered type
// is not stored. Shared by the sc_* / src_* fetches, the table_*
// converters, and the sc-inc-gpc* / sc-set-gpt* actions.

import type { StoredData } from './data-types.ts';
import type { StickEntry } from './entry.ts';
import {
  DT_GPC,
  DT_GPC0,
  DT_GPC0_RATE,
  DT_GPC1,
  DT_GPC1_RATE,
  DT_GPC_RATE,
  DT_GPT,
  DT_GPT0,
  type TableRef,
} from './ref.ts';

/** The stored data and element a counter of "type `dt`, element `idx`" lives in. */
export interface DataSlot {
  sd: StoredData;
  idx: number;
}

const slot: DataSlot = { sd: undefined as unknown as StoredData, idx: 0 };

/** Where a numbered type falls back to when only the array type is stored. */
const FALLBACK: ReadonlyMap<number, [number, number]> = new Map([
  [DT_GPC0, [DT_GPC, 0]],
  [DT_GPC1, [DT_GPC, 1]],
  [DT_GPT0, [DT_GPT, 0]],
  [DT_GPC0_RATE, [DT_GPC_RATE, 0]],
  [DT_GPC1_RATE, [DT_GPC_RATE, 1]],
]);

/**
 * The stored data for type `dt` (element `idx` of an array type) in `ref`'s
 * table, with HAProxy's fallback from the numbered types to the arrays;
 * null when not stored. The returned object is reused by the next call.
 */
export function findData(ref: TableRef, dt: number, idx = 0): DataSlot | null {
  let sd = ref.dt[dt];
  if (sd === undefined) {
    const fb = FALLBACK.get(dt);
    if (fb === undefined) return null;
    sd = ref.dt[fb[0]];
    idx = fb[1];
    if (sd === undefined) return null;
  }
  if (idx < 0 || idx >= sd.count) return null;
  slot.sd = sd;
  slot.idx = idx;
  return slot;
}

/** The value of type `dt` (element `idx`), local or summed over the cluster; undefined when not stored. */
export function readData(ref: TableRef, e: StickEntry, dt: number, idx: number, cluster: boolean): number | undefined {
  const t = ref.table;
  const s = findData(ref, dt, idx);
  if (t === null || s === null || e.gone) return undefined;
  return cluster ? t.clusterValue(e, s.sd, s.idx) : t.value(e, s.sd, s.idx);
}

/**
 * sc-inc-gpc* and sc_inc_gpc*: one more event on the counter and on its
 * rate, whichever are stored. Returns the counter's new value (the rate's
 * when only the rate is stored), or undefined when neither is.
 */
export function incrementGpc(ref: TableRef, e: StickEntry, counterDt: number, rateDt: number, idx: number): number | undefined {
  const t = ref.table;
  if (t === null || e.gone) return undefined;
  let out: number | undefined;
  const r = findData(ref, rateDt, idx);
  if (r !== null) {
    t.add(e, r.sd, 1, r.idx);
    out = t.value(e, r.sd, r.idx);
  }
  const c = findData(ref, counterDt, idx);
  if (c !== null) {
    t.add(e, c.sd, 1, c.idx);
    out = t.value(e, c.sd, c.idx);
  }
  return out;
}

/** sc_clr_gpc*: zeroes the counter; returns the value it had, undefined when not stored. */
export function clearGpc(ref: TableRef, e: StickEntry, counterDt: number, idx: number): number | undefined {
  const t = ref.table;
  const c = findData(ref, counterDt, idx);
  if (t === null || c === null || e.gone) return undefined;
  return t.clear(e, c.sd, c.idx);
}

/** sc-set-gpt*: sets the tag (an unsigned 32-bit value, as HAProxy stores it); false when not stored. */
export function setGpt(ref: TableRef, e: StickEntry, dt: number, idx: number, value: number): boolean {
  const t = ref.table;
  const s = findData(ref, dt, idx);
  if (t === null || s === null || e.gone) return false;
  t.set(e, s.sd, value >>> 0, s.idx);
  return true;
}

/** Adds `n` to type `dt` when stored (counters and rates the session counts); true when it was. */
export function bump(ref: TableRef, e: StickEntry, dt: number, n: number): boolean {
  const sd = ref.dt[dt];
  if (sd === undefined || e.gone) return false;
  ref.table!.add(e, sd, n);
  return true;
}
