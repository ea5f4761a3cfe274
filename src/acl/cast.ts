// HAProxy's sample cast matrix: which type converts into which, and how. A
// converter's input and a match method's expected type are reached through
// these casts; a cast that does not exist is a configuration error, one that
// fails at run time (a string that is not an address) makes the sample absent.

import { formatIPv4, formatIPv6, mappedIPv4, parseIPv4Lead, parseIPv6 } from './ipaddr.ts';
import {
  type Sample,
  type SampleType,
  SMP_BIN,
  SMP_BOOL,
  SMP_INT,
  SMP_IPV4,
  SMP_IPV6,
  SMP_METH,
  SMP_STR,
} from './sample.ts';

// Cast kinds (0 = impossible, 1 = nothing to do).
const NO = 0;
const ID = 1;
const INT2STR = 2;
const BOOL2BIN = 3;
const INT2IP = 4;
const INT2IP6 = 5;
const INT2BIN = 6;
const IP2INT = 7;
const IP2IP6 = 8;
const IP2STR = 9;
const ADDR2BIN = 10;
const IP62IP = 11;
const IP62STR = 12;
const STR2INT = 13;
const STR2ADDR = 14;
const STR2IP = 15;
const STR2IP6 = 16;
const STR2BIN = 17;
const STR2METH = 18;
const BIN2STR = 19;
const METH2STR = 20;
const METH2BIN = 21;

/* prettier-ignore */
const MATRIX: readonly (readonly number[])[] = [
  /*          ANY  BOOL     INT      ADDR      IPV4    IPV6     STR      BIN       METH     */
  /* ANY  */ [ID,  ID,      ID,      ID,       ID,     ID,      ID,      ID,       ID],
  /* BOOL */ [ID,  ID,      ID,      NO,       NO,     NO,      INT2STR, BOOL2BIN, NO],
  /* INT  */ [ID,  ID,      ID,      INT2IP,   INT2IP, INT2IP6, INT2STR, INT2BIN,  NO],
  /* ADDR */ [ID,  NO,      NO,      NO,       NO,     NO,      NO,      NO,       NO],
  /* IPV4 */ [ID,  NO,      IP2INT,  ID,       ID,     IP2IP6,  IP2STR,  ADDR2BIN, NO],
  /* IPV6 */ [ID,  NO,      NO,      ID,       IP62IP, ID,      IP62STR, ADDR2BIN, NO],
  /* STR  */ [ID,  STR2INT, STR2INT, STR2ADDR, STR2IP, STR2IP6, ID,      STR2BIN,  STR2METH],
  /* BIN  */ [ID,  NO,      NO,      NO,       NO,     NO,      BIN2STR, ID,       STR2METH],
  /* METH */ [ID,  NO,      NO,      NO,       NO,     NO,      METH2STR, METH2BIN, ID],
];

/** Whether a sample of type `from` can be cast to `to` (decided at configuration time). */
export function canCast(from: SampleType, to: SampleType): boolean {
  return MATRIX[from]![to] !== NO;
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'CONNECT', 'PUT', 'OPTIONS', 'DELETE', 'TRACE']);

/** Whether HAProxy knows `m` as a method (it then compares methods by identity). */
export function isKnownMethod(m: string): boolean {
  return KNOWN_METHODS.has(m);
}

/**
 * HAProxy's read_int64 on a whole string: optional sign, then the digits up to
 * the first non-digit ("12abc" is 12, "abc" is 0), saturating.
 */
export function readInt(s: string): number {
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  } else if (s.charCodeAt(0) === 43) {
    i = 1;
  }
  let n = 0;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (n > Number.MAX_SAFE_INTEGER) n = Number.MAX_SAFE_INTEGER;
  return neg ? -n : n;
}

/** HAProxy's strl2ic: a signed decimal prefix, 0 when none (header and cookie values to int). */
export function leadingInt(s: string): number {
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let n = 0;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  // HAProxy computes this in a C int: wrap like it does.
  n = n | 0;
  return neg ? -n | 0 : n;
}

/**
 * Integers are JavaScript numbers (exact to 2^53); HAProxy's saturate at the
 * 64-bit limits, which print as HAProxy prints them.
 */
