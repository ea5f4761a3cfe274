// Vary support (`process-vary on`), as HAProxy 2.6 has it: a response may
// vary on Accept-Encoding and Referer only (anything else is not stored).
// A request gets a secondary key: the set of content codings it accepts
// (a bitmap) and a CRC of its Referer. A stored variant is served when the
// client accepts the variant's own coding and sent the same Referer.

import { crc32 } from 'node:zlib';
import { fieldValues } from '../http/index.ts';

export const VARY_ACCEPT_ENCODING = 1;
export const VARY_REFERER = 2;

// Coding bits (HAProxy's vary_encoding).
const ENC_GZIP = 1 << 0;
const ENC_DEFLATE = 1 << 1;
const ENC_BR = 1 << 2;
const ENC_COMPRESS = 1 << 3;
const ENC_AES128GCM = 1 << 4;
const ENC_EXI = 1 << 5;
const ENC_PACK200_GZIP = 1 << 6;
const ENC_ZSTD = 1 << 7;
const ENC_IDENTITY = 1 << 8;
const ENC_STAR = 1 << 9;
const ENC_OTHER = 1 << 10;
const ALL_ENCODINGS = 0xffffffff;

const CODINGS: Readonly<Record<string, number>> = {
  gzip: ENC_GZIP,
  'x-gzip': ENC_GZIP,
  deflate: ENC_DEFLATE,
  br: ENC_BR,
  compress: ENC_COMPRESS,
  'x-compress': ENC_COMPRESS,
  aes128gcm: ENC_AES128GCM,
  exi: ENC_EXI,
  'pack200-gzip': ENC_PACK200_GZIP,
  zstd: ENC_ZSTD,
  identity: ENC_IDENTITY,
  '*': ENC_STAR,
};

/** More Accept-Encoding elements than this and the request is not trusted with a key. */
const MAX_ACCEPT_ENCODING = 16;

/** A request's (or a stored variant's) secondary key; parts outside the signature are 0. */
export interface SecondaryKey {
  /** Accepted codings (request) or the variant's own coding (stored). */
  encodings: number;
  /** CRC32 of the first Referer value, 0 without one. */
  referer: number;
}

/**
 * The Vary signature of a response: which request fields select the
 * variant. undefined when it names a field we cannot vary on (or `*`).
 */
export function varySignature(headers: readonly string[]): number | undefined {
  let sig = 0;
  for (const v of fieldValues(headers, 'vary')) {
    const l = v.toLowerCase();
    if (l === 'accept-encoding') sig |= VARY_ACCEPT_ENCODING;
    else if (l === 'referer') sig |= VARY_REFERER;
    else return undefined;
  }
  return sig;
}

/** A coding element of Accept-Encoding or Content-Encoding: its bit, whether its weight is 0; undefined if unknown. */
function parseCoding(element: string): { bit: number; rejected: boolean } | undefined {
  const semi = element.indexOf(';');
  const name = (semi < 0 ? element : element.slice(0, semi)).trimEnd();
  const bit = CODINGS[name];
  if (bit === undefined) return undefined;
  if (semi < 0) return { bit, rejected: false };
  return { bit, rejected: element.slice(semi + 1).trim() === 'q=0' };
}

/** The bitmap of codings a request accepts; undefined for an abusive header (too many elements). */
export function acceptedEncodings(headers: readonly string[]): number | undefined {
  const values = fieldValues(headers, 'accept-encoding');
  if (values.length === 0) return ALL_ENCODINGS >>> 0; // no header: anything goes (RFC 9110 12.5.3)
  if (values.length >= MAX_ACCEPT_ENCODING) return undefined;
  // A client always takes an unencoded body unless it says identity;q=0.
  let accepted = ENC_IDENTITY;
  let refused = 0;
  for (const v of values) {
    if (v === '') continue;
    const c = parseCoding(v.toLowerCase());
    if (c === undefined) accepted |= ENC_OTHER;
    else if (c.rejected) refused |= c.bit;
    else accepted |= c.bit;
  }
  if ((accepted & ENC_STAR) !== 0) accepted = ALL_ENCODINGS;
  return (accepted & ~refused) >>> 0;
}

/** The coding bitmap of a response body; undefined when a coding is unknown (then it is not stored). */
export function responseEncoding(headers: readonly string[]): number | undefined {
  let bits = 0;
  for (const v of fieldValues(headers, 'content-encoding')) {
    const c = parseCoding(v.toLowerCase());
    if (c === undefined) return undefined;
    bits |= c.bit;
  }
  return bits === 0 ? ENC_IDENTITY : bits;
}

/** A request's full secondary key (every part); undefined when it cannot have one. */
export function requestSecondaryKey(headers: readonly string[]): SecondaryKey | undefined {
  const encodings = acceptedEncodings(headers);
  if (encodings === undefined) return undefined;
  let referer = 0;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.length === 7 && headers[i]!.toLowerCase() === 'referer') {
      referer = crc32(headers[i + 1]!);
      break;
    }
  }
  return { encodings, referer };
}

/** The parts of `key` that `signature` selects (the others zeroed). */
export function reduceKey(key: SecondaryKey, signature: number): SecondaryKey {
  return {
    encodings: (signature & VARY_ACCEPT_ENCODING) !== 0 ? key.encodings : 0,
    referer: (signature & VARY_REFERER) !== 0 ? key.referer : 0,
  };
}

/** Whether a stored variant (its key reduced and its coding filled in) suits a request's reduced key. */
export function variantMatches(stored: SecondaryKey, request: SecondaryKey, signature: number): boolean {
  if ((signature & VARY_ACCEPT_ENCODING) !== 0) {
    if ((stored.encodings & ENC_OTHER) !== 0) return false;
    if ((stored.encodings & request.encodings) >>> 0 !== stored.encodings) return false;
  }
  return stored.referer === request.referer;
}

/** The 8 bytes HAProxy prints as `vary:0x...` in `show cache` (two little-endian words). */
export function secondaryKeyHex(key: SecondaryKey | null): string {
  const b = Buffer.alloc(8);
  if (key !== null) {
    b.writeUInt32LE(key.encodings >>> 0, 0);
    b.writeUInt32LE(key.referer >>> 0, 4);
  }
  return b.toString('hex');
}
