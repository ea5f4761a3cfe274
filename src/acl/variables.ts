// Variables, as `set-var(txn.x)` writes them and `var(txn.x)` reads them,
// with HAProxy's scopes: proc (the whole process, kept across reloads),
// sess (one client connection), txn (one request and its response), and
// req / res (the request and response of one transaction; HAProxy keeps
// both in one store, so req.x and res.x are the same variable).
// A variable keeps the type of the sample stored in it.
//
// Maps are created on first use, so a connection that sets no variable pays
// nothing; a stored Sample is reused when the variable is set again.

import { type Sample, Sample as SampleClass, SMP_BIN, SMP_INT, SMP_STR } from './sample.ts';

/** `set-var(name,COND...)` conditions (HAProxy 2.6's VF_COND_*), as bits. */
export const VAR_IF_EXISTS = 1;
export const VAR_IF_NOT_EXISTS = 2;
export const VAR_IF_EMPTY = 4;
export const VAR_IF_NOT_EMPTY = 8;
export const VAR_IF_SET = 16;
export const VAR_IF_NOT_SET = 32;
export const VAR_IF_GT = 64;
export const VAR_IF_LT = 128;

export const VAR_CONDITIONS: Readonly<Record<string, number>> = {
  ifexists: VAR_IF_EXISTS,
  ifnotexists: VAR_IF_NOT_EXISTS,
  ifempty: VAR_IF_EMPTY,
  ifnotempty: VAR_IF_NOT_EMPTY,
  ifset: VAR_IF_SET,
  ifnotset: VAR_IF_NOT_SET,
  ifgt: VAR_IF_GT,
  iflt: VAR_IF_LT,
};

type Store = Map<string, SampleClass>;

const PROC: Store = new Map();

function isEmpty(s: Sample): boolean {
  return (s.type === SMP_STR && s.str.length === 0) || (s.type === SMP_BIN && s.bin.length === 0);
}

export class Variables {
  private sess: Store | null = null;
  private txn: Store | null = null;
  private reqres: Store | null = null;

  /** The store and key of `name` ("txn.x"...); null for a scope Hawser has no store for (check). */
  private where(name: string, create: boolean): [Store, string] | null {
    switch (name.charCodeAt(0)) {
      case 112 /* p */:
        return [PROC, name];
      case 115 /* s */:
        if (this.sess === null && create) this.sess = new Map();
        return this.sess === null ? null : [this.sess, name];
      case 116 /* t */:
        if (this.txn === null && create) this.txn = new Map();
        return this.txn === null ? null : [this.txn, name];
      case 114 /* r: req. or res. */:
        if (this.reqres === null && create) this.reqres = new Map();
        return this.reqres === null ? null : [this.reqres, name.slice(4)];
      default:
        return null;
    }
  }

  /** Copies variable `name` into `out`; false when it is not set. */
  get(name: string, out: Sample): boolean {
    const w = this.where(name, false);
    if (w === null) return false;
    const v = w[0].get(w[1]);
    if (v === undefined) return false;
    out.copyValue(v);
    return true;
  }

  /** Stores `smp` in `name` unless `conditions` (VAR_IF_* bits) say not to; true when stored. */
  set(name: string, smp: Sample, conditions = 0): boolean {
    const w = this.where(name, true);
    if (w === null) return false;
    const [store, key] = w;
    const old = store.get(key);
    if (conditions !== 0) {
      if (conditions & VAR_IF_EXISTS && old === undefined) return false;
      if (conditions & (VAR_IF_NOT_EXISTS | VAR_IF_NOT_SET) && old !== undefined) return false;
      if (conditions & VAR_IF_SET && old === undefined) return false;
      if (conditions & VAR_IF_EMPTY && !isEmpty(smp)) return false;
      if (conditions & VAR_IF_NOT_EMPTY && isEmpty(smp)) return false;
      if (old !== undefined && old.type === SMP_INT && smp.type === SMP_INT) {
        if (conditions & VAR_IF_GT && !(old.int > smp.int)) return false;
        if (conditions & VAR_IF_LT && !(old.int < smp.int)) return false;
      }
    }
    const v = old ?? new SampleClass();
    v.copyValue(smp);
    // A binary sample may point into a reused read buffer: keep our own bytes.
    if (v.type === SMP_BIN) v.bin = Buffer.from(v.bin);
    if (old === undefined) store.set(key, v);
    return true;
  }

  unset(name: string): void {
    const w = this.where(name, false);
    if (w !== null) w[0].delete(w[1]);
  }

  /** The transaction is over: txn, req and res variables go. */
  endTransaction(): void {
    this.txn = null;
    this.reqres = null;
  }
}
