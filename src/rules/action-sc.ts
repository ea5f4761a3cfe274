// The general purpose counters and tags of tracked entries:
//   sc-inc-gpc0[(N)], sc-inc-gpc1[(N)], sc-inc-gpc(IDX,N): one more event on
//     the counter and its rate, whichever the table stores;
//   sc-set-gpt0[(N)] VALUE, sc-set-gpt(IDX,N) VALUE: the tag set to an
//     integer or to a sample's value.
// N is the stick counter (0 by default); nothing happens when it is not
// tracked. Parsing and messages follow HAProxy 2.6's parse_inc_gpc and
// parse_set_gpt.

import { castSample, Sample, SMP_INT, type SampleExpression } from '../acl/index.ts';
import { DT_GPC, DT_GPC0, DT_GPC0_RATE, DT_GPC1, DT_GPC1_RATE, DT_GPC_RATE, DT_GPT, DT_GPT0, incrementGpc, MAX_TRACKERS, setGpt } from '../stick/index.ts';
import {
  ACT_CONTINUE,
  type Action,
  type ActionKeyword,
  type ActionParse,
  type ActResult,
  RS_HTTP_REQUEST,
  RS_HTTP_RESPONSE,
  RS_TCP,
  type RuleHost,
} from './action.ts';
import { RuleError } from './errors.ts';

class IncGpc implements Action {
  private readonly sc: number;
  private readonly idx: number;
  private readonly counter: number;
  private readonly rate: number;

  constructor(sc: number, idx: number, counter: number, rate: number) {
    this.sc = sc;
    this.idx = idx;
    this.counter = counter;
    this.rate = rate;
  }

  run(host: RuleHost): ActResult {
    const c = host.stickCounters?.() ?? null;
    const e = c?.entry(this.sc) ?? null;
    if (e !== null) incrementGpc(c!.ref(this.sc)!, e, this.counter, this.rate, this.idx);
    return ACT_CONTINUE;
  }
}

class SetGpt implements Action {
  private readonly sc: number;
  private readonly idx: number;
  private readonly dt: number;
  private readonly value: number;
  private readonly expr: SampleExpression | null;
  private readonly smp = new Sample();

  constructor(sc: number, idx: number, dt: number, value: number, expr: SampleExpression | null) {
    this.sc = sc;
    this.idx = idx;
    this.dt = dt;
    this.value = value;
    this.expr = expr;
  }

  run(host: RuleHost): ActResult {
    const c = host.stickCounters?.() ?? null;
    const e = c?.entry(this.sc) ?? null;
    if (e === null) return ACT_CONTINUE;
    let v = this.value;
    if (this.expr !== null) {
      const smp = this.smp;
      smp.reset();
      // HAProxy ignores a sample that cannot become an integer (it logs a warning).
      if (!this.expr.process(host, smp, false) || !castSample(smp, SMP_INT)) return ACT_CONTINUE;
      v = smp.int;
    }
    setGpt(c!.ref(this.sc)!, e, this.dt, this.idx, v);
    return ACT_CONTINUE;
  }
}

/** `(IDX,N)` after the name: the element and the stick counter; a message when malformed. */
function indexAndCounter(p: ActionParse, base: string, kind: 'gpc' | 'gpt'): [number, number] | RuleError {
  const m = /^\((\d+),(\d+)\)$/.exec(p.word.slice(base.length));
  const upper = kind.toUpperCase();
  if (m === null) {
    const idxOnly = /^\(\d+,/.test(p.word.slice(base.length));
    return idxOnly
      ? p.fail(`invalid stick table track ID '${p.word}'. Expects ${base}(<${upper} ID>,<Track ID>)`)
      : p.fail(`Missing ${kind} ID '${p.word}'. Expects ${base}(<${upper} ID>,<Track ID>)`);
  }
  const sc = Number(m[2]);
  if (sc >= MAX_TRACKERS) return p.fail(`invalid stick table track ID '${p.word}'. The max allowed ID is ${MAX_TRACKERS - 1}`);
  return [Number(m[1]), sc];
}

/** `[(N)]` after the name: the stick counter (0 when absent). */
function counterOnly(p: ActionParse, base: string): number | RuleError {
  const rest = p.word.slice(base.length);
  if (rest === '') return 0;
  const m = /^\((\d+)\)$/.exec(rest);
  if (m === null) return p.fail(`invalid stick table track ID. Expects ${base}(<Track ID>)`);
  const sc = Number(m[1]);
  if (sc >= MAX_TRACKERS) return p.fail(`invalid stick table track ID. The max allowed ID is ${MAX_TRACKERS - 1}`);
  return sc;
}

function trailing(p: ActionParse, from: number): RuleError | undefined {
  const w = p.args[from];
  return w === undefined ? undefined : p.trailing(w);
}

function parseInc(p: ActionParse, which: 0 | 1 | 'array'): Action | RuleError {
  let idx = 0;
  let sc: number;
  if (which === 'array') {
    const r = indexAndCounter(p, 'sc-inc-gpc', 'gpc');
    if (r instanceof RuleError) return r;
    [idx, sc] = r;
  } else {
    const r = counterOnly(p, `sc-inc-gpc${which}`);
    if (r instanceof RuleError) return r;
    sc = r;
  }
  const t = trailing(p, 0);
  if (t !== undefined) return t;
  if (which === 'array') return new IncGpc(sc, idx, DT_GPC, DT_GPC_RATE);
  return which === 0 ? new IncGpc(sc, 0, DT_GPC0, DT_GPC0_RATE) : new IncGpc(sc, 0, DT_GPC1, DT_GPC1_RATE);
}

function parseSet(p: ActionParse, array: boolean): Action | RuleError {
  let idx = 0;
  let sc: number;
  if (array) {
    const r = indexAndCounter(p, 'sc-set-gpt', 'gpt');
    if (r instanceof RuleError) return r;
    [idx, sc] = r;
  } else {
    const r = counterOnly(p, 'sc-set-gpt0');
    if (r instanceof RuleError) return r;
    sc = r;
  }
  const v = p.args[0];
  if (v === undefined) return p.fail('missing fetch method.');
  let value = 0;
  let expr: SampleExpression | null = null;
  if (/^[+-]?\d+$/.test(v)) value = Number(v);
  else {
    const e = p.expression(v);
    if (e instanceof RuleError) return e;
    expr = e;
  }
  const t = trailing(p, 1);
  if (t !== undefined) return t;
  return new SetGpt(sc, idx, array ? DT_GPT : DT_GPT0, value, expr);
}

const SETS = RS_TCP | RS_HTTP_REQUEST | RS_HTTP_RESPONSE;

export const SC_ACTIONS: readonly ActionKeyword[] = [
  { name: 'sc-inc-gpc', sets: SETS, parse: (p) => parseInc(p, 'array') },
  { name: 'sc-inc-gpc0', sets: SETS, parse: (p) => parseInc(p, 0) },
  { name: 'sc-inc-gpc1', sets: SETS, parse: (p) => parseInc(p, 1) },
  { name: 'sc-set-gpt', sets: SETS, parse: (p) => parseSet(p, true) },
  { name: 'sc-set-gpt0', sets: SETS, parse: (p) => parseSet(p, false) },
];
