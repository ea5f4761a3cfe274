// The ACL language: `acl NAME CRITERION [flags] [-m method] [VALUE...]`
// declarations (lines with the same name OR together) and the conditions of
// rules, `if|unless [!]acl1 [!]acl2 ... [or|'||' ...]` with anonymous
// `{ CRITERION ... }` blocks, in HAProxy's disjunctive form: `!` binds to one
// term, juxtaposition is AND, `or`/`||` separates alternatives; there are no
// parentheses.
//
// Everything is resolved at configuration time: patterns are indexed, files
// read, named ACLs bound to their objects. Evaluating a condition runs the
// fetches it needs (short-circuit) against a SampleContext and allocates
// nothing but the strings fetches build.

import { canCast, castSample } from './cast.ts';
import { AclCode, AclError, type AclPos } from './errors.ts';
import { keywordEnd, makeCompileContext, parseSampleWord, type SampleExpression } from './expression.ts';
import { findAclKeyword } from './fetches.ts';
import { type AclCompileOptions, type CompileContext, phaseBit, type RulePhase, USE_CONN } from './keyword.ts';
import { createPatternSet, MATCH_EXPECT, MATCH_METHODS, type MatchMethod, type PatternSet } from './patterns.ts';
import { Sample, type SampleContext, type SampleType, SMP_ADDR, SMP_BOOL, SMP_INT, SMP_IPV4, SMP_IPV6, SMP_STR } from './sample.ts';

/** Three-state results of content conditions (HAProxy's acl_test_res: AND is &, OR is |). */
export const ACL_FAIL = 0;
export const ACL_MISS = 1;
export const ACL_PASS = 3;

function negate3(r: number): number {
  return r === ACL_MISS ? r : r ^ ACL_PASS;
}

/** Bound on the values one expression examines (every header line, every cookie...). */
const MAX_VALUES = 100_000;

/** One criterion with its patterns: a line of an `acl` declaration, or an anonymous block. */
export class AclExpression {
  /** The criterion's keyword as written (`path_beg`, `req.hdr`). */
  readonly keyword: string;
  readonly sample: SampleExpression;
  readonly method: MatchMethod;
  private readonly sets: readonly PatternSet[];
  private readonly expect: SampleType;
  private readonly found: boolean;
  private readonly smp = new Sample();

  constructor(keyword: string, sample: SampleExpression, method: MatchMethod, sets: PatternSet[]) {
    this.keyword = keyword;
    this.sample = sample;
    this.method = method;
    this.sets = sets;
    this.expect = MATCH_EXPECT[method];
    this.found = method === 'found';
  }

  /** True when any value of the sample matches any pattern (HAProxy iterates over all values). */
  test(ctx: SampleContext): boolean {
    const smp = this.smp;
    smp.reset();
    const sets = this.sets;
    for (let n = 0; n < MAX_VALUES; n++) {
      if (!this.sample.process(ctx, smp, true)) return false;
      if (this.found) return true;
      if (smp.type === this.expect || castSample(smp, this.expect)) {
        for (let i = 0; i < sets.length; i++) if (sets[i]!.find(smp) >= 0) return true;
      }
      if (!smp.notLast) return false;
    }
    return false;
  }

  /**
   * test() for content rules that may wait for data: ACL_PASS, ACL_FAIL, or
   * ACL_MISS when no value matched yet but one could once more bytes arrive
   * (a fetch flagged the sample mayChange).
   */
  testContent(ctx: SampleContext): number {
    const smp = this.smp;
    smp.reset();
    const sets = this.sets;
    for (let n = 0; n < MAX_VALUES; n++) {
      if (!this.sample.process(ctx, smp, true)) {
        // An HTTP fetch on a TCP buffer whose head is not complete yet.
        const l7 = (this.sample.fetch.use & USE_CONN) === 0 && ctx.method() === undefined;
        return smp.mayChange || (l7 && ctx.requestMayGrow()) ? ACL_MISS : ACL_FAIL;
      }
      if (this.found) return ACL_PASS;
      if (smp.type === this.expect || castSample(smp, this.expect)) {
        for (let i = 0; i < sets.length; i++) if (sets[i]!.find(smp) >= 0) return ACL_PASS;
      }
      if (!smp.notLast) return smp.mayChange ? ACL_MISS : ACL_FAIL;
    }
    return ACL_FAIL;
  }
}

