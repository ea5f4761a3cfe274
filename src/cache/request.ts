// What `http-request cache-use` learns from a request, as HAProxy 2.6 does:
// the primary key (scheme, host and URI), whether the cache may answer it
// (GET or HEAD in HTTP/1.1, no Authorization, no Cache-Control asking for a
// fresh answer), whether its response may be stored, and the secondary key
// for Vary. Computed once, when the rule runs: later rules (and `compression
// offload`) may change the request the server sees, not the key.

import { fieldValues } from '../http/index.ts';
import { requestSecondaryKey, type SecondaryKey } from './vary.ts';

export class CacheRequest {
  /** Primary key: the absolute URI ("https://" + Host + path for origin-form targets). */
  readonly key: string;
  readonly method: string;
  readonly http11: boolean;
  /** The cache must neither answer nor store (HAProxy's TX_CACHE_IGNORE). */
  ignore = false;
  /** The response may be stored, as far as the request goes (TX_CACHEABLE). */
  cacheable: boolean;
  /** ...including a response that sets cookies (TX_CACHE_COOK). */
  cookies: boolean;
  /** The full secondary key (process-vary), or null when the request has none. */
  secondary: SecondaryKey | null = null;

  constructor(key: string, method: string, http11: boolean) {
    this.key = key;
    this.method = method;
    this.http11 = http11;
    const safe = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'TRACE';
    this.cacheable = safe;
    this.cookies = safe;
  }
}

/**
 * The primary key of a request, or undefined when it has none (an
 * origin-form target without Host).
 */
export function primaryKey(target: string, headers: readonly string[]): string | undefined {
  if (target === '') return undefined;
  const c = target.charCodeAt(0);
  if (c !== 0x2f && c !== 0x2a) return target; // absolute-form carries its authority
  const host = fieldValues(headers, 'host')[0];
  if (host === undefined) return undefined;
  return 'https://' + host + target;
}

/** Reads a request for the cache; undefined when it has no key (then nothing is looked up or stored). */
export function cacheRequest(
  method: string,
  versionMinor: number,
  target: string,
  headers: readonly string[],
  processVary: boolean,
): CacheRequest | undefined {
  const key = primaryKey(target, headers);
  if (key === undefined) return undefined;
  const r = new CacheRequest(key, method, versionMinor >= 1);
  if (!r.http11 || (method !== 'GET' && method !== 'HEAD')) r.ignore = true;
  if (r.cacheable || !r.ignore) readRequestDirectives(r, headers);
  if (processVary) r.secondary = requestSecondaryKey(headers) ?? null;
  return r;
}

function startsWithI(v: string, prefix: string): boolean {
  return v.length >= prefix.length && v.slice(0, prefix.length).toLowerCase() === prefix;
}

/** Authorization, Cache-Control and Pragma (HAProxy's http_check_request_for_cacheability). */
function readRequestDirectives(r: CacheRequest, headers: readonly string[]): void {
  let pragmaNoCache = false;
  let authorization = false;
  for (let i = 0; i < headers.length; i += 2) {
    const n = headers[i]!;
    if (n.length === 6 && n.toLowerCase() === 'pragma') {
      if (!pragmaNoCache) pragmaNoCache = headers[i + 1]!.toLowerCase() === 'no-cache';
    } else if (n.length === 13 && n.toLowerCase() === 'authorization') {
      authorization = true;
    }
  }
  if (authorization) {
    r.cacheable = false;
    r.cookies = false;
    r.ignore = true;
  }
  const cc = fieldValues(headers, 'cache-control');
  for (const v of cc) {
    // The client wants a fresher answer than we may hold: go to the server (and do not store).
    if (startsWithI(v, 'max-age') || startsWithI(v, 'no-cache') || startsWithI(v, 'max-stale') || startsWithI(v, 'min-fresh')) {
      r.ignore = true;
    } else if (startsWithI(v, 'no-store')) {
      r.cacheable = false;
      r.cookies = false;
    }
  }
  // RFC 9111 5.4: Pragma only counts when there is no Cache-Control.
  if (cc.length === 0 && pragmaNoCache) r.ignore = true;
}
