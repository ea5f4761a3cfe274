// The regex side of replace-header, replace-value, replace-path and
// replace-uri. HAProxy (exp_replace) replaces the WHOLE subject by the
// expanded replacement when the regex matches anywhere in it, unlike sed:
// `replace-header X b(.) Z\1` turns "abcd" into "Zc".

import { compileRegex, expandSubst } from '../acl/index.ts';
import { RuleCode, RuleError, type RulePos } from './errors.ts';

/** A PCRE-style pattern as a RegExp, or the rule error in HAProxy's words. */
export function compileRuleRegex(text: string, pos: RulePos | undefined, what: string): RegExp | RuleError {
  const re = compileRegex(text, false);
  return typeof re === 'string' ? new RuleError(RuleCode.BAD_ARGUMENT, `${what} : ${re}`, pos) : re;
}

/** The replacement for `subject` when `re` matches it, else undefined. */
export function replaceWhole(re: RegExp, subject: string, subst: string): string | undefined {
  const m = re.exec(subject);
  return m === null ? undefined : expandSubst(subst, m);
}