/** A named ACL (or an anonymous one, name ''): true when any of its expressions is. */
export class Acl {
  readonly name: string;
  readonly expressions: AclExpression[] = [];

  constructor(name: string) {
    this.name = name;
  }

  test(ctx: SampleContext): boolean {
    const e = this.expressions;
    for (let i = 0; i < e.length; i++) if (e[i]!.test(ctx)) return true;
    return false;
  }

  /** Three-state test() (see AclExpression.testContent): the expressions OR together. */
  testContent(ctx: SampleContext): number {
    const e = this.expressions;
    let res = ACL_FAIL;
    for (let i = 0; i < e.length && res !== ACL_PASS; i++) res |= e[i]!.testContent(ctx);
    return res;
  }
}

export interface AclDefinition {
  name: string;
  expression: AclExpression;
  pos?: AclPos;
  /** HAProxy's warnings for this line (e.g. no pattern given, so it never matches). */
  warnings: string[];
}

function fail(code: AclError['code'], message: string, cc: CompileContext): AclError {
  return new AclError(code, message, { file: cc.file, line: cc.line });
}

/** The default match method of a sample type, when it has one. */
function defaultMethod(t: SampleType): MatchMethod | undefined {
  switch (t) {
    case SMP_BOOL:
      return 'bool';
    case SMP_INT:
      return 'int';
    case SMP_ADDR:
    case SMP_IPV4:
    case SMP_IPV6:
      return 'ip';
    case SMP_STR:
      return 'str';
    default:
      return undefined;
  }
}

const OPERATORS: Readonly<Record<string, string>> = { eq: 'eq', gt: 'gt', ge: 'ge', lt: 'lt', le: 'le' };

/**
 * HAProxy's compatibility layer for integer operators: "gt 5" becomes the
 * range "6:", "le 5" ":5"... Returns the rewritten pattern or an error.
 */
function applyOperator(op: string, text: string): string | { error: string } {
  if (op === 'eq' || text.includes(':') || text.includes('-')) return text;
  const dot = text.indexOf('.');
  const intPart = dot < 0 ? text : text.slice(0, dot);
  if (!/^-?\d+$/.test(intPart)) return { error: `'${text}' is neither a number nor a supported operator` };
  const v = Number(intPart);
  if (op === 'gt') return `${v + 1}:`;
  if (op === 'ge') return `${v}:`;
  if (op === 'lt') return `:${v - 1}`;
  return `:${v}`;
}

/**
 * Parses `CRITERION [flags] [patterns]` (words[0] is the criterion) into an
 * expression; HAProxy's warnings about it are pushed to `warnings`.
 */
