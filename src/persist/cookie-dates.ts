// The dates HAProxy stores in persistence cookies for `maxidle` / `maxlife`
// (`SRV|LLLLL|FFFFF`): a date in 4-second units since the epoch, as five
// base64 characters of 30 bits, most significant first (HAProxy's
// s30tob64 / b64tos30), so that cookies issued by one proxy are read by
// the other.

const TAB = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const REV = new Int8Array(128).fill(-1);
for (let i = 0; i < TAB.length; i++) REV[TAB.charCodeAt(i)] = i;

/** Five characters for a 30-bit value. */
export function s30ToB64(v: number): string {
  let out = '';
  for (let i = 4; i >= 0; i--) out += TAB[(v >>> (i * 6)) & 0x3f];
  return out;
}

/** The 30-bit value of the five characters at s[at], or -1 when they are not base64. */
export function b64ToS30(s: string, at: number): number {
  if (at + 5 > s.length) return -1;
  let v = 0;
  for (let i = 0; i < 5; i++) {
    const c = s.charCodeAt(at + i);
    const d = c < 128 ? REV[c]! : -1;
    if (d < 0) return -1;
    v = v * 64 + d;
  }
  return v;
}

/** A cookie date field for `nowSec` (rounded up as HAProxy does). */
export function cookieDate(nowSec: number): string {
  return s30ToB64(((nowSec + 3) >>> 2) & 0x3fffffff);
}
