// Reading HTTP fields the way HAProxy's fetches do, straight from the parsed
// head's flat [name, value, ...] array and the request target, without
// copying: comma-separated header values (quotes respected), Cookie and
// Set-Cookie pairs, query-string parameters, the path of any request-target
// form. Cursors live in the caller's Sample (i0, i1, i2) so that an ACL can
// walk every occurrence without allocating.

import { CookiePair, nextCookiePair, valueEnd } from '../http/index.ts';
import type { Sample } from './sample.ts';

function isLws(c: number): boolean {
  return c === 32 || c === 9;
}

/** Header name `name` (any case) equals `lower` (lower case, ASCII). */
export function sameName(name: string, lower: string): boolean {
  const n = lower.length;
  if (name.length !== n) return false;
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// Bounds of the value found by the last advance() (single-threaded scratch).
let foundStart = 0;
let foundEnd = 0;

/** Moves the cursor in `smp` to the next value of header `lower`; sets foundStart/foundEnd. */
function advance(h: readonly string[], lower: string, full: boolean, smp: Sample): boolean {
  let idx = smp.i0;
  let off = smp.i1;
  while (idx < h.length) {
    const v = h[idx + 1]!;
    if (off < 0) {
      if (lower !== '' && !sameName(h[idx]!, lower)) {
        idx += 2;
        continue;
      }
      off = 0;
    } else {
      if (full || off >= v.length) {
        idx += 2;
        off = -1;
        continue;
      }
      if (v.charCodeAt(off) === 44) off++;
    }
    let s = off;
    const end = v.length;
    while (s < end && isLws(v.charCodeAt(s))) s++;
    const next = full ? end : valueEnd(v, s, end, false);
    let e = next;
    while (e > s && isLws(v.charCodeAt(e - 1))) e--;
    foundStart = s;
    foundEnd = e;
    smp.i0 = idx;
    smp.i1 = next;
    return true;
  }
  smp.i0 = idx;
  smp.i1 = -1;
  return false;
}

/**
 * The next value of header `lower` ('' = any header) after the cursor in
 * `smp` (i0: header index, i1: end of the previous value or -1 to start at
 * header i0). `full` returns whole lines instead of comma-separated values.
 * Puts the value in smp.str and advances the cursor; false when none is left.
 */
export function nextHeaderValue(h: readonly string[], lower: string, full: boolean, smp: Sample): boolean {
  if (!advance(h, lower, full, smp)) return false;
  const v = h[smp.i0 + 1]!;
  smp.str = foundStart === 0 && foundEnd === v.length ? v : v.slice(foundStart, foundEnd);
  return true;
}

/** Number of values (comma-separated unless `full`) of header `lower` ('' = all headers). */
export function countHeaderValues(h: readonly string[], lower: string, full: boolean, smp: Sample): number {
  smp.i0 = 0;
  smp.i1 = -1;
  let n = 0;
  while (advance(h, lower, full, smp)) n++;
  return n;
}

/** HAProxy keeps the last 10 occurrences for negative positions. */
export const MAX_HDR_HISTORY = 10;

/**
 * Occurrence `occ` of header `lower` into smp.str: 1 is the first, -1 the
 * last (down to -10), 0 the first as well.
 */
export function headerOccurrence(h: readonly string[], lower: string, full: boolean, occ: number, smp: Sample): boolean {
  let target = occ;
  if (occ < 0) {
    if (-occ > MAX_HDR_HISTORY) return false;
    const n = countHeaderValues(h, lower, full, smp);
    if (-occ > n) return false;
    target = n + occ + 1;
  }
  smp.i0 = 0;
  smp.i1 = -1;
  let k = 0;
  while (advance(h, lower, full, smp)) {
    k++;
    if (k >= target) {
      const v = h[smp.i0 + 1]!;
      smp.str = foundStart === 0 && foundEnd === v.length ? v : v.slice(foundStart, foundEnd);
      return true;
    }
  }
  return false;
}

// The pair found by the last extractCookie step (single-threaded scratch).
const pair = new CookiePair();

/**
 * HAProxy's http_extract_cookie_value on v[from, to): the value of the next
 * cookie called `name` ('' = any) into smp.str. `list` (Cookie headers)
 * allows several cookies per value; Set-Cookie only looks at its first pair.
 * Returns where to continue searching, or -1 when not found.
 */
export function extractCookie(v: string, from: number, to: number, name: string, list: boolean, smp: Sample): number {
  const nl = name.length;
  for (let att = from; att + nl + 1 < to; att = pair.next + 1) {
    nextCookiePair(v, att, to, list, pair);
    if (pair.reserved) continue;
    if (pair.equal === pair.next) continue;
    if (nl === 0 || (pair.attEnd - pair.attBeg === nl && v.startsWith(name, pair.attBeg))) {
      smp.str = v.slice(pair.valBeg, pair.valEnd);
      return pair.next + 1;
    }
    if (!list) break;
  }
  return -1;
}

/**
 * The next cookie `name` in the `header` fields ("cookie" or "set-cookie")
 * after the cursor (i0/i1 walk the comma-separated header values, i2 the
 * position inside the current one; start with i0 = 0, i1 = -1, i2 = -1).
 */
export function nextCookie(h: readonly string[], header: string, name: string, list: boolean, smp: Sample): boolean {
  for (;;) {
    if (smp.i2 < 0) {
      if (!advance(h, header, false, smp)) return false;
      // HAProxy skips values too short to hold "name="
      if (foundEnd - foundStart < name.length + 1) continue;
      smp.i2 = foundStart;
    }
    const v = h[smp.i0 + 1]!;
    let to = smp.i1;
    while (to > smp.i2 && isLws(v.charCodeAt(to - 1))) to--;
    const r = extractCookie(v, smp.i2, to, name, list, smp);
    if (r < 0) {
      smp.i2 = -1;
      continue;
    }
    smp.i2 = r;
    return true;
  }
}

function isParamDelimiter(c: number, delim: number): boolean {
  return c === 38 /* & */ || c === 59 /* ; */ || c === delim;
}

function findParamPos(url: string, pos: number, name: string, delim: number): number {
  const last = url.length;
  const nl = name.length;
  while (pos < last) {
    const equal = pos + nl;
    if (equal >= last) return -1;
    if (url.charCodeAt(equal) === 61) {
      if (url.startsWith(name, pos)) return pos;
      pos += nl + 1;
    }
    while (pos < last && !isParamDelimiter(url.charCodeAt(pos), delim)) pos++;
    if (pos >= last) return -1;
    pos++;
  }
  return -1;
}

/** Where the parameters start: just after the first `delim` in the URL, or -1. */
export function paramListStart(url: string, delim: number): number {
  for (let i = 0; i < url.length; i++) if (url.charCodeAt(i) === delim) return i + 1;
  return -1;
}

/**
 * The next parameter `name` ('' = any) of the query string, from `from` in
 * `url`, into smp.str. Returns the end of the value (where to continue), or -1.
 */
export function nextParam(url: string, from: number, name: string, delim: number, smp: Sample): number {
  let vstart: number;
  if (name.length > 0) {
    const p = findParamPos(url, from, name, delim);
    if (p < 0) return -1;
    vstart = p + name.length + 1;
  } else {
    const eq = url.indexOf('=', from);
    if (eq < 0) return -1;
    vstart = eq + 1;
  }
  let vend = vstart;
  while (vend < url.length && !isParamDelimiter(url.charCodeAt(vend), delim)) vend++;
  smp.str = url.slice(vstart, vend);
  return vend;
}

/**
 * Start of the path in a request target, as HAProxy's http_parse_path: the
 * target itself for origin-form, after scheme://authority for absolute-form;
 * -1 for "*", authority-form and an absolute URI without a path.
 */
export function pathStart(url: string): number {
  if (url.length === 0) return -1;
  const c0 = url.charCodeAt(0);
  if (c0 === 47 /* / */) return 0;
  if (c0 === 42 /* * */) return -1;
  // scheme: alpha *(alnum / + / - / .) "://"
  const a = c0 | 0x20;
  if (a < 97 || a > 122) return -1;
  let i = 1;
  while (i < url.length) {
    const c = url.charCodeAt(i);
    const l = c | 0x20;
    if ((l >= 97 && l <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) i++;
    else break;
  }
  if (url.charCodeAt(i) !== 58 || url.charCodeAt(i + 1) !== 47 || url.charCodeAt(i + 2) !== 47) return -1;
  i += 3;
  while (i < url.length && url.charCodeAt(i) !== 47) i++;
  return i < url.length ? i : -1;
}
