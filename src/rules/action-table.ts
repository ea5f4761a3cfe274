// The table of shared actions, looked up by the tcp-request and http-*
// rule compilers for every action word they do not handle themselves.
//
// How to add an action (track-sc0, sc-inc-gpc0, ...):
//   1. write a class implementing Action (action.ts): run(host) returns
//      ACT_CONTINUE, or ACT_STOP / ACT_DENY to end the rule set; keep it in
//      its own file (action-<name>.ts);
//   2. add an ActionKeyword to ACTION_KEYWORDS below: its name (the word
//      before any '(' -- `set-var(txn.x)` is found as `set-var`), the rule
//      sets (RS_* bits) that accept it, and parse(p), which reads p.word and
//      p.args (the words up to if/unless) and returns the Action or
//      p.fail('message'); p.expression() compiles a sample and checks that
//      its fetch has a value in that rule set;
//   3. if run() needs something new from the session (stick counters...),
//      add it to RuleHost (action.ts): HttpSession and TcpSession implement
//      it through SessionSamples, and the tests' fake host
//      (test/unit/acl/context.ts) does too.
// Conditions (`if`/`unless`) are handled by the rule engines, not here.
// Content fetches read the buffered request bytes through
// SampleContext.requestPayload() and say "wait for more" with
// smp.mayChange (see src/acl/fetches-payload.ts).

import type { ActionKeyword } from './action.ts';
import { ACCEPT, REJECT } from './action-verdicts.ts';
import { CAPTURE } from './action-capture.ts';
import { CACHE_STORE, CACHE_USE } from './action-cache.ts';
import { SET_LOG_LEVEL } from './action-log-level.ts';
import { SET_VAR, SET_VAR_FMT, UNSET_VAR } from './action-vars.ts';
import { TRACK_SC, TRACK_SC_OTHER } from './action-track.ts';
import { SC_ACTIONS } from './action-sc.ts';

/** Every shared action. */
export const ACTION_KEYWORDS: readonly ActionKeyword[] = [ACCEPT, REJECT, SET_VAR, SET_VAR_FMT, UNSET_VAR, SET_LOG_LEVEL, CAPTURE, CACHE_USE, CACHE_STORE, ...TRACK_SC, ...SC_ACTIONS];

const BY_NAME = new Map(ACTION_KEYWORDS.map((k) => [k.name, k]));

/** The keyword of an action word ("set-var(txn.x)" -> set-var), if any. */
export function findAction(word: string): ActionKeyword | undefined {
  const paren = word.indexOf('(');
  const kw = BY_NAME.get(paren < 0 ? word : word.slice(0, paren));
  // track-sc3 and the like: the keyword refuses the number with HAProxy's message.
  return kw ?? (word.startsWith('track-sc') ? TRACK_SC_OTHER : undefined);
}

/** Names of the actions a rule set accepts (for messages and suggestions). */
export function actionNames(set: number): string[] {
  return ACTION_KEYWORDS.filter((k) => (k.sets & set) !== 0).map((k) => k.name);
}
