// The hash functions of `hash-type` (sdbm, djb2, wt6, crc32) and the
// `avalanche` modifier, bit-exact with HAProxy so that a key lands on the same
// server as it would behind HAProxy with the same configuration.
//
// Keys are JavaScript strings holding one byte per character (latin1, the way
// Node hands out header values and request targets); each character code is
// taken modulo 256. All results are unsigned 32-bit integers.

export type HashFunctionName = 'sdbm' | 'djb2' | 'wt6' | 'crc32';

/** Hashes `key[start..end)`. */
export type StringHash = (key: string, start?: number, end?: number) => number;

export function sdbm(key: string, start = 0, end = key.length): number {
  let h = 0;
  for (let i = start; i < end; i++) {
    h = ((key.charCodeAt(i) & 0xff) + (h << 6) + (h << 16) - h) >>> 0;
  }
  return h;
}

export function djb2(key: string, start = 0, end = key.length): number {
  let h = 5381;
  for (let i = start; i < end; i++) {
    h = ((h << 5) + h + (key.charCodeAt(i) & 0xff)) >>> 0;
  }
  return h;
}

export function wt6(key: string, start = 0, end = key.length): number {
  let h0 = 0xa53c965a;
  let h1 = 0x5ca6953a;
  let step0 = 6;
  let step1 = 18;
  for (let i = start; i < end; i++) {
    const c = key.charCodeAt(i) & 0xff;
    h0 = ~(h0 ^ c) >>> 0;
    h1 = ~(h1 + c) >>> 0;
    // A shift count of 32 is a shift by 0 both here and on the CPUs HAProxy
    // runs on, so the rotation degrades the same way when a step is 0.
    const t = ((h1 << step0) | (h1 >>> (32 - step0))) >>> 0;
    h1 = ((h0 << step1) | (h0 >>> (32 - step1))) >>> 0;
    h0 = t;
    const m = ((h0 >>> 16) ^ h1) & 0xffff;
    step0 = m & 0x1f;
    step1 = m >>> 11;
  }
  return (h0 ^ h1) >>> 0;
}

const CRC32_TABLE = buildCrc32Table();

function buildCrc32Table(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The Ethernet/gzip CRC32 (reflected 0xEDB88320), as HAProxy's hash_crc32. */
export function crc32(key: string, start = 0, end = key.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) {
    c = CRC32_TABLE[(c ^ key.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Bob Jenkins' 32-bit full avalanche integer hash followed by HAProxy's
 * multiplication by a large prime (its `full_hash`): the `avalanche` modifier,
 * and the function placing consistent-hash ring points.
 */
export function avalanche(a: number): number {
  a = (a + 0x7ed55d16 + (a << 12)) >>> 0;
  a = (a ^ 0xc761c23c ^ (a >>> 19)) >>> 0;
  a = (a + 0x165667b1 + (a << 5)) >>> 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0;
  a = (a + 0xfd7046c5 + (a << 3)) >>> 0;
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) >>> 0;
  return Math.imul(a, 3221225473 | 0) >>> 0;
}

export function hashFunction(name: HashFunctionName): StringHash {
  switch (name) {
    case 'sdbm':
      return sdbm;
    case 'djb2':
      return djb2;
    case 'wt6':
      return wt6;
    case 'crc32':
      return crc32;
  }
}
