// The regex side of replace-header, replace-value, replace-path and
// replace-uri. HAProxy (exp_replace) replaces the WHOLE subject by the
// expanded replacement when the regex matches anywhere in it, unlike sed:
// `replace-header X b(.) Z\1` turns "abcd" into "Zc".

import { RuleCode, RuleError, type RulePos } from './errors.ts';

/** A PCRE-style pattern as a RegExp (a leading "(?i)" becomes the i flag). */
export function compileRuleRegex(text: string, pos: RulePos | undefined, what: string): RegExp | RuleError {
  let src = text;
  let flags = '';
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    flags = 'i';
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return new RuleError(RuleCode.BAD_ARGUMENT, `${what} : regex '${text}' is invalid (error=${why})`, pos);
  }
}

/** `subst` with \0-\9 taken from the match, \xHH as a byte, \c as c. */
export function expandMatch(subst: string, m: RegExpExecArray): string {
  if (subst.indexOf('\\') < 0) return subst;
  let out = '';
  for (let i = 0; i < subst.length; i++) {
    const c = subst[i]!;
    if (c !== '\\' || i + 1 >= subst.length) {
      out += c;
      continue;
    }
    const n = subst[++i]!;
    if (n >= '0' && n <= '9') out += m[n.charCodeAt(0) - 48] ?? '';
    else if (n === 'x' && i + 2 < subst.length) {
      out += String.fromCharCode(parseInt(subst.slice(i + 1, i + 3), 16) || 0);
      i += 2;
    } else out += n;
  }
  return out;
}

/** The replacement for `subject` when `re` matches it, else undefined. */
export function replaceWhole(re: RegExp, subject: string, subst: string): string | undefined {
  const m = re.exec(subject);
  return m === null ? undefined : expandMatch(subst, m);
}
