// Converters: transformations chained after a fetch (`req.hdr(host),lower`),
// with HAProxy's input/output types and semantics: case, length, arithmetic
// and bitwise operators (a constant or a variable), base64 and hex, field and
// word extraction, regsub, json escaping, ipmask, trimming, URL decoding,
// concat/strcmp with variables, the hash functions of `hash-type`, and the
// maps (converters-map.ts).

import { type Arg, type ArgSpec, NO_ARGS } from './args.ts';
import { asciiLower, asciiUpper } from './ascii-case.ts';
import { castSample, readInt } from './cast.ts';
import { MAP_CONVERTERS } from './converters-map.ts';
import { STICK_CONVERTERS } from './converters-stick.ts';
import { checkVarName } from './fetches-internal.ts';
import { mappedIPv4 } from './ipaddr.ts';
import type { ConverterDef } from './keyword.ts';
import { compileRegex, regsub } from './regex.ts';
import {
  Sample,
  type SampleContext,
  SMP_ADDR,
  SMP_BIN,
  SMP_BOOL,
  SMP_INT,
  SMP_IPV4,
  SMP_IPV6,
  SMP_STR,
} from './sample.ts';
import { avalanche, crc32, djb2, sdbm, wt6 } from '../lb/index.ts';

const I64_MAX = 9223372036854775807;
const I64_MIN = -9223372036854775808;

// Scratch sample for variable operands (converters run one at a time).
const tmp = new Sample();
const VAR = Symbol('var');

/** An operand that is an integer or a variable name (HAProxy's check_operator). */
function checkOperand(a: Arg[]): string | undefined {
  const x = a[0]!;
  if (checkVarName(x.str) === undefined) {
    x.obj = VAR;
    return undefined;
  }
  if (!/^[+-]?\d*$/.test(x.str)) return 'expects an integer or a variable name';
  x.int = readInt(x.str);
  return undefined;
}

/** The operand's value, or undefined when its variable is unset or not a number. */
function operand(a: readonly Arg[], ctx: SampleContext): number | undefined {
  const x = a[0]!;
  if (x.obj !== VAR) return x.int;
  tmp.reset();
  if (!ctx.getVar(x.str, tmp) || !castSample(tmp, SMP_INT)) return undefined;
  return tmp.int;
}

function clamp(n: number): number {
  return n > I64_MAX ? I64_MAX : n < I64_MIN ? I64_MIN : n;
}

function bitwise(a: number, b: number, op: '&' | '|' | '^'): number {
  const x = BigInt(Math.trunc(a));
  const y = BigInt(Math.trunc(b));
  const r = op === '&' ? x & y : op === '|' ? x | y : x ^ y;
  return Number(BigInt.asIntN(64, r));
}

function arith(name: string, op: (a: number, b: number) => number): ConverterDef {
  return {
    name,
    args: { types: ['str'], min: 1 },
    in: SMP_INT,
    out: SMP_INT,
    validate: checkOperand,
    convert: (smp, a, ctx) => {
      const b = operand(a, ctx);
      if (b === undefined) return false;
      smp.setInt(op(smp.int, b));
      return true;
    },
  };
}

function toBool(name: string, f: (n: number) => boolean): ConverterDef {
  return {
    name,
    args: NO_ARGS,
    in: SMP_INT,
    out: SMP_BOOL,
    convert: (smp) => {
      smp.setBool(f(smp.int));
      return true;
    },
  };
}

function strToStr(name: string, f: (s: string, a: readonly Arg[]) => string, args: ArgSpec = NO_ARGS): ConverterDef {
  return {
    name,
    args,
    in: SMP_STR,
    out: SMP_STR,
    convert: (smp, a) => {
      smp.setStr(f(smp.str, a));
      return true;
    },
  };
}

function binToStr(name: string, f: (b: Buffer) => string): ConverterDef {
  return {
    name,
    args: NO_ARGS,
    in: SMP_BIN,
    out: SMP_STR,
    convert: (smp) => {
      smp.setStr(f(smp.bin));
      return true;
    },
  };
}