export function parseAclExpression(words: readonly string[], cc: CompileContext, warnings: string[]): AclExpression | AclError {
  const first = words[0] ?? '';
  const kw = first.slice(0, keywordEnd(first));
  const aclKw = findAclKeyword(kw);
  const expr = parseSampleWord(first, cc, aclKw, true);
  if (expr instanceof AclError) {
    if (aclKw !== undefined || expr.code === AclCode.UNKNOWN_REFERENCE) return expr;
    return expr.rewrap((m) => `${m} in ACL expression '${first}'`);
  }
  const withConverters = expr.converters.length > 0;
  let method: MatchMethod | undefined = aclKw !== undefined && !withConverters ? aclKw.match : defaultMethod(expr.type);
  const name = aclKw !== undefined && !withConverters ? aclKw.name : expr.fetch.name;

  if (method !== undefined && expr.type !== SMP_BOOL && words.length < 2) {
    warnings.push(
      `parsing acl keyword '${first}' :\n` +
        '  no pattern to match against were provided, so this ACL will never match.\n' +
        "  If this is what you intended, please add '--' to get rid of this warning.\n" +
        "  If you intended to match only for existence, please use '-m found'.\n" +
        "  If you wanted to force an int to match as a bool, please use '-m bool'.",
    );
  }

  let icase = false;
  let noDns = false;
  let loaded = false;
  let asMap = false;
  const sets: PatternSet[] = [];
  let i = 1;
  while (i < words.length && words[i]!.startsWith('-')) {
    const w = words[i]!;
    if (w === '-i') icase = true;
    else if (w === '-n') noDns = true;
    else if (w === '-u') {
      if (!/^-?\d+$/.test(words[i + 1] ?? '')) return fail(AclCode.BAD_MATCH, 'the argument of -u must be an integer', cc);
      i++;
    } else if (w === '-f') {
      if (method === undefined) {
        return fail(AclCode.BAD_MATCH, `matching method must be specified first (using '-m') when using a sample fetch of this type ('${name}')`, cc);
      }
      const path = words[i + 1] ?? '';
      const set = loadPatternFile(path, method, icase, noDns, asMap, cc);
      if (set instanceof AclError) return set;
      sets.push(set);
      loaded = true;
      i++;
    } else if (w === '-m') {
      if (loaded) return fail(AclCode.BAD_MATCH, "'-m' must only be specified before patterns and files in parsing ACL expression", cc);
      const m = words[i + 1] ?? '';
      if (!(MATCH_METHODS as readonly string[]).includes(m)) {
        return fail(AclCode.BAD_MATCH, `unknown matching method '${m}' when parsing ACL expression`, cc);
      }
      const mm = m as MatchMethod;
      if (mm !== 'found' && !canCast(expr.type, MATCH_EXPECT[mm])) {
        return fail(AclCode.BAD_MATCH, `matching method '${m}' cannot be used with fetch keyword '${name}'`, cc);
      }
      method = mm;
      i++;
    } else if (w === '-M') {
      asMap = true;
    } else if (w === '--') {
      i++;
      break;
    } else {
      return fail(AclCode.BAD_MATCH, `'${w}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'`, cc);
    }
    i++;
  }
  if (method === undefined) {
    return fail(AclCode.BAD_MATCH, `matching method must be specified first (using '-m') when using a sample fetch of this type ('${name}')`, cc);
  }

  const inline = createPatternSet(method, { icase, noDns, resolveHost: cc.options.resolveHost });
  const intLike = method === 'int' || method === 'len';
  let op = 'eq';
  let ref = 0;
  for (; i < words.length; i++) {
    let text = words[i]!;
    if (intLike) {
      if (OPERATORS[text] !== undefined) {
        op = text;
        continue;
      }
      const r = applyOperator(op, text);
      if (typeof r !== 'string') return fail(AclCode.BAD_PATTERN, r.error, cc);
      text = r;
    }
    const e = inline.add(text, ref++);
    if (e !== undefined) return fail(AclCode.BAD_PATTERN, e, cc);
  }
  inline.seal();
  sets.push(inline);
  return new AclExpression(name, expr, method, sets);
}

function loadPatternFile(path: string, method: MatchMethod, icase: boolean, noDns: boolean, asMap: boolean, cc: CompileContext): PatternSet | AclError {
  const where = { file: cc.file, line: cc.line };
  if (cc.files === null) return new AclError(AclCode.BAD_FILE, `failed to open pattern file <${path}>`, where);
  const files = cc.files;
  const key = `acl\u0000${method}\u0000${icase ? 1 : 0}\u0000${noDns ? 1 : 0}\u0000${asMap ? 1 : 0}\u0000${path}`;
  return files.cached(key, () => {
    const set = createPatternSet(method, { icase, noDns, resolveHost: cc.options.resolveHost });
    const lines = asMap ? files.entries(path, where) : files.patterns(path, where);
    if (lines instanceof AclError) return lines;
    for (let ref = 0; ref < lines.length; ref++) {
      const l = lines[ref]!;
      const text = 'key' in l ? l.key : l.text;
      const e = set.add(text, ref);
      if (e !== undefined) return new AclError(AclCode.BAD_FILE, `${e} at line ${l.line} of file '${path}'`, { ...where, patternFile: { file: path, line: l.line } });
    }
    set.seal();
    return set;
  });
}

/** HAProxy's invalid_char for ACL names: letters, digits, '.', ':', '_', '-'. */
function badNameChar(name: string): string | undefined {
  for (const c of name) if (!/[A-Za-z0-9.:_-]/.test(c)) return c;
  return undefined;
}

/**
 * Compiles the words after `acl`: [NAME, CRITERION, flags..., patterns...].
 * Merge the result into the proxy's ACLs with declareAcl().
 */
