// Whether a response gets compressed, and the head it then carries, with
// HAProxy 2.6's rules: HTTP/1.1 on both sides, not HEAD, status 200-203, a
// body of known length (Content-Length or chunked) and not empty, not
// already encoded, no `Cache-Control: no-transform`, a valid single ETag,
// not multipart, and a Content-Type among `compression type` when that is
// set. The compressed response is chunked, drops Content-Length, names its
// Content-Encoding, varies on Accept-Encoding and has a weak ETag.

import type { CompressionAlgo } from '../config/index.ts';
import { fieldValues, removeHeader, type HttpHead } from '../http/index.ts';
import { codingName, type EffectiveCompression } from './negotiate.ts';

/** What the decision reads besides the response head. */
export interface ExchangeFacts {
  requestMethod: string;
  requestVersionMinor: number;
}

function entityTagValid(v: string): boolean {
  if (v.length < 2 || v.charCodeAt(v.length - 1) !== 0x22) return false;
  return v.charCodeAt(0) === 0x22 || v.startsWith('W/"');
}

function startsWithI(v: string, prefix: string): boolean {
  return v.length >= prefix.length && v.slice(0, prefix.length).toLowerCase() === prefix;
}

/** Whether `res` may be compressed for this exchange. */
export function compressible(res: HttpHead, x: ExchangeFacts, c: EffectiveCompression): boolean {
  if (res.versionMinor < 1 || x.requestVersionMinor < 1) return false;
  if (x.requestMethod === 'HEAD') return false;
  if (res.status < 200 || res.status > 203) return false;
  if (!res.chunked && res.contentLength <= 0) return false;
  if (res.otherEncoding) return false;
  if (c.minsizeRes > 0 && res.contentLength >= 0 && res.contentLength < c.minsizeRes) return false;
  const h = res.headers;
  let etags = 0;
  let contentType: string | undefined;
  for (let i = 0; i < h.length; i += 2) {
    const n = h[i]!.toLowerCase();
    if (n === 'content-encoding') return false;
    if (n === 'etag') {
      if (++etags > 1 || !entityTagValid(h[i + 1]!)) return false;
    } else if (n === 'content-type' && contentType === undefined) {
      contentType = h[i + 1]!;
    }
  }
  for (const v of fieldValues(h, 'cache-control')) if (v.toLowerCase() === 'no-transform') return false;
  if (contentType === undefined) return c.types.length === 0;
  if (startsWithI(contentType, 'multipart')) return false;
  if (c.types.length === 0) return true;
  for (const t of c.types) if (startsWithI(contentType, t.toLowerCase())) return true;
  return false;
}

/** Rewrites `res` for a body compressed with `algo` and sent chunked. */
export function compressedHead(res: HttpHead, algo: CompressionAlgo): void {
  const h = res.headers;
  if (algo !== 'identity') h.push('Content-Encoding', codingName(algo));
  if (res.contentLength >= 0) {
    removeHeader(res, 'content-length');
    res.contentLength = -1;
  }
  if (!res.chunked) {
    h.push('Transfer-Encoding', 'chunked');
    res.chunked = true;
  }
  for (let i = 0; i < h.length; i += 2) {
    if (h[i]!.toLowerCase() === 'etag' && h[i + 1]!.charCodeAt(0) === 0x22) {
      h[i + 1] = 'W/' + h[i + 1];
      break;
    }
  }
  h.push('Vary', 'Accept-Encoding');
}