function hashConverter(name: string, h: (s: string) => number): ConverterDef {
  return {
    name,
    args: { types: ['sint'], min: 0 },
    in: SMP_BIN,
    out: SMP_INT,
    convert: (smp, a) => {
      let v = h(smp.bin.toString('latin1'));
      if (a.length > 0 && a[0]!.int !== 0) v = avalanche(v);
      smp.setInt(v >>> 0);
      return true;
    },
  };
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*$|^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** `field` and `word` take (index, delimiters[, count]). */
function checkField(a: Arg[]): string | undefined {
  if (a[0]!.int === 0) return 'Unexpected value 0 for index';
  if (a[1]!.str.length === 0) return 'Empty separators list';
  return undefined;
}

/** HAProxy's field(): fields between delimiters, empty ones count; not found fails. */
function field(smp: Sample, a: readonly Arg[]): boolean {
  const s = smp.str;
  const idx = a[0]!.int;
  const delims = a[1]!.str;
  let count = a.length > 2 ? a[2]!.int : 1;
  const isDelim = (c: string): boolean => delims.includes(c);
  let start: number;
  let end: number;
  let fieldNo: number;
  if (idx < 0) {
    fieldNo = -1;
    end = start = s.length;
    while (start > 0) {
      if (isDelim(s[start - 1]!)) {
        if (fieldNo === idx) {
          if (count === 1) break;
          if (count > 1) count--;
        } else {
          end = start - 1;
          fieldNo--;
        }
      }
      start--;
    }
  } else {
    fieldNo = 1;
    end = start = 0;
    while (end < s.length) {
      if (isDelim(s[end]!)) {
        if (fieldNo === idx) {
          if (count === 1) break;
          if (count > 1) count--;
        } else {
          start = end + 1;
          fieldNo++;
        }
      }
      end++;
    }
  }
  if (fieldNo !== idx) return false;
  smp.setStr(s.slice(start, end));
  return true;
}

/** HAProxy's word(): like field() but runs of delimiters separate; not found gives "". */
function word(smp: Sample, a: readonly Arg[]): boolean {
  const s = smp.str;
  const idx = a[0]!.int;
  const delims = a[1]!.str;
  let count = a.length > 2 ? a[2]!.int : 1;
  let w = 0;
  let inWord = false;
  let start: number;
  let end: number;
  let found = false;
  if (idx < 0) {
    end = start = s.length;
    while (start > 0) {
      const sep = delims.includes(s[start - 1]!);
      if (!inWord) {
        if (!sep) {
          if (w !== idx) {
            w--;
            end = start;
          }
          inWord = true;
        }
      } else if (sep) {
        if (w === idx) {
          if (count === 1) {
            found = true;
            break;
          }
          if (count > 1) count--;
        }
        inWord = false;
      }
      start--;
    }
  } else {
    end = start = 0;
    while (end < s.length) {
      const sep = delims.includes(s[end]!);
      if (!inWord) {
        if (!sep) {
          if (w !== idx) {
            w++;
            start = end;
          }
          inWord = true;
        }
      } else if (sep) {
        if (w === idx) {
          if (count === 1) {
            found = true;
            break;
          }
          if (count > 1) count--;
        }
        inWord = false;
      }
      end++;
    }
  }
  if (!found && w !== idx) {
    smp.setStr('');
    return true;
  }
  smp.setStr(s.slice(start, end));
  return true;
}

const JSON_INPUTS = ['ascii', 'utf8', 'utf8s', 'utf8p', 'utf8ps'];

/** Decodes one UTF-8 sequence at s[i] (bytes as latin1 chars) like HAProxy's utf8_next. */
function utf8Next(s: string, i: number, out: { c: number; len: number; bad: boolean; invrange: boolean; overlong: boolean }): void {
  const b = s.charCodeAt(i);
  out.bad = out.invrange = out.overlong = false;
  const left = s.length - i;
  let dec: number;
  let c: number;
  if (b <= 0x7f) {
    out.c = b;
    out.len = 1;
    return;
  }
  if (b <= 0xbf || b >= 0xfe) {
    out.c = b;
    out.len = 1;
    out.bad = true;
    return;
  }
  if (b <= 0xdf) {
    dec = 1;
    c = b & 0x1f;
  } else if (b <= 0xef) {
    dec = 2;
    c = b & 0x0f;
  } else if (b <= 0xf7) {
    dec = 3;
    c = b & 0x07;
  } else if (b <= 0xfb) {
    dec = 4;
    c = b & 0x03;
  } else {
    dec = 5;
    c = b & 0x01;
  }
  if (left < dec + 1) {
    out.c = b;
    out.len = 1;
    out.bad = true;
    return;
  }
  let p = i + 1;
  for (let k = 0; k < dec; k++, p++) {
    const x = s.charCodeAt(p);
    if ((x & 0xc0) !== 0x80) {
      out.c = c;
      out.len = p - i;
      out.bad = true;
      return;
    }
    c = c * 64 + (x & 0x3f);
  }
  const len = p - i;
  if ((c <= 0x7f && len > 1) || (c >= 0x80 && c <= 0x7ff && len > 2) || (c >= 0x800 && c <= 0xffff && len > 3) || (c >= 0x10000 && c <= 0x1fffff && len > 4)) {
    out.overlong = true;
  }
  if ((c >= 0xd800 && c <= 0xdfff) || (c >= 0xfffe && c <= 0xffff)) out.invrange = true;
  out.c = c;
  out.len = len;
}

const U8 = { c: 0, len: 0, bad: false, invrange: false, overlong: false };

function jsonEscape(s: string, mode: number): string | undefined {
  let out = '';
  let i = 0;
  while (i < s.length) {
    let c: number;
    if (mode === 0) {
      c = s.charCodeAt(i++);
    } else {
      utf8Next(s, i, U8);
      i += U8.len;
      c = U8.c;
      const anyErr = U8.bad || U8.invrange || U8.overlong;
      if (mode === 1 && anyErr) return undefined;
      if (mode === 2 && anyErr) continue;
      if (mode === 3 && (U8.bad || U8.invrange)) return undefined;
      if (mode === 4 && (U8.bad || U8.invrange)) continue;
      if (c > 0xffff) {
        if (mode === 1 || mode === 3) return undefined;
        continue;
      }
    }
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x2f) out += '\\/';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c > 0xff || c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += String.fromCharCode(c);
  }
  return out;
}

