// `accept` and `reject`, the verdicts of tcp-request rules: accept stops the
// rule set and lets the connection go on; reject closes it (no response,
// nothing forwarded).

import { ACT_DENY, ACT_STOP, type Action, type ActionKeyword, type ActResult, RS_TCP } from './action.ts';
import type { RuleError } from './errors.ts';

class Verdict implements Action {
  private readonly result: ActResult;

  constructor(result: ActResult) {
    this.result = result;
  }

  run(): ActResult {
    return this.result;
  }
}

const ACCEPTED = new Verdict(ACT_STOP);
const REJECTED = new Verdict(ACT_DENY);

function noArgs(p: { args: readonly string[]; fail(m: string): RuleError }, a: Action): Action | RuleError {
  return p.args.length === 0 ? a : p.fail(`unexpected argument '${p.args[0]}'; expects either 'if' or 'unless' followed by a condition.`);
}

export const ACCEPT: ActionKeyword = { name: 'accept', sets: RS_TCP, parse: (p) => noArgs(p, ACCEPTED) };
export const REJECT: ActionKeyword = { name: 'reject', sets: RS_TCP, parse: (p) => noArgs(p, REJECTED) };