export function intText(n: number): string {
  if (n >= 9223372036854775807) return '9223372036854775807';
  if (n <= -9223372036854775808) return '-9223372036854775808';
  return String(n);
}

function int64Buffer(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  const v = n >= 9223372036854775807 ? 9223372036854775807n : n <= -9223372036854775808 ? -9223372036854775808n : BigInt(Math.trunc(n));
  b.writeBigInt64BE(v);
  return b;
}

function addrBuffer(smp: Sample): Buffer {
  if (smp.type === SMP_IPV4) {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(smp.int >>> 0);
    return b;
  }
  const b = Buffer.allocUnsafe(16);
  for (let k = 0; k < 4; k++) b.writeUInt32BE(smp.v6[k]!, 4 * k);
  return b;
}

/**
 * Casts `smp` in place to `to`. Returns false when the cast is impossible or
 * the value does not convert (the sample is then to be treated as absent).
 */
export function castSample(smp: Sample, to: SampleType): boolean {
  const kind = MATRIX[smp.type]![to]!;
  switch (kind) {
    case ID:
      return true;
    case NO:
      return false;
    case INT2STR:
      smp.str = intText(smp.int);
      smp.type = SMP_STR;
      return true;
    case BOOL2BIN:
      smp.bin = int64Buffer(smp.int !== 0 ? 1 : 0);
      smp.type = SMP_BIN;
      return true;
    case INT2IP:
      smp.int = smp.int >>> 0;
      smp.type = SMP_IPV4;
      return true;
    case INT2IP6:
      smp.setIPv6(0, 0, 0xffff, smp.int >>> 0);
      return true;
    case INT2BIN:
      smp.bin = int64Buffer(smp.int);
      smp.type = SMP_BIN;
      return true;
    case IP2INT:
      smp.type = SMP_INT;
      return true;
    case IP2IP6:
      smp.setIPv6(0, 0, 0xffff, smp.int);
      return true;
    case IP2STR:
      smp.str = formatIPv4(smp.int);
      smp.type = SMP_STR;
      return true;
    case ADDR2BIN:
      smp.bin = addrBuffer(smp);
      smp.type = SMP_BIN;
      return true;
    case IP62IP: {
      const a = mappedIPv4(smp.v6);
      if (a < 0) return false;
      smp.setIPv4(a);
      return true;
    }
    case IP62STR:
      smp.str = formatIPv6(smp.v6);
      smp.type = SMP_STR;
      return true;
    case STR2INT:
      if (smp.str.length === 0) return false;
      smp.int = readInt(smp.str);
      smp.type = SMP_INT;
      return true;
    case STR2ADDR: {
      const a = parseIPv4Lead(smp.str);
      if (a >= 0) {
        smp.setIPv4(a);
        return true;
      }
      if (!parseIPv6(smp.str, smp.v6)) return false;
      smp.type = SMP_IPV6;
      return true;
    }
    case STR2IP: {
      const a = parseIPv4Lead(smp.str);
      if (a < 0) return false;
      smp.setIPv4(a);
      return true;
    }
    case STR2IP6:
      if (!parseIPv6(smp.str, smp.v6)) return false;
      smp.type = SMP_IPV6;
      return true;
    case STR2BIN:
      smp.bin = Buffer.from(smp.str, 'latin1');
      smp.type = SMP_BIN;
      return true;
    case STR2METH:
      if (smp.type === SMP_BIN) smp.str = smp.bin.toString('latin1');
      smp.type = SMP_METH;
      return true;
    case BIN2STR: {
      const b = smp.bin;
      const nul = b.indexOf(0);
      smp.str = b.toString('latin1', 0, nul < 0 ? b.length : nul);
      smp.type = SMP_STR;
      return true;
    }
    case METH2STR:
      smp.type = SMP_STR;
      return true;
    case METH2BIN:
      smp.bin = Buffer.from(smp.str, 'latin1');
      smp.type = SMP_BIN;
      return true;
    default:
      return false;
  }
}

/** The text of a sample as HAProxy prints it in a header or a log (cast to string). */
export function sampleText(smp: Sample): string | undefined {
  if (smp.type === SMP_STR) return smp.str;
  return castSample(smp, SMP_STR) ? smp.str : undefined;
}