function urlDecode(s: string, inForm: boolean): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '+') out += inForm ? ' ' : '+';
    else if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
      out += String.fromCharCode(parseInt(h, 16));
      i += 2;
    } else {
      if (c === '?') inForm = true;
      out += c;
    }
  }
  return out;
}

function trimChars(s: string, chars: string, left: boolean): string {
  let a = 0;
  let b = s.length;
  if (left) while (a < b && chars.includes(s[a]!)) a++;
  else while (b > a && chars.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

export const CONVERTERS: readonly ConverterDef[] = [
  strToStr('lower', asciiLower),
  strToStr('upper', asciiUpper),
  {
    name: 'length',
    args: NO_ARGS,
    in: SMP_STR,
    out: SMP_INT,
    convert: (smp) => {
      smp.setInt(smp.str.length);
      return true;
    },
  },
  toBool('bool', (n) => n !== 0),
  toBool('not', (n) => n === 0),
  toBool('odd', (n) => Math.abs(n) % 2 === 1),
  toBool('even', (n) => n % 2 === 0),
  {
    name: 'neg',
    args: NO_ARGS,
    in: SMP_INT,
    out: SMP_INT,
    convert: (smp) => {
      smp.setInt(smp.int <= I64_MIN ? I64_MAX : -smp.int);
      return true;
    },
  },
  {
    name: 'cpl',
    args: NO_ARGS,
    in: SMP_INT,
    out: SMP_INT,
    convert: (smp) => {
      smp.setInt(Number(BigInt.asIntN(64, ~BigInt(Math.trunc(smp.int)))));
      return true;
    },
  },
  arith('add', (a, b) => clamp(a + b)),
  arith('sub', (a, b) => clamp(a - b)),
  arith('mul', (a, b) => clamp(a * b)),
  arith('div', (a, b) => (b === 0 ? I64_MAX : clamp(Math.trunc(a / b)))),
  arith('mod', (a, b) => (b === 0 ? 0 : a % b)),
  arith('and', (a, b) => bitwise(a, b, '&')),
  arith('or', (a, b) => bitwise(a, b, '|')),
  arith('xor', (a, b) => bitwise(a, b, '^')),
  binToStr('base64', (b) => b.toString('base64')),
  binToStr('ub64enc', (b) => b.toString('base64url')),
  binToStr('hex', (b) => b.toString('hex').toUpperCase()),
  {
    name: 'b64dec',
    args: NO_ARGS,
    in: SMP_STR,
    out: SMP_BIN,
    convert: (smp) => {
      if (!B64.test(smp.str)) return false;
      smp.setBin(Buffer.from(smp.str, 'base64'));
      return true;
    },
  },
  {
    name: 'ub64dec',
    args: NO_ARGS,
    in: SMP_STR,
    out: SMP_BIN,
    convert: (smp) => {
      const s = smp.str.replace(/=+$/, '');
      if (!B64URL.test(s) || s.length % 4 === 1) return false;
      smp.setBin(Buffer.from(s, 'base64url'));
      return true;
    },
  },
  {
    name: 'hex2i',
    args: NO_ARGS,
    in: SMP_STR,
    out: SMP_INT,
    convert: (smp) => {
      if (!/^[0-9a-fA-F]*$/.test(smp.str)) return false;
      smp.setInt(smp.str === '' ? 0 : Number(BigInt.asIntN(64, BigInt('0x' + smp.str))));
      return true;
    },
  },
  {
    name: 'bytes',
    args: { types: ['sint', 'sint'], min: 1 },
    in: SMP_BIN,
    out: SMP_BIN,
    convert: (smp, a) => {
      const b = smp.bin;
      const off = a[0]!.int;
      if (b.length <= off) {
        smp.setBin(b.subarray(0, 0));
        return true;
      }
      let end = b.length;
      if (a.length > 1 && a[1]!.int < end - off) end = off + a[1]!.int;
      smp.setBin(b.subarray(off, end));
      return true;
    },
  },
  {
    name: 'field',
    args: { types: ['sint', 'str', 'sint'], min: 2 },
    in: SMP_STR,
    out: SMP_STR,
    validate: checkField,
    convert: field,
  },
  {
    name: 'word',
    args: { types: ['sint', 'str', 'sint'], min: 2 },
    in: SMP_STR,
    out: SMP_STR,
    validate: checkField,
    convert: word,
  },
  {
    name: 'regsub',
    args: { types: ['reg', 'str', 'str'], min: 2 },
    in: SMP_STR,
    out: SMP_STR,
    validate: (a) => {
      let icase = false;
      let global = false;
      if (a.length > 2) {
        for (const f of a[2]!.str) {
          if (f === 'i') icase = true;
          else if (f === 'g') global = true;
          else return `invalid regex flag '${f}', only 'i' and 'g' are supported`;
        }
      }
      const re = compileRegex(a[0]!.str, icase);
      if (typeof re === 'string') return re;
      a[0]!.obj = new RegExp(re.source, re.flags + 'g');
      a[0]!.int = global ? 1 : 0;
      return undefined;
    },
    convert: (smp, a) => {
      smp.setStr(regsub(smp.str, a[0]!.obj as RegExp, a[1]!.str, a[0]!.int === 1));
      return true;
    },
  },
  {
    name: 'json',
    args: { types: ['str'], min: 1 },
    in: SMP_STR,
    out: SMP_STR,
    validate: (a) => {
      const mode = a[0]!.str === '' ? 0 : JSON_INPUTS.indexOf(a[0]!.str);
      if (mode < 0) return "Unexpected input code type. Allowed value are 'ascii', 'utf8', 'utf8s', 'utf8p' and 'utf8ps'";
      a[0]!.int = mode;
      return undefined;
    },
    convert: (smp, a) => {
      const r = jsonEscape(smp.str, a[0]!.int);
      if (r === undefined) return false;
      smp.setStr(r);
      return true;
    },
  },
  {
    name: 'ipmask',
    args: { types: ['msk4', 'msk6'], min: 1 },
    in: SMP_ADDR,
    out: SMP_IPV4,
    convert: (smp, a) => {
      if (smp.type === SMP_IPV6) {
        const v4 = mappedIPv4(smp.v6);
        if (v4 >= 0) smp.setIPv4(v4);
      }
      if (smp.type === SMP_IPV4) {
        smp.setIPv4((smp.int & a[0]!.int) >>> 0);
        return true;
      }
      if (a.length < 2) return false;
      const m = a[1]!.v6!;
      const v = smp.v6;
      smp.setIPv6((v[0]! & m[0]!) >>> 0, (v[1]! & m[1]!) >>> 0, (v[2]! & m[2]!) >>> 0, (v[3]! & m[3]!) >>> 0);
      return true;
    },
  },
  strToStr('ltrim', (s, a) => trimChars(s, a[0]!.str, true), { types: ['str'], min: 1 }),
  strToStr('rtrim', (s, a) => trimChars(s, a[0]!.str, false), { types: ['str'], min: 1 }),
  strToStr('cut_crlf', (s) => {
    const i = s.search(/[\r\n]/);
    return i < 0 ? s : s.slice(0, i);
  }),
  {
    name: 'url_dec',
    args: { types: ['sint'], min: 0 },
    in: SMP_STR,
    out: SMP_STR,
    convert: (smp, a) => {
      const r = urlDecode(smp.str, a.length > 0 && a[0]!.int !== 0);
      if (r === undefined) return false;
      smp.setStr(r);
      return true;
    },
  },
  {
    name: 'concat',
    args: { types: ['str', 'str', 'str'], min: 1 },
    in: SMP_STR,
    out: SMP_STR,
    validate: (a) => {
      if (a.length > 1 && a[1]!.str !== '' && checkVarName(a[1]!.str) !== undefined) {
        return `failed to register variable name '${a[1]!.str}'`;
      }
      return undefined;
    },
    convert: (smp, a, ctx) => {
      let out = smp.str + a[0]!.str;
      if (a.length > 1 && a[1]!.str !== '') {
        tmp.reset();
        if (ctx.getVar(a[1]!.str, tmp) && castSample(tmp, SMP_STR)) out += tmp.str;
      }
      if (a.length > 2) out += a[2]!.str;
      smp.setStr(out);
      return true;
    },
  },
  {
    name: 'strcmp',
    args: { types: ['str'], min: 1 },
    in: SMP_STR,
    out: SMP_INT,
    validate: (a) => {
      if (a[0]!.str === '') return 'missing variable name';
      if (checkVarName(a[0]!.str) !== undefined) return `failed to register variable name '${a[0]!.str}'`;
      return undefined;
    },
    convert: (smp, a, ctx) => {
      tmp.reset();
      if (!ctx.getVar(a[0]!.str, tmp) || !castSample(tmp, SMP_STR)) return false;
      const x = smp.str;
      const y = tmp.str;
      const n = Math.min(x.length, y.length);
      let r = 0;
      for (let i = 0; i < n && r === 0; i++) r = x.charCodeAt(i) - y.charCodeAt(i);
      if (r === 0 && x.length !== y.length) r = x.length < y.length ? -1 : 1;
      smp.setInt(r);
      return true;
    },
  },
  {
    name: 'iif',
    args: { types: ['str', 'str'], min: 2 },
    in: SMP_BOOL,
    out: SMP_STR,
    convert: (smp, a) => {
      smp.setStr(smp.int !== 0 ? a[0]!.str : a[1]!.str);
      return true;
    },
  },
  hashConverter('djb2', djb2),
  hashConverter('sdbm', sdbm),
  hashConverter('wt6', wt6),
  hashConverter('crc32', crc32),
  ...MAP_CONVERTERS,
  ...STICK_CONVERTERS,
];

const BY_NAME = new Map(CONVERTERS.map((c) => [c.name, c]));

export function findConverter(name: string): ConverterDef | undefined {
  return BY_NAME.get(name);
}

export function converterNames(): IterableIterator<string> {
  return BY_NAME.keys();
}
