// Which coding a request gets and which responses are compressed, rule by
// rule (HAProxy 2.6's), and how a compressed response's head reads.

import test from 'ava';
import { chooseAlgorithm, compressedHead, compressible, effectiveCompression, type EffectiveCompression } from '../../../src/compression/index.ts';
import type { CompressionSettings } from '../../../src/config/index.ts';
import { parseResponseHead, isHeadError, DEFAULT_LIMITS, type HttpHead } from '../../../src/http/index.ts';

const pos = { file: 't.cfg', line: 1 };

function settings(o: Partial<CompressionSettings>): CompressionSettings {
  return { pos, algos: [], types: [], offload: false, ...o };
}

const GZ_DEFLATE = effectiveCompression(settings({ algos: ['gzip', 'deflate'] }), undefined)!;

function head(text: string): HttpHead {
  const b = Buffer.from(text.replace(/\n/g, '\r\n') + '\r\n', 'latin1');
  const h = parseResponseHead(b, 0, b.length, DEFAULT_LIMITS);
  if (isHeadError(h)) throw new Error(h.message);
  return h;
}

const GET11 = { requestMethod: 'GET', requestVersionMinor: 1 };

test('the backend\'s settings win over the frontend\'s, field by field', (t) => {
  const fe = settings({ algos: ['gzip'], types: ['text/html'], offload: true });
  const be = settings({ types: ['application/json'], minsizeRes: 100 });
  t.deepEqual(effectiveCompression(fe, be), { algos: ['gzip'], types: ['application/json'], offload: true, minsizeRes: 100 });
  t.deepEqual(effectiveCompression(fe, settings({ algos: ['br'] }))!.algos, ['br']);
  t.is(effectiveCompression(undefined, undefined), null);
  t.is(effectiveCompression(settings({ offload: true }), undefined), null, 'no algorithm: nothing to do');
});

test('Accept-Encoding: the best q wins, the first of equals, * takes the last configured', (t) => {
  const pick = (ae: string, c: EffectiveCompression = GZ_DEFLATE): string | null => chooseAlgorithm(c, ['Accept-Encoding', ae]);
  t.is(pick('gzip'), 'gzip');
  t.is(pick('deflate, gzip'), 'deflate');
  t.is(pick('deflate;q=0.5, gzip'), 'gzip');
  t.is(pick('GZIP;q=0.8, deflate;q=0.9'), 'deflate');
  t.is(pick('gzip;q=0'), null);
  t.is(pick('br'), null);
  t.is(pick('*'), 'deflate');
  t.is(pick('gzip;level=1;q=0.3, deflate;q=0.2'), 'gzip');
  t.is(chooseAlgorithm(GZ_DEFLATE, []), null);
  const br = effectiveCompression(settings({ algos: ['gzip', 'br'] }), undefined)!;
  t.is(pick('gzip, br', br), 'gzip');
  t.is(pick('br;q=1, gzip;q=0.9', br), 'br');
  const raw = effectiveCompression(settings({ algos: ['raw-deflate'] }), undefined)!;
  t.is(pick('deflate', raw), 'raw-deflate');
  const identity = effectiveCompression(settings({ algos: ['identity', 'gzip'] }), undefined)!;
  t.is(chooseAlgorithm(identity, []), 'identity', 'identity needs no Accept-Encoding');
});

test('old Mozilla/4 agents get nothing, MSIE 6 SP2 and later do', (t) => {
  const ua = (v: string): string | null => chooseAlgorithm(GZ_DEFLATE, ['User-Agent', v, 'Accept-Encoding', 'gzip']);
  t.is(ua('Mozilla/4.0 (compatible; X)'), null);
  t.is(ua('Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1)'), 'gzip');
  t.is(ua('Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)'), 'gzip');
  t.is(ua('Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; XX)'), null);
  t.is(ua('Mozilla/5.0 (X11; Linux x86_64)'), 'gzip');
});

