// The ActionParse a rule compiler hands to an action keyword: the words of
// one rule line, the proxy, and helpers that compile samples and formats
// with this rule set's checks and HAProxy's message shape.

import { AclError, type ProxyAcls, type SampleExpression, USE_CONN, USE_REQ, USE_RES } from '../acl/index.ts';
import {
  type ActionParse,
  type ActionProxy,
  RS_HTTP_AFTER_RESPONSE,
  RS_HTTP_RESPONSE,
  RS_TCP_CONNECTION,
  RS_TCP_SESSION,
} from './action.ts';
import { RuleCode, RuleError, type RulePos } from './errors.ts';
import { compileLogFormat, type LogFormat } from './log-format.ts';

/** The USE_* bit of the fetches that have a value in rule set `set`. */
export function useBitOf(set: number): number {
  if (set === RS_TCP_CONNECTION || set === RS_TCP_SESSION) return USE_CONN;
  if (set === RS_HTTP_RESPONSE || set === RS_HTTP_AFTER_RESPONSE) return USE_RES;
  return USE_REQ;
}

export class RuleLineParse implements ActionParse {
  readonly word: string;
  readonly args: readonly string[];
  readonly set: number;
  readonly where: string;
  readonly proxy: ActionProxy;
  readonly acls: ProxyAcls;
  readonly pos: RulePos | undefined;

  constructor(word: string, args: readonly string[], set: number, where: string, proxy: ActionProxy, acls: ProxyAcls, pos: RulePos | undefined) {
    this.word = word;
    this.args = args;
    this.set = set;
    this.where = where;
    this.proxy = proxy;
    this.acls = acls;
    this.pos = pos;
  }

  private get prefix(): string {
    return `error detected while parsing '${this.where} ${this.word}' rule : `;
  }

  fail(message: string, code: string = RuleCode.BAD_ARGUMENT): RuleError {
    return new RuleError(code, this.prefix + message, this.pos);
  }

  trailing(found: string): RuleError {
    return new RuleError(RuleCode.BAD_ARGUMENT, `'${this.where} ${this.word}' expects either 'if' or 'unless' followed by a condition but found '${found}'.`, this.pos);
  }

  expression(text: string): SampleExpression | RuleError {
    const e = this.acls.expression(text, this.pos);
    if (e instanceof AclError) return RuleError.fromAcl(e, this.prefix, this.pos);
    if ((e.use & useBitOf(this.set)) === 0) {
      return this.fail(`fetch method '${e.fetch.name}' extracts information that is not available in '${this.where}' rules`);
    }
    return e;
  }

  format(text: string): LogFormat | RuleError {
    return compileLogFormat(text, this.acls, this.pos, `error detected while parsing '${this.where} ${this.word}' rule`);
  }
}
