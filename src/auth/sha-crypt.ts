// SHA-crypt ($5$ SHA-256, $6$ SHA-512, Ulrich Drepper's "Unix crypt using
// SHA-256 and SHA-512" specification, as glibc and libxcrypt implement it)
// and MD5-crypt ($1$, Poul-Henning Kamp's FreeBSD scheme): the hashes
// `openssl passwd -5 / -6 / -1` and `mkpasswd` produce, which HAProxy
// checks with crypt(3). Pure computation over node:crypto's digests.

import { createHash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** crypt's base-64: the 24-bit value of three bytes, `n` characters, least significant first. */
function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

function digest(alg: string, parts: readonly Buffer[]): Buffer {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** `len` bytes of `block` repeated. */
function repeated(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i += block.length) block.copy(out, i, 0, Math.min(block.length, len - i));
  return out;
}

export const SHA_ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;

/**
 * The full crypt string for `key` with `setting` ("$5$[rounds=N$]salt[$...]"
 * or "$6$..."), or null when the setting is not SHA-crypt.
 */
export function shaCrypt(key: Buffer, setting: string): string | null {
  const is256 = setting.startsWith('$5$');
  if (!is256 && !setting.startsWith('$6$')) return null;
  const alg = is256 ? 'sha256' : 'sha512';
  const size = is256 ? 32 : 64;
  let rest = setting.slice(3);
  let rounds = SHA_ROUNDS_DEFAULT;
  let custom = false;
  const m = /^rounds=(\d+)\$/.exec(rest);
  if (m !== null) {
    rounds = Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(m[1])));
    custom = true;
    rest = rest.slice(m[0].length);
  }
  const end = rest.indexOf('$');
  const saltText = (end < 0 ? rest : rest.slice(0, end)).slice(0, 16);
  const salt = Buffer.from(saltText, 'latin1');
  const klen = key.length;

  const b = digest(alg, [key, salt, key]);
  const a = createHash(alg);
  a.update(key);
  a.update(salt);
  for (let n = klen; n > 0; n -= size) a.update(n > size ? b : b.subarray(0, n));
  for (let n = klen; n > 0; n >>>= 1) a.update(n & 1 ? b : key);
  let acc = a.digest();

  const dp = createHash(alg);
  for (let i = 0; i < klen; i++) dp.update(key);
  const p = repeated(dp.digest(), klen);
  const ds = createHash(alg);
  for (let i = 0; i < 16 + acc[0]!; i++) ds.update(salt);
  const s = ds.digest().subarray(0, salt.length);

  for (let r = 0; r < rounds; r++) {
    const c = createHash(alg);
    c.update(r & 1 ? p : acc);
    if (r % 3 !== 0) c.update(s);
    if (r % 7 !== 0) c.update(p);
    c.update(r & 1 ? acc : p);
    acc = c.digest();
  }

  let out = (is256 ? '$5$' : '$6$') + (custom ? `rounds=${rounds}$` : '') + saltText + '$';
  if (is256) {
    for (let k = 0; k < 10; k++) {
      const x = k % 3;
      const [i, j, l] = x === 0 ? [k, k + 10, k + 20] : x === 1 ? [k + 20, k, k + 10] : [k + 10, k + 20, k];
      out += b64From24(acc[i]!, acc[j]!, acc[l]!, 4);
    }
    out += b64From24(0, acc[31]!, acc[30]!, 3);
  } else {
    for (let k = 0; k < 21; k++) {
      const x = k % 3;
      const [i, j, l] = x === 0 ? [k, k + 21, k + 42] : x === 1 ? [k + 21, k + 42, k] : [k + 42, k, k + 21];
      out += b64From24(acc[i]!, acc[j]!, acc[l]!, 4);
    }
    out += b64From24(0, 0, acc[63]!, 2);
  }
  return out;
}

/** The full crypt string for `key` with an MD5-crypt `setting` ("$1$salt[$...]"), or null. */
export function md5Crypt(key: Buffer, setting: string): string | null {
  if (!setting.startsWith('$1$')) return null;
  const rest = setting.slice(3);
  const end = rest.indexOf('$');
  const saltText = (end < 0 ? rest : rest.slice(0, end)).slice(0, 8);
  const salt = Buffer.from(saltText, 'latin1');
  const magic = Buffer.from('$1$');
  const alt = digest('md5', [key, salt, key]);
  const ctx = createHash('md5');
  ctx.update(key);
  ctx.update(magic);
  ctx.update(salt);
  for (let n = key.length; n > 0; n -= 16) ctx.update(alt.subarray(0, Math.min(16, n)));
  const zero = Buffer.alloc(1);
  for (let i = key.length; i > 0; i >>>= 1) ctx.update(i & 1 ? zero : key.subarray(0, 1));
  let f = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash('md5');
    c.update(i & 1 ? key : f);
    if (i % 3 !== 0) c.update(salt);
    if (i % 7 !== 0) c.update(key);
    c.update(i & 1 ? f : key);
    f = c.digest();
  }
  return (
    '$1$' +
    saltText +
    '$' +
    b64From24(f[0]!, f[6]!, f[12]!, 4) +
    b64From24(f[1]!, f[7]!, f[13]!, 4) +
    b64From24(f[2]!, f[8]!, f[14]!, 4) +
    b64From24(f[3]!, f[9]!, f[15]!, 4) +
    b64From24(f[4]!, f[10]!, f[5]!, 4) +
    b64From24(0, 0, f[11]!, 2)
  );
}
