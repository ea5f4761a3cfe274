// Conditional requests answered from the cache (RFC 9110 13.1): a stored
// response becomes "304 Not Modified" when If-None-Match names its ETag
// (weak comparison, `*` matching anything), or, without If-None-Match, when
// it was not modified since If-Modified-Since.

import { fieldValues } from '../http/index.ts';
import { parseHttpDate } from './http-date.ts';

/** `"x"` is strong, `W/"x"` weak; anything else is not an entity-tag. */
export function etagType(v: string): 'strong' | 'weak' | 'invalid' {
  if (v.length < 2 || v.charCodeAt(v.length - 1) !== 0x22) return 'invalid';
  if (v.charCodeAt(0) === 0x22) return 'strong';
  if (v.startsWith('W/"')) return 'weak';
  return 'invalid';
}

/** Weak comparison: equal opaque tags, whatever their W/ prefix. */
export function etagsMatch(a: string, b: string): boolean {
  const ta = etagType(a);
  const tb = etagType(b);
  if (ta === 'invalid' || tb === 'invalid') return false;
  return (ta === 'weak' ? a.slice(2) : a) === (tb === 'weak' ? b.slice(2) : b);
}

/** Whether the request's validators let us answer 304 for a stored response with `etag` and `lastModified` (s). */
export function notModified(requestHeaders: readonly string[], etag: string | null, lastModified: number): boolean {
  const inm = fieldValues(requestHeaders, 'if-none-match');
  if (inm.length > 0) {
    for (const v of inm) {
      if (v === '*') return true;
      if (etag === null) return false;
      if (etagsMatch(etag, v)) return true;
    }
    return false;
  }
  for (let i = 0; i < requestHeaders.length; i += 2) {
    const n = requestHeaders[i]!;
    if (n.length === 17 && n.toLowerCase() === 'if-modified-since') {
      const t = parseHttpDate(requestHeaders[i + 1]!);
      return t !== undefined && lastModified <= t;
    }
  }
  return false;
}
