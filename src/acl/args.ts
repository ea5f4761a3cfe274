// The argument lists of fetches and converters: `hdr(host,1)`,
// `regsub('/+','/','g')`, `map(/etc/hawser/hosts.map,default)`. Parsed as
// HAProxy's make_arg_list does (a second level of quotes and backslash
// escapes inside the parentheses), typed against the keyword's declaration,
// with HAProxy's error messages.

import { parseIPv4, parseIPv6, parseMask4, parseMask6 } from './ipaddr.ts';

export type ArgType = 'sint' | 'str' | 'ipv4' | 'msk4' | 'ipv6' | 'msk6' | 'be' | 'srv' | 'reg' | 'var' | 'tab';

const TYPE_NAMES: Record<ArgType, string> = {
  sint: 'integer',
  str: 'string',
  ipv4: 'IPv4 address',
  msk4: 'IPv4 mask',
  ipv6: 'IPv6 address',
  msk6: 'IPv6 mask',
  be: 'backend',
  srv: 'server',
  reg: 'regex',
  var: 'variable',
  tab: 'table',
};

/** What a keyword accepts: argument types in order, the first `min` mandatory. */
export interface ArgSpec {
  readonly types: readonly ArgType[];
  readonly min: number;
}

export const NO_ARGS: ArgSpec = { types: [], min: 0 };

/** One parsed argument. One shape for all types keeps the hot path monomorphic. */
export class Arg {
  readonly type: ArgType;
  /** str, be, srv, reg, var: the text; also the original text of every type. */
  str: string;
  /** sint; ipv4 and msk4 as a 32-bit number. */
  int = 0;
  /** ipv6, msk6. */
  v6: Uint32Array | null = null;
  /** What a keyword's validation compiled from the text (a RegExp, a map...). */
  obj: unknown = null;

  constructor(type: ArgType, str: string) {
    this.type = type;
    this.str = str;
  }
}

export interface ArgListOk {
  args: Arg[];
  /** Index in the word just past the closing parenthesis (or `from` when there was none). */
  end: number;
}

export interface ArgListError {
  error: string;
  /** 0-based position of the argument at fault (HAProxy reports it 1-based). */
  pos: number;
}

/** A signed 64-bit decimal as HAProxy's read_int64 reads a whole argument; undefined when not all digits. */
function parseSint(s: string): number | undefined {
  if (!/^[+-]?\d*$/.test(s)) return undefined;
  const n = Number(s.replace(/^\+/, '') || '0');
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parses the argument list that starts at `word[from]` (an opening
 * parenthesis, or anything else for "no list").
 */
export function parseArgList(word: string, from: number, spec: ArgSpec): ArgListOk | ArgListError {
  const end = word.length;
  let i = from;
  const empty = word.charCodeAt(i) !== 40; /* ( */
  if (!empty) i++;
  const nb = spec.types.length;
  const args: Arg[] = [];
  let pos = 0;
  parse: if (nb > 0 && !(empty && spec.min === 0)) {
    while (pos < nb) {
      let out = '';
      let sq = false;
      let dq = false;
      if (!empty) {
        while (i < end) {
          const c = word[i]!;
          if (c === '"' && !sq) {
            dq = !dq;
            i++;
            continue;
          }
          if (c === "'" && !dq) {
            sq = !sq;
            i++;
            continue;
          }
          if (c === '\\' && !sq) {
            if (i + 1 >= end) {
              return { error: `failed to parse '${word.slice(i)}' after '${out}' as type '${TYPE_NAMES[spec.types[pos]!]}' at position ${pos + 1}`, pos };
            }
            const n = word[i + 1]!;
            if (n === '\\' || n === ' ' || n === '"' || n === "'") out += n;
            else if (n === 'r') out += '\r';
            else if (n === 'n') out += '\n';
            else if (n === 't') out += '\t';
            else {
              out += '\\';
              i++;
              continue;
            }
            i += 2;
            continue;
          }
          if (!sq && !dq && (c === ',' || c === ')')) break;
          out += c;
          i++;
        }
      }
      const type = spec.types[pos]!;
      const arg = new Arg(type, out);
      switch (type) {
        case 'sint': {
          if (out === '') {
            if (pos >= spec.min) break parse;
            return { error: `expected type '${TYPE_NAMES[type]}' at position ${pos + 1}, but got nothing`, pos };
          }
          const n = parseSint(out);
          if (n === undefined) return { error: `failed to parse '${out}' as type '${TYPE_NAMES[type]}' at position ${pos + 1}`, pos };
          arg.int = n;
          break;
        }
        case 'ipv4':
        case 'msk4': {
          if (out === '') {
            if (pos >= spec.min) break parse;
            return { error: `expected type '${TYPE_NAMES[type]}' at position ${pos + 1}, but got nothing`, pos };
          }
          const a = type === 'ipv4' ? parseIPv4(out) : parseMask4(out);
          if (a < 0) return { error: `failed to parse '${out}' as type '${TYPE_NAMES[type]}' at position ${pos + 1}`, pos };
          arg.int = a;
          break;
        }
        case 'ipv6':
        case 'msk6': {
          if (out === '') {
            if (pos >= spec.min) break parse;
            return { error: `expected type '${TYPE_NAMES[type]}' at position ${pos + 1}, but got nothing`, pos };
          }
          const v = new Uint32Array(4);
          if (!(type === 'ipv6' ? parseIPv6(out, v) : parseMask6(out, v))) {
            return { error: `failed to parse '${out}' as type '${TYPE_NAMES[type]}' at position ${pos + 1}`, pos };
          }
          arg.v6 = v;
          break;
        }
        default:
          break;
      }
      args.push(arg);
      pos++;
      if (empty || i >= end || word[i] === ')' || pos >= nb) break;
      i++; // the comma
    }
  }
  if (pos < spec.min) {
    return { error: `missing arguments (got ${pos}/${spec.min}), type '${TYPE_NAMES[spec.types[pos]!]}' expected`, pos };
  }
  if (!empty) {
    if (word[i] === ')') i++;
    else {
      const rest = word.slice(i);
      return { error: rest !== '' ? `expected ')' before '${rest}'` : `expected ')'`, pos: pos > 1 ? pos - 1 : pos };
    }
  }
  return { args, end: i };
}

export function isArgError(r: ArgListOk | ArgListError): r is ArgListError {
  return (r as ArgListError).error !== undefined;
}

export function argTypeName(t: ArgType): string {
  return TYPE_NAMES[t];
}
