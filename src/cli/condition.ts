// HAProxy's condition language, as used by `-cc EXPR` and by the `.if` /
// `.elif` configuration directives:
//
//   expr := and ('||' expr)?        and := term ('&&' and)?
//   term := '!'* ( integer | '(' expr ')' | predicate ['(' args ')'] )
//
// with the predicates of HAProxy 2.6: defined, feature, streq, strneq,
// version_atleast, version_before, openssl_version_atleast,
// openssl_version_before, ssllib_name_startswith. An empty condition is
// false. The whole expression is parsed before anything is evaluated (a
// syntax error anywhere is an error), then && and || short-circuit. Parse
// rules and error wording follow haproxy 2.6 (test/unit/cli checks both
// against the real binary), because a condition must pick the same branch
// of a configuration in both programs.
//
// Version predicates compare against `ctx.version`: pass
// COMPAT_VERSION (version.ts), the HAProxy language level Hawser
// implements, not Hawser's own version (see there for why).

import { strtol } from './c-number.ts';
import { compareVersions, opensslLibraryVersionNumber, opensslVersionNumber } from './version-order.ts';

export interface ConditionContext {
  /** The version version_atleast()/version_before() compare with (COMPAT_VERSION). */
  version: string;
  /** The "Feature list" tokens, e.g. ['+EPOLL', '-OPENSSL'] (FEATURES.flags). */
  features: readonly string[];
  /** The environment defined() looks into. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The SSL library, once Hawser has TLS: its version "3.0.13" (no "+quic"
   * suffix) and full name "OpenSSL 3.0.13 30 Jan 2024". Absent: the
   * openssl_version_*() predicates are errors, ssllib_name_startswith() false.
   */
  ssl?: { version: string; name: string };
}

export type ConditionErrorCode = 'HAWSER_COND_SYNTAX' | 'HAWSER_COND_EVAL';

export type ConditionResult =
  | { ok: true; value: boolean }
  | {
      ok: false;
      code: ConditionErrorCode;
      /** haproxy's wording, e.g. "unparsable conditional expression 'foo(1)'". */
      message: string;
      /** Index in the expression of the first offending character. */
      offset: number;
    };

const PREDICATES = {
  defined: 1,
  feature: 1,
  streq: 2,
  strneq: 2,
  version_atleast: 1,
  version_before: 1,
  openssl_version_atleast: 1,
  openssl_version_before: 1,
  ssllib_name_startswith: 1,
} as const;

type PredicateName = keyof typeof PREDICATES;

type Term =
  | { kind: 'const'; neg: boolean; value: boolean }
  | { kind: 'paren'; neg: boolean; expr: Expr }
  | { kind: 'pred'; neg: boolean; name: PredicateName; args: string[] };
/** Terms joined by &&. */
type And = Term[];
/** And-groups joined by ||. */
type Expr = And[];

/** A parse that found nothing to parse, leaving the cursor at `end` (haproxy's "return 0"). */
interface Empty {
  empty: true;
  end: number;
}
interface Parsed<T> {
  empty: false;
  node: T;
  end: number;
}

/** HAProxy's recursion budget for nested terms and chained operators. */
const MAX_RECURSION = 1024;

class ConditionError {
  code: ConditionErrorCode;
  message: string;
  offset: number;
  constructor(code: ConditionErrorCode, message: string, offset: number) {
    this.code = code;
    this.message = message;
    this.offset = offset;
  }
}

/**
 * Evaluates a condition already tokenised as a configuration line (quotes
 * removed, variables expanded, words joined by one space).
 *
 * @example
 *   evalCondition('feature(OPENSSL) || version_atleast(2.4)', ctx) // => { ok: true, value: true }
 */
export function evalCondition(expr: string, ctx: ConditionContext): ConditionResult {
  if (expr === '') return { ok: true, value: false };
  try {
    const p = new ConditionParser(expr);
    const tree = p.parse();
    return { ok: true, value: evalExpr(tree, ctx) };
  } catch (e) {
    if (!(e instanceof ConditionError)) throw e;
    return { ok: false, code: e.code, message: e.message, offset: e.offset };
  }
}

class ConditionParser {
  s: string;

  constructor(s: string) {
    this.s = s;
  }

