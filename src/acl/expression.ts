// Sample expressions: a fetch and its converters, `req.hdr(host),lower,map(F)`,
// compiled once (keywords looked up, arguments typed and validated, casts
// between steps checked, files loaded) into a SampleExpression that runs
// per request without compiling anything. Used by ACLs, and on their own by
// `use_backend %[...]` and log-format.

import { type Arg, isArgError, parseArgList } from './args.ts';
import { canCast, castSample, sampleText } from './cast.ts';
import { converterNames, findConverter } from './converters.ts';
import { AclCode, AclError, type AclPos } from './errors.ts';
import { type AclKeyword, criterionNames, fetchNames, findFetch } from './fetches.ts';
import type { AclCompileOptions, CompileContext, ConverterDef, FetchDef } from './keyword.ts';
import { PatternFiles } from './pattern-file.ts';
import { Sample, type SampleContext, type SampleType, SAMPLE_TYPE_NAMES } from './sample.ts';
import { suggestion } from '../config/index.ts';

/** HAProxy's is_idchar: what a fetch or converter keyword is made of. */
function isIdChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    ((c | 0x20) >= 97 && (c | 0x20) <= 122) ||
    c === 46 /* . */ ||
    c === 95 /* _ */ ||
    c === 45 /* - */ ||
    c === 43 /* + */ ||
    c === 58 /* : */
  );
}

export function keywordEnd(word: string, from = 0): number {
  let i = from;
  while (i < word.length && isIdChar(word.charCodeAt(i))) i++;
  return i;
}

export class SampleExpression {
  /** The expression as written. */
  readonly text: string;
  readonly fetch: FetchDef;
  readonly args: readonly Arg[];
  readonly converters: readonly ConverterDef[];
  readonly converterArgs: readonly (readonly Arg[])[];
  /** The type of the result as declared (the fetch's, or the last converter's). */
  readonly type: SampleType;
  private readonly scratch = new Sample();

  constructor(text: string, fetch: FetchDef, args: Arg[], converters: ConverterDef[], converterArgs: Arg[][]) {
    this.text = text;
    this.fetch = fetch;
    this.args = args;
    this.converters = converters;
    this.converterArgs = converterArgs;
    this.type = converters.length > 0 ? converters[converters.length - 1]!.out : fetch.out;
  }

  /**
   * Fetch then convert into `smp`. With `iterate`, multi-valued fetches hand
   * out their next value on each call (smp.notLast tells whether more follow).
   */
  process(ctx: SampleContext, smp: Sample, iterate: boolean): boolean {
    if (!this.fetch.fetch(ctx, this.args, smp, iterate)) return false;
    const convs = this.converters;
    for (let i = 0; i < convs.length; i++) {
      const c = convs[i]!;
      if (smp.type !== c.in && !castSample(smp, c.in)) return false;
      if (!c.convert(smp, this.converterArgs[i]!, ctx)) return false;
    }
    return true;
  }

  /** The value (a header's last occurrence...), or null when absent. The Sample is reused by the next call. */
  eval(ctx: SampleContext): Sample | null {
    const s = this.scratch;
    s.reset();
    return this.process(ctx, s, false) ? s : null;
  }

  /** The value as text (what `use_backend %[...]` or a header would get), or undefined when absent. */
  evalString(ctx: SampleContext): string | undefined {
    const s = this.eval(ctx);
    return s === null ? undefined : sampleText(s);
  }

  /** USE_* bits: where the expression's fetch can be used. */
  get use(): number {
    return this.fetch.use;
  }
}

export function makeCompileContext(options: AclCompileOptions | undefined, pos: AclPos | undefined): CompileContext {
  const o = options ?? {};
  let files = o.files ?? null;
  if (files === null && o.loadFile !== undefined) files = new PatternFiles(o.loadFile);
  return { options: o, files, file: pos?.file, line: pos?.line };
}

function err(code: AclError['code'], message: string, cc: CompileContext, hint = ''): AclError {
  return new AclError(code, message, { file: cc.file, line: cc.line }, hint);
}

/** A validation result turned into an error (files keep their own position). */
function validationError(r: string | AclError, wrap: (m: string) => string, cc: CompileContext, code: AclError['code']): AclError {
  if (r instanceof AclError) return r.code === AclCode.UNKNOWN_REFERENCE ? r : r.rewrap(wrap);
  return err(code, wrap(r), cc);
}