test('responses that are compressed and the ones that are not', (t) => {
  const ok = 'HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 10\n';
  t.true(compressible(head(ok), GET11, GZ_DEFLATE));
  t.true(compressible(head('HTTP/1.1 203 X\nTransfer-Encoding: chunked\n'), GET11, GZ_DEFLATE));
  t.false(compressible(head(ok), { requestMethod: 'HEAD', requestVersionMinor: 1 }, GZ_DEFLATE), 'HEAD');
  t.false(compressible(head(ok), { requestMethod: 'GET', requestVersionMinor: 0 }, GZ_DEFLATE), 'HTTP/1.0 client');
  t.false(compressible(head(ok.replace('HTTP/1.1', 'HTTP/1.0')), GET11, GZ_DEFLATE), 'HTTP/1.0 server');
  for (const s of [204, 206, 301, 404, 500]) t.false(compressible(head(ok.replace('200 OK', `${s} X`)), GET11, GZ_DEFLATE), String(s));
  t.false(compressible(head('HTTP/1.1 200 OK\nContent-Type: text/plain\n'), GET11, GZ_DEFLATE), 'no length: read until close');
  t.false(compressible(head('HTTP/1.1 200 OK\nContent-Length: 0\n'), GET11, GZ_DEFLATE), 'empty');
  t.false(compressible(head(ok + 'Content-Encoding: br\n'), GET11, GZ_DEFLATE), 'already encoded');
  t.false(compressible(head(ok + 'Cache-Control: public, no-transform\n'), GET11, GZ_DEFLATE), 'no-transform');
  t.false(compressible(head(ok + 'ETag: abc\n'), GET11, GZ_DEFLATE), 'invalid ETag');
  t.false(compressible(head(ok + 'ETag: "a"\nETag: "b"\n'), GET11, GZ_DEFLATE), 'two ETags');
  t.true(compressible(head(ok + 'ETag: W/"a"\n'), GET11, GZ_DEFLATE));
  t.false(compressible(head('HTTP/1.1 200 OK\nContent-Type: multipart/mixed; boundary=x\nContent-Length: 9\n'), GET11, GZ_DEFLATE), 'multipart');
});

test('compression type: a prefix of Content-Type, and a type is then required', (t) => {
  const c = effectiveCompression(settings({ algos: ['gzip'], types: ['text/html', 'application/json'] }), undefined)!;
  t.true(compressible(head('HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\nContent-Length: 9\n'), GET11, c));
  t.true(compressible(head('HTTP/1.1 200 OK\nContent-Type: Application/JSON\nContent-Length: 9\n'), GET11, c));
  t.false(compressible(head('HTTP/1.1 200 OK\nContent-Type: image/png\nContent-Length: 9\n'), GET11, c));
  t.false(compressible(head('HTTP/1.1 200 OK\nContent-Length: 9\n'), GET11, c));
  t.true(compressible(head('HTTP/1.1 200 OK\nContent-Length: 9\n'), GET11, GZ_DEFLATE), 'no type list: any type');
});

test('compression minsize-res leaves small responses of known length alone', (t) => {
  const c = effectiveCompression(settings({ algos: ['gzip'], minsizeRes: 1024 }), undefined)!;
  t.false(compressible(head('HTTP/1.1 200 OK\nContent-Length: 1023\n'), GET11, c));
  t.true(compressible(head('HTTP/1.1 200 OK\nContent-Length: 1024\n'), GET11, c));
  t.true(compressible(head('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n'), GET11, c), 'length unknown');
});

test('a compressed head is chunked, names its coding, varies on Accept-Encoding, weakens its ETag', (t) => {
  const h = head('HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 10\nETag: "v1"\n');
  compressedHead(h, 'gzip');
  t.deepEqual(h.headers, ['Content-Type', 'text/plain', 'ETag', 'W/"v1"', 'Content-Encoding', 'gzip', 'Transfer-Encoding', 'chunked', 'Vary', 'Accept-Encoding']);
  t.true(h.chunked);
  t.is(h.contentLength, -1);
  const r = head('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nETag: W/"x"\n');
  compressedHead(r, 'raw-deflate');
  t.deepEqual(r.headers, ['Transfer-Encoding', 'chunked', 'ETag', 'W/"x"', 'Content-Encoding', 'deflate', 'Vary', 'Accept-Encoding']);
  const i = head('HTTP/1.1 200 OK\nContent-Length: 3\n');
  compressedHead(i, 'identity');
  t.deepEqual(i.headers, ['Transfer-Encoding', 'chunked', 'Vary', 'Accept-Encoding']);
});
