// `hawser -cc EXPR`: the argument is first tokenised like a configuration
// line (quotes, backslash escapes, "${VAR}" expansion inside double quotes),
// its words joined again by single spaces, then evaluated. Exit status as in
// haproxy: 0 true, 1 false, 2 error.
//
// Two haproxy limits are deliberately not reproduced: an expansion making the
// text longer than the argument ("Line too long", and in-place corruption in
// haproxy 2.6), and the 64-word cap. Both only turn valid conditions into
// errors.

import { isCSpace } from './c-number.ts';
import { evalCondition } from './condition.ts';
import type { ConditionContext } from './condition.ts';

export type ConditionLineErrorCode = 'HAWSER_COND_LINE';

export type ConditionLine =
  | { ok: true; text: string }
  | { ok: false; code: ConditionLineErrorCode; message: string; offset: number };

export interface CheckConditionResult {
  exitCode: 0 | 1 | 2;
  /** On exit 2: the code and haproxy's wording, e.g. "Failed to evaluate condition: ...". */
  code?: string;
  message?: string;
}

/**
 * Evaluates a `-cc` argument.
 *
 * @example
 *   checkConditionArgument('streq("${MODE}",prod) && feature(EPOLL)', ctx) // => { exitCode: 0 } when MODE=prod
 */
export function checkConditionArgument(arg: string, ctx: ConditionContext): CheckConditionResult {
  const line = expandConditionLine(arg, ctx.env);
  if (!line.ok) return { exitCode: 2, code: line.code, message: line.message };
  const r = evalCondition(line.text, ctx);
  if (r.ok) return { exitCode: r.value ? 0 : 1 };
  return { exitCode: 2, code: r.code, message: `Failed to evaluate condition: ${r.message}` };
}

function isAlpha(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
}

function isAlnum(ch: string | undefined): boolean {
  return isAlpha(ch) || (ch !== undefined && ch >= '0' && ch <= '9');
}

const HEX_DIGIT = /^[0-9a-fA-F]$/;

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && HEX_DIGIT.test(ch);
}

/**
 * Tokenises `arg` as haproxy tokenises a `-cc` argument and returns its words
 * joined by one space (a leading or trailing blank run becomes one space).
 * The text stops at the first CR or LF that is not inside a blank run.
 */
export function expandConditionLine(arg: string, env: Readonly<Record<string, string | undefined>>): ConditionLine {
  const fail = (message: string, offset: number): ConditionLine =>
    ({ ok: false, code: 'HAWSER_COND_LINE', message, offset });
  let out = '';
  let squote = false;
  let dquote = false;
  let quoteAt = -1;
  let i = 0;

  for (;;) {
    const c = arg[i];
    if (c === undefined || c === '\n' || c === '\r') break;

    if (c === '"' && !squote) {
      dquote = !dquote;
      quoteAt = dquote ? i : -1;
      i++;
    } else if (c === "'" && !dquote) {
      squote = !squote;
      quoteAt = squote ? i : -1;
      i++;
    } else if (c === '\\' && !squote) {
      const next = arg[i + 1];
      if (next === ' ' || next === '\\' || next === "'" || next === '"') {
        out += next;
        i += 2;
      } else if (next === 't' || next === 'n' || next === 'r') {
        out += next === 't' ? '\t' : next === 'n' ? '\n' : '\r';
        i += 2;
      } else if (next === '$' && dquote) {
        out += '$';
        i += 2;
      } else if (next === 'x') {
        if (!isHex(arg[i + 2]) || !isHex(arg[i + 3])) {
          return fail('Syntax Error in condition: Truncated or invalid hexadecimal sequence.', i);
        }
        out += String.fromCharCode(parseInt(arg.slice(i + 2, i + 4), 16));
        i += 4;
      } else {
        // Not an escape sequence: the backslash stays, the next character is read normally.
        out += '\\';
        i++;
      }
    } else if (isCSpace(c) && !squote && !dquote) {
      while (isCSpace(arg[i])) i++;
      out += ' ';
    } else if (c === '$' && dquote) {
      const r = expandVariable(arg, i, env);
      if (typeof r === 'string') return fail(r, i);
      out += r.value;
      i = r.end;
    } else {
      out += c;
      i++;
    }
  }

  if (squote || dquote) return fail('Syntax Error in condition: Unmatched quote.', quoteAt);
  return { ok: true, text: out };
}

/**
 * "$NAME", "${NAME}", "${NAME-default}", "${NAME[*]}" starting at `dollar`.
 * Returns the expansion (unset: nothing) or an error message.
 */
function expandVariable(
  arg: string,
  dollar: number,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; end: number } | string {
  let i = dollar + 1;
  const brace = arg[i] === '{';
  if (brace) i++;
  if (!isAlpha(arg[i]) && arg[i] !== '_' && arg[i] !== '.') {
    return 'Error in condition: invalid character in a variable name after \'$\'.';
  }
  const nameStart = i;
  if (arg[i] === '.') i++;
  while (isAlnum(arg[i]) || arg[i] === '_') i++;
  const name = arg.slice(nameStart, i);

  let value: string | undefined;
  if (name.startsWith('.')) {
    // haproxy's pseudo-variables; on the command line there is no current file, line or section.
    if (name === '.LINE') value = '0';
    else if (name !== '.FILE' && name !== '.SECTION') return `Error in condition: unknown variable '${name}'.`;
  } else {
    value = Object.hasOwn(env, name) ? env[name] : undefined;
  }

  let splitWords = false;
  if (brace && arg[i] === '[') {
    if (arg[i + 1] !== '*' || arg[i + 2] !== ']') return 'Error in condition: expected \'[*]\' after a variable name.';
    splitWords = true;
    i += 3;
  }
  if (brace) {
    if (arg[i] === '-') {
      const close = arg.indexOf('}', i);
      if (close < 0) return 'Error in condition: unmatched \'{\' in a variable reference.';
      if (value === undefined) value = arg.slice(i + 1, close);
      i = close;
    } else if (arg[i] !== '}') {
      return 'Error in condition: unmatched \'{\' in a variable reference.';
    }
    i++;
  }

  if (value === undefined) return { value: '', end: i };
  // ${NAME[*]} turns each blank run of the value into a word break, i.e. one space once rejoined.
  return { value: splitWords ? value.replace(/[ \t\n\v\f\r]+/g, ' ') : value, end: i };
}
