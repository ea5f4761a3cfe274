// `balance source`: the client address is the key. As HAProxy does (its
// get_server_sh), the address bytes are read as big-endian 32-bit words and
// XORed together (one word for IPv4, four for IPv6); hash-type's function is
// not applied, only its avalanche modifier. A source that is not an IP
// address (a unix socket) has no key.

import type { PickInput } from './index.ts';
import type { KeyHasher } from './hash-balancer.ts';
import { avalanche } from './hash.ts';

/** Scratch for the eight 16-bit groups of an IPv6 address (pick is synchronous). */
const groups = new Uint16Array(8);

/** The XOR of the address' 32-bit words, or -1 when `text` is not an IP address. */
export function addressWords(text: string): number {
  const v4 = parseIPv4(text, 0, text.length);
  if (v4 >= 0) return v4;
  if (!parseIPv6(text)) return -1;
  return ((((groups[0]! << 16) | groups[1]!) ^ ((groups[2]! << 16) | groups[3]!) ^
    ((groups[4]! << 16) | groups[5]!) ^ ((groups[6]! << 16) | groups[7]!)) >>> 0);
}

/** Dotted quad in text[start..end) as an unsigned 32-bit number, or -1. */
function parseIPv4(text: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // no leading zeros
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Fills `groups` from an IPv6 address (with `::`, an embedded IPv4 tail, a `%zone`); false if malformed. */
function parseIPv6(text: string): boolean {
  let end = text.indexOf('%');
  if (end < 0) end = text.length;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (end >= 2 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
  } else if (end > 0 && text.charCodeAt(0) === 58) {
    return false;
  }
  while (i < end) {
    if (count === 8) return false;
    let value = 0;
    let digits = 0;
    let j = i;
    for (; j < end && digits <= 4; j++) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      digits++;
    }
    if (j < end && text.charCodeAt(j) === 46) {
      // An IPv4 tail takes the last two groups.
      if (count > 6) return false;
      const v4 = parseIPv4(text, i, end);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (digits === 0 || digits > 4) return false;
    groups[count++] = value;
    if (j === end) {
      i = end;
      break;
    }
    if (text.charCodeAt(j) !== 58) return false;
    if (j + 1 < end && text.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i = j + 2;
    } else {
      if (j + 1 === end) return false;
      i = j + 1;
    }
  }
  if (gap < 0) return count === 8;
  if (count > 7) return false;
  const tail = count - gap;
  for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k]!;
  for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  return true;
}

export class SourceKey implements KeyHasher {
  readonly #avalanche: boolean;

  constructor(useAvalanche: boolean) {
    this.#avalanche = useAvalanche;
  }

  hash(input: PickInput): number {
    const words = addressWords(input.src);
    if (words < 0) return -1;
    return this.#avalanche ? avalanche(words) : words;
  }
}