/**
 * Compiles one word `FETCH[(args)][,CONV[(args)]...]`. With `aclKw`, the word
 * starts with that ACL keyword (messages then follow HAProxy's ACL wording);
 * `criterion` says the word is an ACL's (suggestions then include ACL keywords).
 */
export function parseSampleWord(word: string, cc: CompileContext, aclKw?: AclKeyword, criterion = false): SampleExpression | AclError {
  const kwEnd = keywordEnd(word);
  const kw = word.slice(0, kwEnd);
  const inAcl = aclKw !== undefined;
  const pre = inAcl ? `ACL keyword '${kw}' : ` : '';
  const post = inAcl ? '.' : '';
  if (kwEnd === 0) return err(AclCode.UNKNOWN_FETCH, 'missing fetch method', cc);
  const fetch = findFetch(inAcl ? aclKw.fetch : kw);
  if (fetch === undefined) {
    return err(AclCode.UNKNOWN_FETCH, `unknown fetch method '${kw}'`, cc, suggestion(kw, criterion ? criterionNames() : fetchNames()));
  }
  const parsed = parseArgList(word, kwEnd, fetch.args);
  if (isArgError(parsed)) {
    return err(AclCode.BAD_ARGUMENT, inAcl ? `ACL keyword '${kw}' : ${parsed.error}` : `fetch method '${kw}' : ${parsed.error}`, cc);
  }
  if (fetch.validate !== undefined) {
    const r = fetch.validate(parsed.args, cc);
    if (r !== undefined) {
      const wrap = (m: string): string => (inAcl ? `in argument to '${kw}', ${m}` : `invalid args in fetch method '${kw}' : ${m}`);
      return validationError(r, wrap, cc, r instanceof AclError ? r.code : AclCode.BAD_ARGUMENT);
    }
  }
  let type: SampleType = fetch.out;
  const convs: ConverterDef[] = [];
  const convArgs: Arg[][] = [];
  let i = parsed.end;
  let ckw: string | undefined;
  for (;;) {
    if (i < word.length && word[i] !== ',') {
      const m = ckw !== undefined ? `missing comma after converter '${ckw}'` : inAcl ? 'missing comma after fetch keyword' : `missing comma after fetch keyword '${kw}'`;
      return err(AclCode.BAD_CONVERTER, pre + m + post, cc);
    }
    while (word[i] === ',') i++;
    if (i >= word.length) break;
    const cEnd = keywordEnd(word, i);
    ckw = word.slice(i, cEnd);
    const conv = findConverter(ckw);
    if (conv === undefined) {
      return err(AclCode.BAD_CONVERTER, `${pre}unknown converter '${ckw}'${post}`, cc, suggestion(ckw, converterNames()));
    }
    if (!canCast(type, conv.in)) {
      return err(AclCode.BAD_CONVERTER, `${pre}converter '${ckw}' cannot be applied${post}`, cc);
    }
    const ca = parseArgList(word, cEnd, conv.args);
    if (isArgError(ca)) {
      return err(AclCode.BAD_CONVERTER, `${pre}invalid arg ${ca.pos + 1} in converter '${ckw}' : ${ca.error}${post}`, cc);
    }
    if (conv.validate !== undefined) {
      const r = conv.validate(ca.args, cc);
      if (r !== undefined) {
        const name = ckw;
        return validationError(r, (m) => `${pre}invalid args in converter '${name}' : ${m}${post}`, cc, r instanceof AclError ? r.code : AclCode.BAD_CONVERTER);
      }
    }
    convs.push(conv);
    convArgs.push(ca.args);
    type = conv.out;
    i = ca.end;
  }
  return new SampleExpression(word, fetch, parsed.args, convs, convArgs);
}

/**
 * Compiles a standalone sample expression: "req.hdr(host),lower,map(F)" or
 * the same wrapped as "%[...]" (what `use_backend %[...]` and log-format
 * carry). Files named by converters are read through `options.loadFile`.
 */
export function compileSampleExpression(text: string, options?: AclCompileOptions, pos?: AclPos): SampleExpression | AclError {
  const cc = makeCompileContext(options, pos);
  let body = text;
  if (body.startsWith('%[')) {
    if (!body.endsWith(']')) return err(AclCode.SYNTAX, `missing closing ']' in '${text}'`, cc);
    body = body.slice(2, -1);
  }
  return parseSampleWord(body.trim(), cc);
}

export function typeName(t: SampleType): string {
  return SAMPLE_TYPE_NAMES[t]!;
}
