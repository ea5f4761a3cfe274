// Delimiting one NAME=VALUE pair of a Cookie or Set-Cookie field the way
// HAProxy's cookie parsers do (http_ana.c, http_fetch.c): spaces around the
// name and the value are not part of them, a value ends at the next ';' or
// ',' outside quotes. Cookie persistence (which rewrites the field) and the
// cookie fetches (which only read it) walk fields with this one step, so that
// both see the same pairs. Pure and allocation-free: the bounds land in a
// CookiePair the caller keeps and reuses.

import { valueEnd } from './value-end.ts';

function isLws(c: number): boolean {
  return c === 32 || c === 9;
}

/** The bounds of one pair in the field text, filled by nextCookiePair. */
export class CookiePair {
  /** The name: [attBeg, attEnd), trimmed. */
  attBeg = 0;
  attEnd = 0;
  /** The '=', or where the name stopped when there is none (then equal === next). */
  equal = 0;
  /** The value: [valBeg, valEnd), trimmed (empty without '='). */
  valBeg = 0;
  valEnd = 0;
  /** Where the pair ends: its ';' or ',', or the end of the field. */
  next = 0;
  /** A `$Version`-style attribute of RFC 2109 (name starts with '$'), which HAProxy skips. */
  reserved = false;
}

/**
 * Delimits the pair that starts at `from` (spaces before the name allowed)
 * in v[.., end) into `out`. `list`: a ',' also ends a name that has no '='
 * (Cookie fields list pairs; in Set-Cookie only ';' does).
 */
export function nextCookiePair(v: string, from: number, end: number, list: boolean, out: CookiePair): void {
  let attBeg = from;
  while (attBeg < end && isLws(v.charCodeAt(attBeg))) attBeg++;
  let equal = attBeg;
  let attEnd = attBeg;
  while (equal < end) {
    const c = v.charCodeAt(equal);
    if (c === 61 || c === 59 || (list && c === 44)) break;
    equal++;
    if (isLws(c)) continue;
    attEnd = equal;
  }
  out.attBeg = attBeg;
  out.attEnd = attEnd;
  out.equal = equal;
  out.reserved = v.charCodeAt(attBeg) === 36 /* $ */;
  if (equal < end && v.charCodeAt(equal) === 61) {
    let valBeg = equal + 1;
    while (valBeg < end && isLws(v.charCodeAt(valBeg))) valBeg++;
    const next = valueEnd(v, valBeg, end, true);
    let valEnd = next;
    while (valEnd > valBeg && isLws(v.charCodeAt(valEnd - 1))) valEnd--;
    out.valBeg = valBeg;
    out.valEnd = valEnd;
    out.next = next;
  } else {
    out.valBeg = out.valEnd = out.next = equal;
  }
}
