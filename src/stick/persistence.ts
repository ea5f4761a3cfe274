// Server persistence through stick tables (`stick on|match|store-request|
// store-response`), with HAProxy 2.6's semantics (process_sticking_rules
// and process_store_rules):
// - request time, rules in order: a match rule looks the key up; the first
//   entry naming a server the backend can use sends the request there
//   (a DOWN or maintenance server is skipped, unless `option persist` or
//   `force-persist`), and every entry found is touched; a store rule
//   remembers the key, only the first store rule per table counting;
// - once the server is known (TCP: connected; HTTP: response headers), the
//   remembered keys and those of store-response rules are written with the
//   server's name, whichever server it is: a client whose server went down
//   is moved, and its entry follows it.
// Servers are stored by name, so that nodes sharing a table agree.

import type { Condition, Sample, SampleContext, SampleExpression } from '../acl/index.ts';
import { keyFromSample, type StickKey } from './key.ts';
import type { TableRef } from './ref.ts';

export class StickRule {
  /** `stick match` and `stick on`. */
  readonly match: boolean;
  /** `stick store-*` and `stick on`. */
  readonly store: boolean;
  /** `stick store-response`: the key comes from the response. */
  readonly onResponse: boolean;
  readonly expr: SampleExpression;
  readonly ref: TableRef;
  /** null: always applies. */
  readonly cond: Condition | null;

  constructor(kind: 'on' | 'match' | 'store-request' | 'store-response', expr: SampleExpression, ref: TableRef, cond: Condition | null) {
    this.match = kind === 'on' || kind === 'match';
    this.store = kind !== 'match';
    this.onResponse = kind === 'store-response';
    this.expr = expr;
    this.ref = ref;
    this.cond = cond;
  }
}

/** A backend's rules, split by when they run. */
export interface StickRules {
  readonly request: readonly StickRule[];
  readonly response: readonly StickRule[];
}

/** What the request's session says about a server an entry names. */
export interface StickTarget {
  /**
   * The server named `name` takes this request if the backend can use it
   * (or persistence is forced); true when the session assigned it.
   */
  stickTo(name: string): boolean;
}

/** HAProxy keeps at most 8 pending stores per request. */
const MAX_STORES = 8;

/** The keys to write once the server is known, one per table at most. */
export class PendingStores {
  readonly refs: TableRef[] = [];
  readonly keys: StickKey[] = [];

  get length(): number {
    return this.refs.length;
  }

  has(ref: TableRef): boolean {
    for (let i = 0; i < this.refs.length; i++) if (this.refs[i] === ref) return true;
    return false;
  }

  add(ref: TableRef, key: StickKey): void {
    if (this.refs.length >= MAX_STORES) return;
    this.refs.push(ref);
    this.keys.push(key);
  }

  clear(): void {
    this.refs.length = 0;
    this.keys.length = 0;
  }

  /** Writes every pending key with `server`, and forgets them. */
  commit(server: string): void {
    for (let i = 0; i < this.refs.length; i++) {
      const t = this.refs[i]!.table;
      if (t === null) continue;
      const e = t.getOrCreate(this.keys[i]!);
      if (e !== undefined) t.setServer(e, server);
    }
    this.clear();
  }
}

function keyOf(r: StickRule, ctx: SampleContext, smp: Sample): StickKey | undefined {
  smp.reset();
  if (!r.expr.process(ctx, smp, false)) return undefined;
  return keyFromSample(r.ref.type, r.ref.len, smp);
}

/**
 * Runs the request-time rules: may assign a server through `target`, and
 * fills `pending` with the keys to store. `smp` is a scratch sample.
 */
export function stickRequest(rules: StickRules, ctx: SampleContext, target: StickTarget, pending: PendingStores, smp: Sample): void {
  let assigned = false;
  const list = rules.request;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    // Only the first store rule of each table applies (a `stick on` included).
    if (r.store && pending.has(r.ref)) continue;
    if (r.cond !== null && !r.cond.eval(ctx)) continue;
    const key = keyOf(r, ctx, smp);
    if (key === undefined) continue;
    if (r.match) {
      const t = r.ref.table;
      const e = t?.lookup(key);
      if (t != null && e !== undefined) {
        if (!assigned && e.srv !== undefined) assigned = target.stickTo(e.srv);
        t.touch(e);
      }
    }
    if (r.store) pending.add(r.ref, key);
  }
}

/** Runs the store-response rules: adds their keys to `pending` (first per table). */
export function stickResponse(rules: StickRules, ctx: SampleContext, pending: PendingStores, smp: Sample): void {
  const list = rules.response;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    if (pending.has(r.ref)) continue;
    if (r.cond !== null && !r.cond.eval(ctx)) continue;
    const key = keyOf(r, ctx, smp);
    if (key !== undefined) pending.add(r.ref, key);
  }
}
