// How `nbthread` workers' counters become one view (pure: no I/O). Each
// extra worker keeps what it last reported and sends the difference; the
// main thread adds differences into its own frontends, backends and
// servers, so totals, `clear counters` and reloads behave as in one
// process. Current sessions are one shared count already (shared-cells.ts);
// the highest count each worker saw is folded in (the highest of all)
// only while an answer is rendered (withGauges).

import type { RuntimeBackend } from '../backend/index.ts';
import type { ProcessCounters, RuntimeFrontend } from '../proxy/index.ts';

/** What holds counters: an Engine, seen through what the stats read. */
export interface CounterSource {
  readonly counters: ProcessCounters;
  readonly frontends: ReadonlyMap<string, RuntimeFrontend>;
  readonly backends: ReadonlyMap<string, RuntimeBackend>;
}

const PROCESS_TOTALS = ['cumConns', 'cumRequests', 'invalidRequests', 'invalidResponses'] as const;
const FRONTEND_TOTALS = ['cumConns', 'cumRequests', 'deniedReq', 'deniedConn', 'deniedSess', 'failedReq', 'bytesIn', 'bytesOut', 'failedHandshakes'] as const;
const BACKEND_TOTALS = ['cumConns', 'cumRequests', 'failedConns', 'failedResp', 'retriesCount', 'redispatches', 'bytesIn', 'bytesOut'] as const;
const SERVER_TOTALS = ['cumConns', 'failedConns', 'failedResp', 'retries', 'redispatches', 'bytesIn', 'bytesOut'] as const;
/** Responses by class (1xx..5xx, other) follow the named totals. */
const RESPONSE_CLASSES = 6;

/** Totals by object: 'p' the process, 'f/NAME', 'b/NAME', 's/BACKEND/SERVER'. */
export type Totals = Record<string, number[]>;
/** Current and max sessions by the same keys. */
export type Gauges = Record<string, [number, number]>;

export interface CounterReport {
  /** Totals since the previous report. */
  readonly delta: Totals;
  /** Gauges as they are now. */
  readonly gauges: Gauges;
}

type Numeric = Record<string, number>;

function read(o: object, fields: readonly string[], responses: readonly number[] | null): number[] {
  const out: number[] = [];
  for (const f of fields) out.push((o as Numeric)[f] ?? 0);
  if (responses !== null) for (let i = 0; i < RESPONSE_CLASSES; i++) out.push(responses[i] ?? 0);
  return out;
}

function add(o: object, fields: readonly string[], responses: number[] | null, d: readonly number[]): void {
  const n = o as Numeric;
  for (let i = 0; i < fields.length; i++) n[fields[i]] = (n[fields[i]] ?? 0) + (d[i] ?? 0);
  if (responses !== null) for (let i = 0; i < RESPONSE_CLASSES; i++) responses[i] += d[fields.length + i] ?? 0;
}

function each(src: CounterSource, visit: (key: string, o: object, fields: readonly string[], responses: number[] | null) => void): void {
  visit('p', src.counters, PROCESS_TOTALS, null);
  for (const fe of src.frontends.values()) visit(`f/${fe.name}`, fe, FRONTEND_TOTALS, fe.responses);
  for (const be of src.backends.values()) {
    visit(`b/${be.name}`, be, BACKEND_TOTALS, be.responses);
    for (const s of be.servers) visit(`s/${be.name}/${s.name}`, s, SERVER_TOTALS, s.responses);
  }
}

/** The worker side: what changed since the last report. */
export class CounterReporter {
  private last: Totals = {};

  report(src: CounterSource): CounterReport {
    const now: Totals = {};
    const delta: Totals = {};
    const gauges: Gauges = {};
    each(src, (key, o, fields, responses) => {
      const cur = read(o, fields, responses);
      now[key] = cur;
      const prev = this.last[key];
      // A counter below its last report was reset: all of it is new.
      delta[key] = cur.map((v, i) => (prev === undefined || v < prev[i] ? v : v - prev[i]));
      const g = o as Numeric;
      gauges[key] = [g.active ?? 0, g.maxActive ?? 0];
    });
    this.last = now;
    return { delta, gauges };
  }
}

/** The main thread's side: fold totals in for good. Objects gone since (a reload) lose their share, as in one process. */
export function addTotals(dst: CounterSource, delta: Totals): void {
  each(dst, (key, o, fields, responses) => {
    const d = delta[key];
    if (d !== undefined) add(o, fields, responses, d);
  });
}

/**
 * Runs `read` with the main thread's max sessions raised to the highest
 * any worker saw (`gauges`), and puts them back before anything else
 * runs: `read` must be synchronous. Current sessions are shared counts,
 * the same in every thread: nothing is added to them.
 */
export function withGauges<T>(dst: CounterSource, gauges: Gauges, read: () => T): T {
  const touched: Array<[Numeric, number]> = [];
  each(dst, (key, o) => {
    const g = gauges[key];
    const n = o as Numeric;
    if (g === undefined || g[1] <= n.maxActive) return;
    touched.push([n, n.maxActive]);
    n.maxActive = g[1];
  });
  try {
    return read();
  } finally {
    // `clear counters` may have reset the max meanwhile: never above what it was.
    for (const [n, own] of touched) n.maxActive = Math.min(n.maxActive, own);
  }
}

/** Combines per-worker gauges: current sessions as reported, max sessions the highest. */
export function sumGauges(all: Iterable<Gauges>): Gauges {
  const out: Gauges = {};
  for (const g of all) {
    for (const key in g) {
      const cur = out[key];
      if (cur === undefined) out[key] = [g[key][0], g[key][1]];
      else {
        cur[0] = Math.max(cur[0], g[key][0]);
        cur[1] = Math.max(cur[1], g[key][1]);
      }
    }
  }
  return out;
}

