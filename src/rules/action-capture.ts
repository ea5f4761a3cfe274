// `capture SAMPLE len N` (tcp-request content, http-request: a new slot of
// the frontend's request captures) and `capture SAMPLE id N`
// (http-request, http-response: a slot made by `declare capture`). The
// value, as text, truncated by the session to the slot's length, shows in the access log
// with the captured headers (%hr, %hs), as HAProxy logs it.

import { sampleText, type SampleExpression } from '../acl/index.ts';
import {
  ACT_CONTINUE,
  type Action,
  type ActionKeyword,
  type ActResult,
  RS_HTTP_REQUEST,
  RS_HTTP_RESPONSE,
  RS_TCP_CONTENT,
  type RuleHost,
} from './action.ts';
import { RuleError } from './errors.ts';

class Capture implements Action {
  private readonly expr: SampleExpression;
  private readonly response: boolean;
  private readonly slot: number;

  constructor(expr: SampleExpression, response: boolean, slot: number) {
    this.expr = expr;
    this.response = response;
    this.slot = slot;
  }

  run(host: RuleHost): ActResult {
    const smp = this.expr.eval(host);
    if (smp === null) return ACT_CONTINUE;
    const text = sampleText(smp);
    if (text === undefined) return ACT_CONTINUE;
    host.capture(this.response, this.slot, text);
    return ACT_CONTINUE;
  }
}

function positive(w: string | undefined): number {
  return w !== undefined && /^\d+$/.test(w) ? Number(w) : 0;
}

export const CAPTURE: ActionKeyword = {
  name: 'capture',
  sets: RS_TCP_CONTENT | RS_HTTP_REQUEST | RS_HTTP_RESPONSE,
  parse(p) {
    const a = p.args;
    if (a.length === 0) return p.fail("'capture' expects a sample expression.");
    const e = p.expression(a[0]!);
    if (e instanceof RuleError) return e;
    const how = a[1];
    const response = p.set === RS_HTTP_RESPONSE;
    if (a.length > 3) return p.fail(`unexpected argument '${a[3]}'; expects either 'if' or 'unless' followed by a condition.`);
    if (how === 'len' && !response) {
      if (!p.proxy.frontend) return p.fail(`proxy '${p.proxy.name}' has no frontend capability`);
      const len = positive(a[2]);
      if (len <= 0) return p.fail(a[2] === undefined ? 'missing length value' : 'length must be > 0');
      const slots = p.proxy.captures.request;
      slots.push({ len, header: null });
      return new Capture(e, false, slots.length - 1);
    }
    if (how === 'id' && p.set !== RS_TCP_CONTENT) {
      if (a[2] === undefined || !/^\d+$/.test(a[2])) return p.fail('missing or invalid capture id');
      // `declare capture` may come later in the file, and a backend's rules fill
      // the slots of whichever frontend sent the request: the host checks the
      // id and truncates to the slot's length at run time.
      return new Capture(e, response, Number(a[2]));
    }
    if (response) return p.fail("'capture' expects 'id' <id> in http-response rules.");
    return p.fail(p.set === RS_TCP_CONTENT ? "a positive 'len' argument is mandatory" : "'capture' expects 'len' <length> or 'id' <id>.");
  },
};
