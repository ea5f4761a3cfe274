// Regular expressions: HAProxy's are PCRE, Hawser's are JavaScript RegExps,
// which read the same for what configurations use (a leading "(?i)" is turned
// into the i flag). Also HAProxy's substitution rules for regsub and
// map_regm: \0-\9 groups, \xHH bytes.

/**
 * A PCRE-style pattern as a JavaScript RegExp (same syntax for what
 * configurations use; a leading "(?i)" becomes the i flag). Returns HAProxy's
 * error text when it does not compile.
 */
export function compileRegex(text: string, icase: boolean): RegExp | string {
  let src = text;
  let flags = icase ? 'i' : '';
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    flags = 'i';
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return `regex '${text}' is invalid (error=${why})`;
  }
}

/** HAProxy's exp_replace: \0-\9 groups, \xHH bytes, \c the character c. */
export function expandSubst(subst: string, m: RegExpExecArray): string {
  if (subst.indexOf('\\') < 0) return subst;
  let out = '';
  for (let i = 0; i < subst.length; i++) {
    const c = subst[i]!;
    if (c !== '\\' || i + 1 >= subst.length) {
      out += c;
      continue;
    }
    const n = subst[++i]!;
    if (n >= '0' && n <= '9') {
      out += m[n.charCodeAt(0) - 48] ?? '';
    } else if (n === 'x' && i + 2 < subst.length) {
      out += String.fromCharCode(parseInt(subst.slice(i + 1, i + 3), 16) || 0);
      i += 2;
    } else {
      out += n;
    }
  }
  return out;
}

/**
 * s/re/subst/ as HAProxy's regsub converter: the first match, or every one
 * with `global` (`re` must carry the g flag, used for lastIndex only).
 */
export function regsub(s: string, re: RegExp, subst: string, global: boolean): string {
  let out = '';
  let start = 0;
  const end = s.length;
  let first = true;
  for (;;) {
    let m: RegExpExecArray | null = null;
    if (global || first) {
      re.lastIndex = start;
      m = re.exec(s);
    }
    first = false;
    if (m === null) {
      out += s.slice(start);
      break;
    }
    out += s.slice(start, m.index) + expandSubst(subst, m);
    if (start >= end) break;
    let eo = m.index + m[0].length;
    if (eo === start) {
      // an empty match in front of a character: keep the character, move on
      out += s[eo] ?? '';
      eo++;
    }
    start = eo;
    if (!global) {
      out += s.slice(start);
      break;
    }
  }
  return out;
}

