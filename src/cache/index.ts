// HAProxy's small-object HTTP cache (`cache NAME` sections, `http-request
// cache-use`, `http-response cache-store`), with HAProxy 2.6's rules for
// what is stored and served: GET responses with status 200 that are
// cacheable by Cache-Control/Pragma and have an expiry or a validator;
// Vary on Accept-Encoding and Referer with `process-vary on`; 304 answers
// to If-None-Match / If-Modified-Since; an Age field; LRU eviction at
// total-max-size. Pure: the clock is injected, the proxy feeds bodies in.
//
//   const cache = new HttpCache(section, Date.now);
//   const req = cacheRequest('GET', 1, '/logo.png', head.headers, cache.settings.processVary);
//   const hit = req && cache.lookup(req, head.headers);      // serve hit.entry (304 if hit.notModified)
//   ...on the response, when `cache-store` runs:
//   const w = cache.beginStore(req, res.status, res.reason, res.headers, res.contentLength);
//   if (typeof w !== 'string') { w.append(body, 0, body.length); w.finish(); }

export { HttpCache, CacheWriter, type CacheChanges, type CacheSettings, type CacheHit, type Clock, type NoStoreReason } from './store.ts';
export { CacheEntry, BLOCK_SIZE, keyHash } from './entry.ts';
export { CacheRequest, cacheRequest, primaryKey } from './request.ts';
export { parseHttpDate } from './http-date.ts';
export { notModified, etagsMatch, etagType } from './conditional.ts';
export { maxAge, originAge, responseCacheability } from './response.ts';
export { acceptedEncodings, varySignature, requestSecondaryKey, type SecondaryKey } from './vary.ts';
export { showCache } from './show-cache.ts';
