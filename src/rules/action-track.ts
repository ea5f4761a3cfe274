// `track-sc0|1|2 KEY [table NAME]`: the session starts tracking KEY in a
// stick table (the proxy's own by default) under stick counter N, unless
// counter N is already tracked. In tcp-request connection and session rules
// the counter lives as long as the connection; in tcp-request content,
// http-request and http-response rules, for the current request. An HTTP
// request tracked from http-request (or http-response) rules is counted at
// once, as are a response's error or failure (HAProxy's
// http_action_track_sc).

import { canCast, Sample, type SampleExpression } from '../acl/index.ts';
import { keyFromSample, MAX_TRACKERS, TableRef } from '../stick/index.ts';
import {
  ACT_CONTINUE,
  type Action,
  type ActionKeyword,
  type ActionParse,
  type ActResult,
  RS_HTTP_REQUEST,
  RS_HTTP_RESPONSE,
  RS_TCP,
  RS_TCP_CONNECTION,
  RS_TCP_SESSION,
  type RuleHost,
} from './action.ts';
import { RuleCode, RuleError } from './errors.ts';

class TrackSc implements Action {
  private readonly n: number;
  private readonly expr: SampleExpression;
  private readonly ref: TableRef;
  private readonly perRequest: boolean;
  private readonly set: number;
  private readonly smp = new Sample();

  constructor(n: number, expr: SampleExpression, ref: TableRef, set: number) {
    this.n = n;
    this.expr = expr;
    this.ref = ref;
    this.set = set;
    this.perRequest = set !== RS_TCP_CONNECTION && set !== RS_TCP_SESSION;
  }

  run(host: RuleHost): ActResult {
    const c = host.trackCounters?.();
    if (c === undefined || c.entry(this.n) !== null) return ACT_CONTINUE;
    const smp = this.smp;
    smp.reset();
    if (!this.expr.process(host, smp, false)) return ACT_CONTINUE;
    const key = keyFromSample(this.ref.type, this.ref.len, smp);
    if (key === undefined || !c.track(this.n, this.ref, key, this.perRequest)) return ACT_CONTINUE;
    if (this.set === RS_HTTP_REQUEST || this.set === RS_HTTP_RESPONSE) c.countHttpRequest(this.n);
    if (this.set === RS_HTTP_RESPONSE) c.countStatus(host.status(), this.n);
    return ACT_CONTINUE;
  }
}

/** HAProxy's cfg_parse_track_sc_num on what follows `track-sc`. */
function trackNumber(p: ActionParse): number | RuleError {
  const digits = p.word.slice('track-sc'.length);
  if (!/^\d+$/.test(digits)) return p.fail(`Wrong track-sc number '${digits}'.`);
  const n = Number(digits);
  if (n >= MAX_TRACKERS) return p.fail(`${n} track-sc number exceeding ${MAX_TRACKERS - 1} (MAX_SESS_STKCTR-1) value.`);
  return n;
}

function parseTrack(p: ActionParse): Action | RuleError {
  const n = trackNumber(p);
  if (n instanceof RuleError) return n;
  const a = p.args;
  if (a.length === 0) return p.fail('missing fetch method.');
  const expr = p.expression(a[0]!);
  if (expr instanceof RuleError) return expr;
  let table: string | undefined;
  let i = 1;
  if (a[i] === 'table') {
    table = a[i + 1];
    if (table === undefined || table === '') return p.fail('missing table name.');
    i += 2;
  }
  if (i < a.length) return p.trailing(a[i]!);
  const name = table ?? p.proxy.name;
  const resolve = p.acls.options.stickTable;
  // Without tables (a unit check), the rule tracks nothing.
  const ref = resolve === undefined ? new TableRef(name, 'ip', 0) : resolve(name);
  if (ref === undefined) {
    return new RuleError(RuleCode.BAD_ARGUMENT, `Proxy '${p.proxy.name}': unable to find table '${name}' referenced by track-sc${n}.`, p.pos);
  }
  if (!canCast(expr.type, ref.sampleType)) {
    return new RuleError(RuleCode.BAD_ARGUMENT, `Proxy '${p.proxy.name}': stick-table '${name}' uses a type incompatible with the 'track-sc${n}' rule.`, p.pos);
  }
  return new TrackSc(n, expr, ref, p.set);
}

const SETS = RS_TCP | RS_HTTP_REQUEST | RS_HTTP_RESPONSE;

export const TRACK_SC: readonly ActionKeyword[] = [0, 1, 2].map((n) => ({ name: `track-sc${n}`, sets: SETS, parse: parseTrack }));

/** `track-scN` with any other N (refused with HAProxy's message by parse). */
export const TRACK_SC_OTHER: ActionKeyword = { name: 'track-sc', sets: SETS, parse: parseTrack };