  parse(): Expr {
    const r = this.expr(0, MAX_RECURSION);
    if (r.empty) this.fail(`unparsable conditional expression '${this.s}'`, r.end);
    const end = this.blanks(r.end);
    if (end < this.s.length) {
      this.fail(`unexpected character '${this.s[end]}' at the end of conditional expression '${this.s}'`, end);
    }
    return r.node;
  }

  /** Skips spaces and tabs (only those: haproxy's condition parser ignores other blanks). */
  blanks(i: number): number {
    while (this.s[i] === ' ' || this.s[i] === '\t') i++;
    return i;
  }

  fail(message: string, offset: number): never {
    throw new ConditionError('HAWSER_COND_SYNTAX', message, offset);
  }

  expr(pos: number, depth: number): Parsed<Expr> | Empty {
    if (pos >= this.s.length) return { empty: true, end: pos };
    if (depth <= 0) this.fail(`unparsable conditional expression '${this.s.slice(pos)}'`, pos);
    const left = this.and(pos, depth - 1);
    if (left.empty) this.fail(`unparsable conditional expression '${this.s.slice(left.end)}'`, left.end);
    const op = this.blanks(left.end);
    if (this.s[op] !== '|' || this.s[op + 1] !== '|') return { empty: false, node: [left.node], end: op };
    const right = this.expr(this.blanks(op + 2), depth - 1);
    if (right.empty) return { empty: true, end: op };
    return { empty: false, node: [left.node, ...right.node], end: right.end };
  }

  and(pos: number, depth: number): Parsed<And> | Empty {
    if (pos >= this.s.length) return { empty: true, end: pos };
    if (depth <= 0) this.fail(`unparsable conditional sub-expression '${this.s.slice(pos)}'`, pos);
    const left = this.term(pos, depth - 1);
    if (left.empty) this.fail(`unparsable conditional sub-expression '${this.s.slice(pos)}'`, pos);
    const op = this.blanks(left.end);
    if (this.s[op] !== '&' || this.s[op + 1] !== '&') return { empty: false, node: [left.node], end: op };
    const right = this.and(this.blanks(op + 2), depth - 1);
    if (right.empty) return { empty: true, end: op };
    return { empty: false, node: [left.node, ...right.node], end: right.end };
  }

  term(start: number, depth: number): Parsed<Term> | Empty {
    const s = this.s;
    let i = this.blanks(start);
    if (i >= s.length) return { empty: true, end: start };
    const unparsable = (): never => this.fail(`unparsable conditional expression '${s.slice(start)}'`, start);
    if (depth <= 0) return unparsable();

    let neg = false;
    while (s[i] === '!') {
      neg = !neg;
      i = this.blanks(i + 1);
    }

    const num = strtol(s, i, 0);
    if (num.end !== i) return { empty: false, node: { kind: 'const', neg, value: num.value !== 0n }, end: num.end };

    if (s[i] === '(') {
      const inner = this.expr(this.blanks(i + 1), depth - 1);
      if (inner.empty) return unparsable();
      const close = this.blanks(inner.end);
      if (s[close] !== ')') this.fail(`expected ')' after conditional expression '${s.slice(start)}'`, start);
      return { empty: false, node: { kind: 'paren', neg, expr: inner.node }, end: this.blanks(close + 1) };
    }

    // A predicate name runs up to a space or '(' (a tab is part of the name, as in haproxy).
    let wordEnd = i;
    while (wordEnd < s.length && s[wordEnd] !== ' ' && s[wordEnd] !== '(') wordEnd++;
    const word = s.slice(i, wordEnd);
    if (!Object.hasOwn(PREDICATES, word)) return unparsable();
    const name = word as PredicateName;
    const args = this.args(wordEnd, PREDICATES[name], name);
    return { empty: false, node: { kind: 'pred', neg, name, args: args.values }, end: args.end };
  }