export function compileAclDeclaration(words: readonly string[], pos?: AclPos, options?: AclCompileOptions): AclDefinition | AclError {
  const cc = makeCompileContext(options, pos);
  const name = words[0] ?? '';
  if (name === '' || words.length < 2) {
    return fail(AclCode.SYNTAX, "'acl' expects an ACL name and a criterion: acl <name> <criterion> [flags] [operator] [<value>] ...", cc);
  }
  const bad = badNameChar(name);
  if (bad !== undefined) return fail(AclCode.BAD_NAME, `character '${bad}' is not permitted in acl name '${name}'`, cc);
  if (name.toLowerCase() === 'or') {
    return fail(AclCode.BAD_NAME, `acl name '${name}' will never match. 'or' is used to express a logical disjunction within a condition`, cc);
  }
  const warnings: string[] = [];
  const expression = parseAclExpression(words.slice(1), cc, warnings);
  if (expression instanceof AclError) return expression;
  const def: AclDefinition = { name, expression, warnings };
  if (pos !== undefined) def.pos = pos;
  return def;
}

/** Adds a declaration to the proxy's ACLs: a second line with the same name ORs with the first. */
export function declareAcl(acls: Map<string, Acl>, def: AclDefinition): Acl {
  let acl = acls.get(def.name);
  if (acl === undefined) {
    acl = new Acl(def.name);
    acls.set(def.name, acl);
  }
  acl.expressions.push(def.expression);
  return acl;
}

/** HAProxy's predefined ACLs, compiled on first use in a proxy (a proxy may redefine them first). */
const PREDEFINED: Readonly<Record<string, readonly string[]>> = {
  TRUE: ['always_true'],
  FALSE: ['always_false'],
  LOCALHOST: ['src', '127.0.0.1/8', '::1'],
  HTTP: ['req.proto_http'],
  'HTTP_1.0': ['req.ver', '1.0'],
  'HTTP_1.1': ['req.ver', '1.1'],
  'HTTP_2.0': ['req.ver', '2.0'],
  METH_CONNECT: ['method', 'CONNECT'],
  METH_DELETE: ['method', 'DELETE'],
  METH_GET: ['method', 'GET', 'HEAD'],
  METH_HEAD: ['method', 'HEAD'],
  METH_OPTIONS: ['method', 'OPTIONS'],
  METH_POST: ['method', 'POST'],
  METH_PUT: ['method', 'PUT'],
  METH_TRACE: ['method', 'TRACE'],
  HTTP_URL_ABS: ['url_reg', '^[^/:]*://'],
  HTTP_URL_SLASH: ['url_beg', '/'],
  HTTP_URL_STAR: ['url', '*'],
  HTTP_CONTENT: ['req.hdr_val(content-length)', 'gt', '0'],
  RDP_COOKIE: ['req.rdp_cookie_cnt', 'gt', '0'],
  REQ_CONTENT: ['req.len', 'gt', '0'],
  WAIT_END: ['wait_end'],
};

export const PREDEFINED_ACLS: readonly string[] = Object.keys(PREDEFINED);

function predefined(name: string, cc: CompileContext): Acl | AclError | undefined {
  if (!Object.hasOwn(PREDEFINED, name)) return undefined;
  const e = parseAclExpression(PREDEFINED[name]!, cc, []);
  if (e instanceof AclError) {
    return fail(AclCode.UNSUPPORTED, `predefined ACL '${name}' relies on a fetch Hawser does not support (${e.text})`, cc);
  }
  const acl = new Acl(name);
  acl.expressions.push(e);
  return acl;
}

interface Term {
  acl: Acl;
  neg: boolean;
}

/** Where a condition cannot work: an ACL using a keyword that has no value in that rule set. */
export interface Conflict {
  /** The ACL's name, '' for an anonymous block. */
  acl: string;
  keyword: string;
}

export class Condition {
  /** `unless`: the condition holds when the expression does not. */
  readonly negate: boolean;
  /** OR of ANDs of (possibly negated) ACLs. */
  readonly alternatives: readonly (readonly Term[])[];
  /** HAProxy's warnings from anonymous blocks. */
  readonly warnings: readonly string[];
  readonly pos?: AclPos;

  constructor(negate: boolean, alternatives: Term[][], warnings: string[], pos?: AclPos) {
    this.negate = negate;
    this.alternatives = alternatives;
    this.warnings = warnings;
    if (pos !== undefined) this.pos = pos;
  }

