// What `http-response cache-store` reads in a response, as HAProxy 2.6 does:
// whether it may be stored (Cache-Control, Pragma, an expiry or a
// validator), for how long (s-maxage, max-age, Expires, bounded by the
// cache's max-age), the Age it already has, and the dates and ETag that
// later conditional requests are compared with.

import { fieldValues } from '../http/index.ts';
import { parseHttpDate } from './http-date.ts';

/** HAProxy caps ages here (CACHE_ENTRY_MAX_AGE). */
export const MAX_AGE_CAP = 2147483648;

/** The storability flags a response leaves (request flags are and-ed in by the caller). */
export interface ResponseCacheability {
  /** public / private, no-cache, no-store, max-age=0... (undefined: the response did not say). */
  cacheable: boolean | undefined;
  /** False after no-cache="set-cookie". */
  cookies: boolean;
  /** Neither an expiry nor a validator: not worth storing (RFC 9111 3). */
  ignore: boolean;
}

function lowerEq(v: string, s: string): boolean {
  return v.length === s.length && v.toLowerCase() === s;
}

function startsWithI(v: string, prefix: string): boolean {
  return v.length >= prefix.length && v.slice(0, prefix.length).toLowerCase() === prefix;
}

function firstValue(headers: readonly string[], lower: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    const n = headers[i]!;
    if (n.length === lower.length && n.toLowerCase() === lower) return headers[i + 1];
  }
  return undefined;
}

/** HAProxy's http_check_response_for_cacheability, for a final response. */
export function responseCacheability(headers: readonly string[]): ResponseCacheability {
  const out: ResponseCacheability = { cacheable: undefined, cookies: true, ignore: false };
  const pragma = firstValue(headers, 'pragma');
  if (pragma !== undefined && lowerEq(pragma, 'no-cache')) {
    out.cacheable = false;
    out.cookies = false;
    return out;
  }
  let freshness = false;
  for (const v of fieldValues(headers, 'cache-control')) {
    if (lowerEq(v, 'public')) {
      out.cacheable = true;
      out.cookies = true;
    } else if (lowerEq(v, 'private') || lowerEq(v, 'no-cache') || lowerEq(v, 'no-store') || lowerEq(v, 'max-age=0') || lowerEq(v, 's-maxage=0')) {
      out.cacheable = false;
      out.cookies = false;
    } else if (startsWithI(v, 'no-cache="set-cookie')) {
      out.cookies = false;
    } else if (startsWithI(v, 's-maxage') || startsWithI(v, 'max-age')) {
      freshness = true;
    }
  }
  if (!freshness) freshness = firstValue(headers, 'expires') !== undefined;
  if (!freshness && firstValue(headers, 'etag') === undefined && firstValue(headers, 'last-modified') === undefined) {
    out.ignore = true;
  }
  return out;
}

/** The value of a `word=N` directive (quotes allowed); undefined when absent, NaN when malformed. */
function directiveSeconds(v: string, word: string): number | undefined {
  if (v.length <= word.length || v.charCodeAt(word.length) !== 0x3d || !startsWithI(v, word)) return undefined;
  let s = v.slice(word.length + 1);
  if (s.startsWith('"')) s = s.slice(1);
  const m = /^\s*[+-]?\d+/.exec(s);
  if (m === null) return NaN;
  const n = Number(m[0]);
  return n < 0 ? NaN : n;
}

export interface MaxAge {
  /** How long the entry is kept: the response's own lifetime bounded by the cache's max-age (-1: malformed, stale at once). */
  effective: number;
  /** The response's own lifetime (0 when it gave none): an Age beyond it means already stale. */
  own: number;
}

/** HAProxy's http_calc_maxage: s-maxage, then max-age, then Expires - now, else the cache's max-age. */
export function maxAge(headers: readonly string[], cacheMaxAge: number, nowSec: number): MaxAge {
  let smaxage = -1;
  let maxage = -1;
  for (const v of fieldValues(headers, 'cache-control')) {
    const s = directiveSeconds(v, 's-maxage');
    if (s !== undefined) {
      if (Number.isNaN(s)) return { effective: -1, own: 0 };
      smaxage = s;
    }
    const m = directiveSeconds(v, 'max-age');
    if (m !== undefined) {
      if (Number.isNaN(m)) return { effective: -1, own: 0 };
      maxage = m;
    }
  }
  let expires = -1;
  if (maxage === -1 && smaxage === -1) {
    const e = firstValue(headers, 'expires');
    if (e !== undefined) {
      const t = parseHttpDate(e);
      // RFC 9111 5.3: an invalid date means "already expired".
      expires = t === undefined ? 0 : Math.max(0, t - nowSec);
    }
  }
  if (smaxage > 0) return { effective: Math.min(smaxage, cacheMaxAge), own: smaxage };
  if (maxage > 0) return { effective: Math.min(maxage, cacheMaxAge), own: maxage };
  if (expires >= 0) return { effective: Math.min(expires, cacheMaxAge), own: expires };
  return { effective: cacheMaxAge, own: 0 };
}

/**
 * The Age a response arrives with: 0 without the field, undefined when it
 * must not be stored (not a positive number: HAProxy refuses those).
 */
export function originAge(headers: readonly string[]): number | undefined {
  const v = firstValue(headers, 'age');
  if (v === undefined) return 0;
  if (!/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  if (n <= 0) return undefined;
  return Math.min(n, MAX_AGE_CAP);
}

/** The date If-Modified-Since is compared with: Last-Modified, else Date, else now (RFC 9111 4.3.2). */
export function lastModified(headers: readonly string[], nowSec: number): number {
  const lm = firstValue(headers, 'last-modified');
  const t = lm !== undefined ? parseHttpDate(lm) : undefined;
  if (t !== undefined && t !== 0) return t;
  const d = firstValue(headers, 'date');
  const t2 = d !== undefined ? parseHttpDate(d) : undefined;
  return t2 !== undefined && t2 !== 0 ? t2 : nowSec;
}

/** The ETag field's value, or null. */
export function etagOf(headers: readonly string[]): string | null {
  return firstValue(headers, 'etag') ?? null;
}
