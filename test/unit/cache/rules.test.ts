// What the cache reads in requests and responses, field by field: keys,
// request directives, response cacheability, lifetimes, Age, dates, ETags,
// Vary and Accept-Encoding.

import test from 'ava';
import {
  acceptedEncodings,
  cacheRequest,
  etagsMatch,
  maxAge,
  notModified,
  originAge,
  parseHttpDate,
  primaryKey,
  requestSecondaryKey,
  responseCacheability,
  varySignature,
} from '../../../src/cache/index.ts';

const NOW = Date.UTC(2024, 0, 10, 12, 0, 0) / 1000;

test('HTTP dates in the three forms RFC 9110 has recipients accept', (t) => {
  const want = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;
  t.is(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), want);
  t.is(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), want);
  t.is(parseHttpDate('Sun Nov  6 08:49:37 1994'), want);
  t.is(parseHttpDate('Sun, 06 Nov 1994 08:49:37 CET'), undefined);
  t.is(parseHttpDate('06 Nov 1994'), undefined);
  t.is(parseHttpDate('Xyz, 06 Nov 1994 08:49:37 GMT'), undefined);
  t.is(parseHttpDate('0'), undefined);
});

test('the primary key is the absolute URI, origin-form targets taking the Host', (t) => {
  t.is(primaryKey('/a?b=1', ['Host', 'www.example']), 'https://www.example/a?b=1');
  t.is(primaryKey('http://x.example/p', []), 'http://x.example/p');
  t.is(primaryKey('/a', []), undefined);
});

test('requests: only GET and HEAD in HTTP/1.1 are looked up; Authorization and asking for freshness bypass the cache', (t) => {
  const h = ['Host', 'h'];
  t.like(cacheRequest('GET', 1, '/', h, false), { ignore: false, cacheable: true, cookies: true });
  t.like(cacheRequest('HEAD', 1, '/', h, false), { ignore: false, cacheable: true });
  t.like(cacheRequest('GET', 0, '/', h, false), { ignore: true });
  t.like(cacheRequest('POST', 1, '/', h, false), { ignore: true, cacheable: false });
  t.like(cacheRequest('GET', 1, '/', [...h, 'Authorization', 'Basic eDp5'], false), { ignore: true, cacheable: false, cookies: false });
  for (const cc of ['no-cache', 'max-age=0', 'max-stale', 'min-fresh=5', 'Max-Age=10']) {
    t.like(cacheRequest('GET', 1, '/', [...h, 'Cache-Control', cc], false), { ignore: true }, cc);
  }
  t.like(cacheRequest('GET', 1, '/', [...h, 'Cache-Control', 'no-store'], false), { ignore: false, cacheable: false });
  t.like(cacheRequest('GET', 1, '/', [...h, 'Pragma', 'no-cache'], false), { ignore: true });
  // RFC 9111 5.4: Pragma does not count when Cache-Control is there
  t.like(cacheRequest('GET', 1, '/', [...h, 'Pragma', 'no-cache', 'Cache-Control', 'no-transform'], false), { ignore: false });
  t.is(cacheRequest('GET', 1, '/', [], false), undefined);
  t.is(cacheRequest('GET', 1, '/', h, false)!.secondary, null);
  t.deepEqual(cacheRequest('GET', 1, '/', [...h, 'Referer', 'r'], true)!.secondary, requestSecondaryKey(['Referer', 'r']));
});

test('responses: Cache-Control and Pragma decide, and without an expiry or a validator nothing is stored', (t) => {
  t.like(responseCacheability(['Cache-Control', 'max-age=10']), { cacheable: undefined, cookies: true, ignore: false });
  t.like(responseCacheability(['Cache-Control', 'public']), { cacheable: true, ignore: true });
  t.like(responseCacheability(['Cache-Control', 'public, max-age=5']), { cacheable: true, ignore: false });
  for (const v of ['private', 'no-cache', 'no-store', 'max-age=0', 's-maxage=0']) {
    t.like(responseCacheability(['Cache-Control', `${v}`, 'ETag', '"x"']), { cacheable: false }, v);
  }
  t.like(responseCacheability(['Cache-Control', 'no-cache="set-cookie"', 'Expires', 'x']), { cookies: false, ignore: false });
  t.like(responseCacheability(['Pragma', 'no-cache', 'Cache-Control', 'max-age=9']), { cacheable: false });
  t.like(responseCacheability(['ETag', '"a"']), { ignore: false });
  t.like(responseCacheability(['Last-Modified', 'Sun, 06 Nov 1994 08:49:37 GMT']), { ignore: false });
  t.like(responseCacheability(['Content-Type', 'text/plain']), { ignore: true });
});