  /** Whether the rule applies. */
  eval(ctx: SampleContext): boolean {
    const alts = this.alternatives;
    let res = false;
    outer: for (let a = 0; a < alts.length; a++) {
      const terms = alts[a]!;
      for (let t = 0; t < terms.length; t++) {
        const term = terms[t]!;
        if (term.acl.test(ctx) === term.neg) continue outer;
      }
      res = true;
      break;
    }
    return res !== this.negate;
  }

  /**
   * eval() in HAProxy's three-state logic, for content rules that can wait
   * for data: ACL_PASS (the rule applies), ACL_FAIL, or ACL_MISS (undecided
   * until more bytes arrive). A MISS stops an AND, `!` and `unless` keep it.
   */
  evalContent(ctx: SampleContext): number {
    const alts = this.alternatives;
    let res = ACL_FAIL;
    for (let a = 0; a < alts.length && res !== ACL_PASS; a++) {
      const terms = alts[a]!;
      let suite = ACL_PASS;
      for (let t = 0; t < terms.length && suite === ACL_PASS; t++) {
        const term = terms[t]!;
        const r = term.acl.testContent(ctx);
        suite &= term.neg ? negate3(r) : r;
      }
      res |= suite;
    }
    return this.negate ? negate3(res) : res;
  }

  /** ACLs that can never match in `phase`, with the keyword at fault (HAProxy warns about them). */
  conflicts(phase: RulePhase): Conflict[] {
    const bit = phaseBit(phase);
    const out: Conflict[] = [];
    const seen = new Set<Acl>();
    for (const terms of this.alternatives) {
      for (const { acl } of terms) {
        if (seen.has(acl)) continue;
        seen.add(acl);
        const e = acl.expressions.find((x) => (x.sample.use & bit) === 0);
        if (e !== undefined) out.push({ acl: acl.name, keyword: e.keyword });
      }
    }
    return out;
  }
}

/** HAProxy's warning text for a conflict, `where` naming the rule set (e.g. "frontend http-response header rule"). */
export function conflictWarning(c: Conflict, where: string): string {
  const who = c.acl === '' ? 'anonymous acl' : `acl '${c.acl}'`;
  return `${who} will never match because it uses keyword '${c.keyword}' which is incompatible with '${where}'`;
}

/**
 * Compiles a rule's condition from its words, starting at `if` or `unless`:
 * ['if', 'api', '!', '{', 'src', '10.0.0.0/8', '}']. Named ACLs are looked up
 * in `acls` (the proxy's declarations so far); a predefined ACL used for the
 * first time is added there, as HAProxy does.
 */
export function compileCondition(words: readonly string[], acls: Map<string, Acl>, pos?: AclPos, options?: AclCompileOptions): Condition | AclError {
  const cc = makeCompileContext(options, pos);
  const kw = words[0];
  if (kw !== 'if' && kw !== 'unless') return fail(AclCode.SYNTAX, "conditions must start with either 'if' or 'unless'", cc);
  const alternatives: Term[][] = [];
  const warnings: string[] = [];
  let current: Term[] | null = null;
  let neg = false;
  for (let i = 1; i < words.length; i++) {
    let w = words[i]!;
    while (w.startsWith('!')) {
      neg = !neg;
      w = w.slice(1);
    }
    if (w === '') continue;
    if (w.toLowerCase() === 'or' || w === '||') {
      current = null;
      neg = false;
      continue;
    }
    let acl: Acl;
    if (w === '{') {
      let end = i + 1;
      while (end < words.length && words[end] !== '}') end++;
      if (end >= words.length) return fail(AclCode.SYNTAX, "missing closing '}' in condition", cc);
      const e = parseAclExpression(words.slice(i + 1, end), cc, warnings);
      if (e instanceof AclError) return e;
      acl = new Acl('');
      acl.expressions.push(e);
      i = end;
    } else {
      let found = acls.get(w);
      if (found === undefined) {
        const p = predefined(w, cc);
        if (p instanceof AclError) return p;
        if (p === undefined) return fail(AclCode.UNKNOWN_ACL, `no such ACL : '${w}'`, cc);
        acls.set(w, p);
        found = p;
      }
      acl = found;
    }
    if (current === null) {
      current = [];
      alternatives.push(current);
    }
    current.push({ acl, neg });
    neg = false;
  }
  return new Condition(kw === 'unless', alternatives, warnings, pos);
}
