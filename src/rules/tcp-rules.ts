// tcp-request rules: `tcp-request connection|session|content ACTION [ARGS]
// [if|unless COND]`, compiled once per line and run in HAProxy's order:
// connection rules at accept before anything is read, session rules right
// after, content rules once request data is buffered (per request in HTTP
// mode, where the head is parsed first). Content rules may wait: a
// condition that cannot decide yet (ACL_MISS: more bytes could change it)
// stops the run with TCP_WAIT until more data arrives or the inspect-delay
// ends, when the session runs them again from the first rule with
// requestMayGrow() false, so every condition decides.

import { ACL_MISS, ACL_PASS, AclError, type Condition, type ProxyAcls } from '../acl/index.ts';
import { suggestion } from '../config/index.ts';
import {
  ACT_DENY,
  ACT_STOP,
  type Action,
  type ActionProxy,
  RS_TCP_CONNECTION,
  RS_TCP_CONTENT,
  RS_TCP_SESSION,
  type RuleHost,
} from './action.ts';
import { actionNames, findAction } from './action-table.ts';
import { RuleLineParse } from './action-parse.ts';
import { RuleCode, RuleError, type RulePos } from './errors.ts';

export type TcpRuleSet = 'connection' | 'session' | 'content';

export class TcpRule {
  readonly set: TcpRuleSet;
  /** null: always applies. */
  readonly cond: Condition | null;
  readonly action: Action;
  readonly pos: RulePos | undefined;

  constructor(set: TcpRuleSet, cond: Condition | null, action: Action, pos: RulePos | undefined) {
    this.set = set;
    this.cond = cond;
    this.action = action;
    this.pos = pos;
  }
}

/** The verdict of a run: go on (accepted, or no rule decided)... */
export const TCP_GO = 0;
/** ...close the connection... */
export const TCP_REJECT = 1;
/** ...or wait for more request data (content rules only). */
export const TCP_WAIT = 2;
export type TcpVerdict = typeof TCP_GO | typeof TCP_REJECT | typeof TCP_WAIT;

function setBit(set: TcpRuleSet): number {
  return set === 'connection' ? RS_TCP_CONNECTION : set === 'session' ? RS_TCP_SESSION : RS_TCP_CONTENT;
}

/**
 * Compiles the words after `tcp-request connection|session|content`: the
 * action, its arguments, then `if`/`unless` and a condition over `acls`.
 */
export function compileTcpRule(set: TcpRuleSet, words: readonly string[], acls: ProxyAcls, pos: RulePos | undefined, proxy: ActionProxy): TcpRule | RuleError {
  const where = `tcp-request ${set}`;
  const word = words[0] ?? '';
  const bit = setBit(set);
  const kw = findAction(word);
  if (kw === undefined || (kw.sets & bit) === 0) {
    const names = actionNames(bit);
    const list = names.map((n) => `'${n}'`).join(', ');
    const base = word.replace(/\(.*$/, '');
    const later = LATER.has(base) || /^track-sc\d$|^sc-/.test(base);
    if (later) return new RuleError(RuleCode.UNSUPPORTED, `'${where} ${base}' is not supported yet by Hawser.`, pos);
    return new RuleError(RuleCode.UNKNOWN_ACTION, `'${where}' expects ${list} in ${proxy.kind} '${proxy.name}' (got '${word}').`, pos, suggestion(word, names));
  }
  let condAt = 1;
  while (condAt < words.length && words[condAt] !== 'if' && words[condAt] !== 'unless') condAt++;
  const p = new RuleLineParse(word, words.slice(1, condAt), bit, where, proxy, acls, pos);
  const action = kw.parse(p);
  if (action instanceof RuleError) return action;
  let cond: Condition | null = null;
  if (condAt < words.length) {
    const c = acls.condition(words.slice(condAt), pos);
    if (c instanceof AclError) {
      return RuleError.fromAcl(c, `'${where} ${word}' : error detected in ${proxy.kind} '${proxy.name}' while parsing '${words[condAt]}' condition : `, pos);
    }
    cond = c;
  }
  return new TcpRule(set, cond, action, pos);
}

/** HAProxy tcp-request actions Hawser does not have yet (refused as such, not as unknown). */
const LATER = new Set([
  'expect-proxy', 'expect-netscaler-cip', 'silent-drop', 'set-src', 'set-src-port', 'set-dst', 'set-dst-port',
  'set-mark', 'set-tos', 'set-priority-class', 'set-priority-offset', 'switch-mode', 'use-service', 'do-resolve',
  'send-spoe-group', 'lua', 'attach-srv', 'set-nice', 'set-bandwidth-limit',
]);

/**
 * Runs `rules` in order for `host`. Connection and session rules decide at
 * once; content rules (content = true) return TCP_WAIT when a condition
 * cannot decide yet, and are run again from the start later.
 */
export function runTcpRules(rules: readonly TcpRule[], host: RuleHost, content: boolean): TcpVerdict {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.cond !== null) {
      if (content) {
        const res = r.cond.evalContent(host);
        if (res === ACL_MISS) return TCP_WAIT;
        if (res !== ACL_PASS) continue;
      } else if (!r.cond.eval(host)) continue;
    }
    const a = r.action.run(host);
    if (a === ACT_STOP) return TCP_GO;
    if (a === ACT_DENY) return TCP_REJECT;
  }
  return TCP_GO;
}