test('lifetimes: s-maxage, then max-age, then Expires, bounded by the cache max-age', (t) => {
  t.deepEqual(maxAge(['Cache-Control', 'max-age=30, s-maxage=20'], 60, NOW), { effective: 20, own: 20 });
  t.deepEqual(maxAge(['Cache-Control', 'max-age=300'], 60, NOW), { effective: 60, own: 300 });
  t.deepEqual(maxAge(['Cache-Control', 'max-age="15"'], 60, NOW), { effective: 15, own: 15 });
  t.deepEqual(maxAge(['Expires', new Date((NOW + 40) * 1000).toUTCString()], 60, NOW), { effective: 40, own: 40 });
  t.deepEqual(maxAge(['Expires', 'yesterday'], 60, NOW), { effective: 0, own: 0 });
  t.deepEqual(maxAge(['ETag', '"x"'], 60, NOW), { effective: 60, own: 0 });
  t.is(maxAge(['Cache-Control', 'max-age=abc'], 60, NOW).effective, -1);
});

test('Age: a positive number is kept, anything else keeps the response out', (t) => {
  t.is(originAge([]), 0);
  t.is(originAge(['Age', '12']), 12);
  t.is(originAge(['Age', '0']), undefined);
  t.is(originAge(['Age', 'x']), undefined);
});

test('ETags compare weakly; 304 on If-None-Match, else on If-Modified-Since', (t) => {
  t.true(etagsMatch('"a"', 'W/"a"'));
  t.false(etagsMatch('"a"', '"b"'));
  t.false(etagsMatch('a', 'a'));
  const lm = Date.UTC(2024, 0, 1) / 1000;
  t.true(notModified(['If-None-Match', '"x", "a"'], '"a"', lm));
  t.true(notModified(['If-None-Match', '*'], null, lm));
  t.false(notModified(['If-None-Match', '"b"', 'If-Modified-Since', 'Mon, 01 Jan 2024 00:00:00 GMT'], '"a"', lm));
  t.true(notModified(['If-Modified-Since', 'Mon, 01 Jan 2024 00:00:00 GMT'], null, lm));
  t.false(notModified(['If-Modified-Since', 'Sun, 31 Dec 2023 23:59:59 GMT'], null, lm));
  t.false(notModified([], '"a"', lm));
});

test('Vary: only Accept-Encoding and Referer can be varied on', (t) => {
  t.is(varySignature([]), 0);
  t.is(varySignature(['Vary', 'Accept-Encoding']), 1);
  t.is(varySignature(['Vary', 'accept-encoding, Referer']), 3);
  t.is(varySignature(['Vary', 'User-Agent']), undefined);
  t.is(varySignature(['Vary', '*']), undefined);
});

test('Accept-Encoding becomes the set of codings a client takes', (t) => {
  const GZIP = 1;
  const BR = 4;
  const IDENTITY = 256;
  t.is(acceptedEncodings([]), 0xffffffff);
  t.is(acceptedEncodings(['Accept-Encoding', 'gzip, br;q=0.5']), GZIP | BR | IDENTITY);
  t.is(acceptedEncodings(['Accept-Encoding', 'gzip;q=0, identity']), IDENTITY);
  t.is(acceptedEncodings(['Accept-Encoding', '*, br;q=0']), (0xffffffff & ~BR) >>> 0);
  t.is(acceptedEncodings(['Accept-Encoding', 'x-gzip']), GZIP | IDENTITY);
  t.is(acceptedEncodings(['Accept-Encoding', Array.from({ length: 16 }, (_, i) => `c${i}`).join(',')]), undefined);
});
