// The stick counters of one client session (HAProxy's stkctr): what
// `track-sc0..2` rules track, and the counting HAProxy does on them. A slot
// tracked by `tcp-request connection|session` lives as long as the
// connection; one tracked by `tcp-request content`, `http-request` or
// `http-response` lives for the current request only (HAProxy's stream).
//
// Counting, as HAProxy 2.6 does it:
// - at track time: conn_cnt, conn_rate and conn_cur (conn_cur goes back
//   down when the slot is released);
// - once the connection-level rules ran: sess_cnt, sess_rate;
// - per HTTP request: http_req_cnt, http_req_rate (on the slots tracked when
//   the request starts, and on an http-request track at that moment);
// - a 4xx response, a denied or tarpitted or invalid request: http_err_*;
//   a 5xx other than 501 and 505, or a server failure: http_fail_*;
// - bytes from the client: bytes_in_*, to the client: bytes_out_*.
//
// A session allocates this object only when it tracks something; sessions
// that track nothing pay nothing.

import { bump } from './access.ts';
import type { StickEntry } from './entry.ts';
import type { StickKey } from './key.ts';
import {
  DT_BYTES_IN_CNT,
  DT_BYTES_IN_RATE,
  DT_BYTES_OUT_CNT,
  DT_BYTES_OUT_RATE,
  DT_CONN_CNT,
  DT_CONN_CUR,
  DT_CONN_RATE,
  DT_HTTP_ERR_CNT,
  DT_HTTP_ERR_RATE,
  DT_HTTP_FAIL_CNT,
  DT_HTTP_FAIL_RATE,
  DT_HTTP_REQ_CNT,
  DT_HTTP_REQ_RATE,
  DT_SESS_CNT,
  DT_SESS_RATE,
  type TableRef,
} from './ref.ts';

/** HAProxy's MAX_SESS_STKCTR: sc0, sc1, sc2. */
export const MAX_TRACKERS = 3;

export class StickCounters {
  /** Per slot: the table, the entry, and whether it ends with the current request. */
  readonly refs: (TableRef | null)[] = [null, null, null];
  readonly entries: (StickEntry | null)[] = [null, null, null];
  readonly perRequest: boolean[] = [false, false, false];
  /** Slots lent by the connection's counters (an HTTP/2 stream's view of them): never released here. */
  private readonly borrowed: boolean[] = [false, false, false];
  /** Slots in use. */
  count = 0;

  /** The entry tracked in slot `n`, or null. */
  entry(n: number): StickEntry | null {
    return n >= 0 && n < MAX_TRACKERS ? this.entries[n]! : null;
  }

  ref(n: number): TableRef | null {
    return n >= 0 && n < MAX_TRACKERS ? this.refs[n]! : null;
  }

  /**
   * track-scN: tracks `key` of `ref`'s table in slot `n` (creating the
   * entry) unless the slot is taken; counts the connection. False when
   * nothing was tracked (slot taken, table not running, table full).
   */
  track(n: number, ref: TableRef, key: StickKey, perRequest: boolean): boolean {
    if (this.entries[n] !== null) return false;
    const t = ref.table;
    if (t === null) return false;
    const e = t.getOrCreate(key);
    if (e === undefined) return false;
    t.hold(e);
    this.refs[n] = ref;
    this.entries[n] = e;
    this.perRequest[n] = perRequest;
    this.count++;
    const a = bump(ref, e, DT_CONN_CUR, 1);
    const b = bump(ref, e, DT_CONN_CNT, 1);
    const c = bump(ref, e, DT_CONN_RATE, 1);
    // HAProxy refreshes the expiry of a tracked entry even when it counts nothing.
    if (!a && !b && !c) t.touch(e);
    return true;
  }

  /** Counts a session on every slot (after the connection-level rules). */
  countSession(): void {
    this.each(DT_SESS_CNT, DT_SESS_RATE, 1);
  }

  /** Counts an HTTP request on every slot, or on slot `only`. */
  countHttpRequest(only = -1): void {
    if (only >= 0) this.one(only, DT_HTTP_REQ_CNT, DT_HTTP_REQ_RATE, 1);
    else this.each(DT_HTTP_REQ_CNT, DT_HTTP_REQ_RATE, 1);
  }

  /** A 4xx answer, or a denied, tarpitted or invalid request. */
  countHttpError(only = -1): void {
    if (only >= 0) this.one(only, DT_HTTP_ERR_CNT, DT_HTTP_ERR_RATE, 1);
    else this.each(DT_HTTP_ERR_CNT, DT_HTTP_ERR_RATE, 1);
  }

  /** A 5xx answer (but 501 and 505) or a server failure. */
  countHttpFail(only = -1): void {
    if (only >= 0) this.one(only, DT_HTTP_FAIL_CNT, DT_HTTP_FAIL_RATE, 1);
    else this.each(DT_HTTP_FAIL_CNT, DT_HTTP_FAIL_RATE, 1);
  }

  /** Counts a response status as HAProxy does (4xx: error; 5xx but 501 and 505: failure). */
  countStatus(status: number, only = -1): void {
    if (status >= 400 && status < 500) this.countHttpError(only);
    else if (status >= 500 && status < 600 && status !== 501 && status !== 505) this.countHttpFail(only);
  }

  bytesIn(n: number): void {
    if (n > 0) this.each(DT_BYTES_IN_CNT, DT_BYTES_IN_RATE, n);
  }

  bytesOut(n: number): void {
    if (n > 0) this.each(DT_BYTES_OUT_CNT, DT_BYTES_OUT_RATE, n);
  }

  /**
   * An HTTP/2 stream sees the slots its connection tracked (HAProxy's
   * session-level stkctr): requests are counted on them, but they stay
   * the connection's, tracked and released once.
   */
  borrow(conn: StickCounters): void {
    for (let n = 0; n < MAX_TRACKERS; n++) {
      if (conn.entries[n] === null || this.entries[n] !== null) continue;
      this.refs[n] = conn.refs[n]!;
      this.entries[n] = conn.entries[n]!;
      this.borrowed[n] = true;
      this.count++;
    }
  }

  /** The request ends: slots tracked for it are released. */
  endRequest(): void {
    for (let n = 0; n < MAX_TRACKERS; n++) if (this.perRequest[n] && this.entries[n] !== null) this.release(n);
  }

  /** The connection ends: every slot is released. */
  endSession(): void {
    for (let n = 0; n < MAX_TRACKERS; n++) if (this.entries[n] !== null) this.release(n);
  }

  private release(n: number): void {
    const ref = this.refs[n]!;
    const e = this.entries[n]!;
    if (this.borrowed[n]) this.borrowed[n] = false;
    else {
      bump(ref, e, DT_CONN_CUR, -1);
      ref.table?.release(e);
    }
    this.refs[n] = null;
    this.entries[n] = null;
    this.perRequest[n] = false;
    this.count--;
  }

  private each(cnt: number, rate: number, v: number): void {
    for (let n = 0; n < MAX_TRACKERS; n++) if (this.entries[n] !== null) this.one(n, cnt, rate, v);
  }

  private one(n: number, cnt: number, rate: number, v: number): void {
    const ref = this.refs[n];
    const e = this.entries[n];
    if (ref === null || ref === undefined || e === null || e === undefined) return;
    bump(ref, e, cnt, v);
    bump(ref, e, rate, v);
  }
}