  /**
   * A predicate's string arguments: "(a,b)". Single and double quotes group,
   * backslash escapes \\ \  \" \' and makes \r \n \t. Without parentheses
   * every argument is the empty string (so `defined` alone is false).
   */
  args(pos: number, count: number, name: string): { values: string[]; end: number } {
    const s = this.s;
    const fail = (reason: string, argNumber: number, at: number): never =>
      this.fail(`${reason} in argument ${argNumber} of predicate '${name}' used in conditional expression`, at);
    const bare = s[pos] !== '(';
    let i = bare ? pos : pos + 1;
    const values: string[] = [];

    for (;;) {
      let out = '';
      let squote = false;
      let dquote = false;
      while (!bare && i < s.length) {
        const c = s[i]!;
        if (c === '"' && !squote) {
          dquote = !dquote;
          i++;
        } else if (c === "'" && !dquote) {
          squote = !squote;
          i++;
        } else if (c === '\\' && !squote) {
          const next = s[i + 1];
          if (next === undefined) {
            fail(`failed to parse '${s.slice(i)}' after '${out}' as type 'string' at position ${values.length + 1}`,
              values.length, i);
          }
          if (next === '\\' || next === ' ' || next === '"' || next === "'") {
            out += next;
            i += 2;
          } else if (next === 'r' || next === 'n' || next === 't') {
            out += next === 'r' ? '\r' : next === 'n' ? '\n' : '\t';
            i += 2;
          } else {
            out += '\\';
            i++;
          }
        } else if (!squote && !dquote && (c === ',' || c === ')')) {
          break;
        } else {
          out += c;
          i++;
        }
      }
      values.push(out);
      if (bare || i >= s.length || s[i] === ')' || values.length >= count) break;
      i++; // the comma
    }

    if (values.length < count) {
      fail(`missing arguments (got ${values.length}/${count}), type 'string' expected`, values.length, i);
    }
    if (bare) return { values, end: i };
    if (s[i] !== ')') {
      const rest = s.slice(i);
      fail(rest === '' ? "expected ')'" : `expected ')' before '${rest}'`, values.length > 1 ? values.length - 1 : values.length, i);
    }
    return { values, end: i + 1 };
  }
}

function evalExpr(expr: Expr, ctx: ConditionContext): boolean {
  for (const and of expr) {
    if (evalAnd(and, ctx)) return true;
  }
  return false;
}

function evalAnd(and: And, ctx: ConditionContext): boolean {
  for (const term of and) {
    if (!evalTerm(term, ctx)) return false;
  }
  return true;
}

function evalTerm(term: Term, ctx: ConditionContext): boolean {
  let v: boolean;
  if (term.kind === 'const') v = term.value;
  else if (term.kind === 'paren') v = evalExpr(term.expr, ctx);
  else v = evalPredicate(term.name, term.args, ctx);
  return term.neg ? !v : v;
}

function evalPredicate(name: PredicateName, args: string[], ctx: ConditionContext): boolean {
  const a = args[0]!;
  switch (name) {
    case 'defined':
      return Object.hasOwn(ctx.env, a) && ctx.env[a] !== undefined;
    case 'feature':
      return hasFeature(ctx.features.join(' '), a);
    case 'streq':
      return a === args[1];
    case 'strneq':
      return a !== args[1];
    // An unparsable argument compares as -3, which HAProxy counts as "at least".
    case 'version_atleast':
      return compareVersions(ctx.version, a) <= 0;
    case 'version_before':
      return compareVersions(ctx.version, a) > 0;
    case 'openssl_version_atleast':
    case 'openssl_version_before': {
      const c = compareSsl(ctx, a, name);
      return name === 'openssl_version_atleast' ? c <= 0 : c > 0;
    }
    case 'ssllib_name_startswith':
      return ctx.ssl !== undefined && a.length <= ctx.ssl.name.length && ctx.ssl.name.startsWith(a);
  }
}

function compareSsl(ctx: ConditionContext, version: string, name: string): number {
  if (!ctx.ssl) {
    throw new ConditionError('HAWSER_COND_EVAL', `${name}(): this build of Hawser has no SSL library`, 0);
  }
  const wanted = opensslVersionNumber(version);
  if (wanted === 0) throw new ConditionError('HAWSER_COND_EVAL', `${name}(): cannot parse '${version}' as an OpenSSL version`, 0);
  const current = opensslLibraryVersionNumber(ctx.ssl.version);
  return wanted < current ? -1 : wanted > current ? 1 : 0;
}

/**
 * HAProxy's lookup in its feature string: the name must end a word and be
 * preceded by '+' (present) or '-' (absent); "SSL" does not match "+OPENSSL".
 */
function hasFeature(list: string, name: string): boolean {
  if (name === '') return false;
  for (let p = list.indexOf(name); p >= 0; p = list.indexOf(name, p + 1)) {
    const after = list[p + name.length];
    if (p === 0 || (after !== ' ' && after !== undefined)) continue;
    if (list[p - 1] === '+') return true;
    if (list[p - 1] === '-') return false;
  }
  return false;
}
