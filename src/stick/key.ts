// Stick-table keys: what a table of each `type` accepts, turned into one
// JavaScript value that a Map can hash without allocating where possible.
// IPv4 addresses become signed 32-bit integers (V8 keeps them unboxed), IPv6
// addresses and binary keys become fixed-width hex text, strings are cut at
// the table's `len` bytes as HAProxy cuts them.

import { SMP_BIN, SMP_BOOL, SMP_INT, SMP_IPV4, SMP_IPV6, SMP_METH, SMP_STR, type Sample } from '../acl/sample.ts';
import { formatIPv4, formatIPv6, mappedIPv4, parseIPv4, parseIPv6 } from '../acl/ipaddr.ts';

export type KeyType = 'ip' | 'ipv6' | 'integer' | 'string' | 'binary';
export const KEY_TYPES: readonly KeyType[] = ['ip', 'ipv6', 'integer', 'string', 'binary'];

/** A normalized key: IPv4 and integers as numbers, the rest as text. */
export type StickKey = number | string;

/** HAProxy's default `len` for string and binary keys. */
export const DEFAULT_KEY_LEN = 32;

const scratch6 = new Uint32Array(4);

function hex6(w: Uint32Array): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += (w[i]! >>> 0).toString(16).padStart(8, '0');
  return s;
}

function fitBinary(b: Buffer, len: number): string {
  // HAProxy pads binary keys with zeros to the table's length.
  const out = Buffer.alloc(len);
  b.copy(out, 0, 0, Math.min(len, b.length));
  return out.toString('hex');
}

function cutString(s: string, len: number): string {
  // Strings hold one byte per character (latin1), so length is bytes.
  return s.length > len ? s.slice(0, len) : s;
}

/**
 * The key a sample gives for a table of `type`, or undefined when the sample
 * cannot be converted (HAProxy then does not track or store).
 */
export function keyFromSample(type: KeyType, len: number, s: Sample): StickKey | undefined {
  switch (type) {
    case 'ip':
      if (s.type === SMP_IPV4) return s.int | 0;
      if (s.type === SMP_IPV6) {
        const v4 = mappedIPv4(s.v6);
        return v4 < 0 ? undefined : v4 | 0;
      }
      if (s.type === SMP_STR) {
        const a = parseIPv4(s.str);
        return a < 0 ? undefined : a | 0;
      }
      return undefined;
    case 'ipv6':
      if (s.type === SMP_IPV6) return hex6(s.v6);
      if (s.type === SMP_IPV4) {
        scratch6[0] = 0;
        scratch6[1] = 0;
        scratch6[2] = 0xffff;
        scratch6[3] = s.int;
        return hex6(scratch6);
      }
      if (s.type === SMP_STR && parseIPv6(s.str, scratch6)) return hex6(scratch6);
      return undefined;
    case 'integer':
      if (s.type === SMP_INT || s.type === SMP_BOOL || s.type === SMP_IPV4) return s.int | 0;
      if (s.type === SMP_STR) {
        const n = Number.parseInt(s.str, 10);
        return Number.isFinite(n) ? n | 0 : undefined;
      }
      return undefined;
    case 'string':
      if (s.type === SMP_STR || s.type === SMP_METH) return cutString(s.str, len);
      if (s.type === SMP_INT || s.type === SMP_BOOL) return cutString(String(s.int), len);
      if (s.type === SMP_IPV4) return cutString(formatIPv4(s.int), len);
      if (s.type === SMP_IPV6) return cutString(formatIPv6(s.v6), len);
      if (s.type === SMP_BIN) return cutString(s.bin.toString('latin1'), len);
      return undefined;
    case 'binary':
      if (s.type === SMP_BIN) return fitBinary(s.bin, len);
      if (s.type === SMP_STR || s.type === SMP_METH) return fitBinary(Buffer.from(s.str, 'latin1'), len);
      return undefined;
  }
}

/**
 * The key typed by an operator (runtime API `key K`, a peers frame's text),
 * or undefined when it is not valid for the type.
 */
export function keyFromText(type: KeyType, len: number, text: string): StickKey | undefined {
  switch (type) {
    case 'ip': {
      const a = parseIPv4(text);
      if (a >= 0) return a | 0;
      if (!parseIPv6(text, scratch6)) return undefined;
      const v4 = mappedIPv4(scratch6);
      return v4 < 0 ? undefined : v4 | 0;
    }
    case 'ipv6': {
      const a = parseIPv4(text);
      if (a >= 0) {
        scratch6.set([0, 0, 0xffff, a]);
        return hex6(scratch6);
      }
      return parseIPv6(text, scratch6) ? hex6(scratch6) : undefined;
    }
    case 'integer':
      return /^-?\d+$/.test(text) ? Number.parseInt(text, 10) | 0 : undefined;
    case 'string':
      return cutString(text, len);
    case 'binary':
      return /^(?:[0-9a-fA-F]{2})*$/.test(text) ? fitBinary(Buffer.from(text, 'hex'), len) : undefined;
  }
}

/** The key as HAProxy's `show table` prints it. */
export function keyText(type: KeyType, key: StickKey): string {
  switch (type) {
    case 'ip':
      return formatIPv4((key as number) >>> 0);
    case 'ipv6': {
      const h = key as string;
      for (let i = 0; i < 4; i++) scratch6[i] = Number.parseInt(h.slice(i * 8, i * 8 + 8), 16);
      return formatIPv6(scratch6);
    }
    case 'integer':
      return String(key);
    case 'string':
      return key as string;
    case 'binary':
      return key as string;
  }
}
