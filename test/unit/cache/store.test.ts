// The cache store with a hand-driven clock: what is kept and for how long,
// variants, conditional answers, eviction of the least recently used at
// total-max-size, invalidation by unsafe requests, and `show cache`.

import test from 'ava';
import { CacheWriter, HttpCache, cacheRequest, showCache, type CacheSettings } from '../../../src/cache/index.ts';

const T0 = Date.UTC(2024, 0, 10, 12, 0, 0);

function newCache(over: Partial<CacheSettings> = {}): { cache: HttpCache; clock: { now: number } } {
  const clock = { now: T0 };
  const settings: CacheSettings = {
    name: 'c',
    totalMaxSize: 1024 * 1024,
    maxObjectSize: 4096,
    maxAge: 60,
    processVary: false,
    maxSecondaryEntries: 10,
    ...over,
  };
  return { cache: new HttpCache(settings, () => clock.now), clock };
}

function req(path: string, headers: string[] = [], method = 'GET', vary = false) {
  return cacheRequest(method, 1, path, ['Host', 'h', ...headers], vary)!;
}

/** Stores `body` for `path` with response fields `fields`; the reason when it is not stored. */
function store(cache: HttpCache, path: string, fields: string[], body = 'hello', reqHeaders: string[] = [], status = 200): string {
  const w = cache.beginStore(req(path, reqHeaders, 'GET', cache.settings.processVary), status, 'OK', fields, body.length);
  if (typeof w === 'string') return w;
  const b = Buffer.from(body);
  if (!w.append(b, 0, b.length)) return 'too-big';
  return w.finish() ? 'stored' : 'refused';
}

function lookup(cache: HttpCache, path: string, headers: string[] = []) {
  return cache.lookup(req(path, headers, 'GET', cache.settings.processVary), ['Host', 'h', ...headers]);
}

test('a stored response is served until it expires, with its Age', (t) => {
  const { cache, clock } = newCache();
  t.is(lookup(cache, '/a'), null);
  t.is(store(cache, '/a', ['Cache-Control', 'max-age=10', 'Content-Type', 'text/plain']), 'stored');
  const hit = lookup(cache, '/a')!;
  t.is(hit.entry.body.toString(), 'hello');
  t.deepEqual([...hit.entry.headers], ['Cache-Control', 'max-age=10', 'Content-Type', 'text/plain', 'content-length', '5']);
  clock.now += 4000;
  t.is(lookup(cache, '/a')!.entry.age(cache.nowSec()), 4);
  clock.now += 6000;
  t.is(lookup(cache, '/a'), null, 'expired after max-age');
  t.is(cache.size, 0);
});

test('the cache max-age bounds a longer lifetime; an origin Age counts', (t) => {
  const { cache, clock } = newCache({ maxAge: 5 });
  t.is(store(cache, '/a', ['Cache-Control', 'max-age=100', 'Age', '30']), 'stored');
  t.is(lookup(cache, '/a')!.entry.age(cache.nowSec()), 30);
  clock.now += 5000;
  t.is(lookup(cache, '/a'), null);
  t.is(store(cache, '/old', ['Cache-Control', 'max-age=10', 'Age', '30']), 'age', 'already stale');
});

test('what is not stored, and why', (t) => {
  const { cache } = newCache();
  t.is(store(cache, '/1', ['Cache-Control', 'max-age=10'], 'x', [], 404), 'status');
  t.is(store(cache, '/2', ['Cache-Control', 'private, max-age=10']), 'not-cacheable');
  t.is(store(cache, '/3', ['Cache-Control', 'no-store']), 'not-cacheable');
  t.is(store(cache, '/4', ['Content-Type', 'text/plain']), 'no-freshness');
  t.is(store(cache, '/5', ['Cache-Control', 'max-age=10', 'Set-Cookie', 'sid=1']), 'set-cookie');
  t.is(store(cache, '/6', ['Cache-Control', 'max-age=10', 'Vary', 'Accept-Encoding']), 'vary', 'process-vary is off');
  t.is(store(cache, '/7', ['Cache-Control', 'max-age=10'], 'x'.repeat(5000)), 'too-big');
  t.is(store(cache, '/8', ['Cache-Control', 'max-age=10'], 'x', ['Authorization', 'Bearer t']), 'not-cacheable');
  t.is(store(cache, '/9', ['ETag', '"v1"']), 'stored', 'a validator is enough');
  t.is(cache.size, 1);
  const w = cache.beginStore(cacheRequest('GET', 0, '/x', ['Host', 'h'], false)!, 200, 'OK', ['Cache-Control', 'max-age=9'], 1);
  t.is(w, 'http10');
});

test('a chunked body over max-object-size is given up while it streams', (t) => {
  const { cache } = newCache({ maxObjectSize: 2000 });
  const w = cache.beginStore(req('/big'), 200, 'OK', ['Cache-Control', 'max-age=10'], -1) as CacheWriter;
  t.true(w instanceof CacheWriter);
  t.true(cache.availableBlocks < cache.totalBlocks, 'the head holds a block while it streams');
  const chunk = Buffer.alloc(1000);
  t.true(w.append(chunk, 0, 1000));
  t.false(w.append(chunk, 0, 1000));
  t.false(w.finish());
  t.is(cache.availableBlocks, cache.totalBlocks);
  t.is(lookup(cache, '/big'), null);
});

test('conditional requests get a 304 decision from the stored validators', (t) => {
  const { cache } = newCache();
  store(cache, '/e', ['Cache-Control', 'max-age=10', 'ETag', '"v1"', 'Last-Modified', 'Mon, 01 Jan 2024 00:00:00 GMT']);
  t.true(lookup(cache, '/e', ['If-None-Match', '"v1"'])!.notModified);
  t.true(lookup(cache, '/e', ['If-None-Match', 'W/"v1"'])!.notModified);
  t.false(lookup(cache, '/e', ['If-None-Match', '"v2"'])!.notModified);
  t.true(lookup(cache, '/e', ['If-Modified-Since', 'Tue, 02 Jan 2024 00:00:00 GMT'])!.notModified);
  t.false(lookup(cache, '/e', ['If-Modified-Since', 'Sun, 31 Dec 2023 00:00:00 GMT'])!.notModified);
  t.false(lookup(cache, '/e')!.notModified);
});

test('requests that must not be answered from the cache', (t) => {
  const { cache } = newCache();
  store(cache, '/a', ['Cache-Control', 'max-age=10']);
  t.truthy(lookup(cache, '/a'));
  t.is(lookup(cache, '/a', ['Cache-Control', 'no-cache']), null);
  t.is(lookup(cache, '/a', ['Authorization', 'Basic eDp5']), null);
  t.is(cache.lookup(cacheRequest('GET', 1, '/a', ['Host', 'other'], false)!, []), null, 'another host is another key');
});

test('with process-vary, variants by Accept-Encoding and Referer', (t) => {
  const { cache } = newCache({ processVary: true, maxSecondaryEntries: 2 });
  t.is(store(cache, '/v', ['Cache-Control', 'max-age=10', 'Vary', 'Accept-Encoding', 'Content-Encoding', 'gzip'], 'GZ', ['Accept-Encoding', 'gzip']), 'stored');
  t.is(lookup(cache, '/v', ['Accept-Encoding', 'br']), null, 'a client without gzip does not get the gzip variant');
  t.is(lookup(cache, '/v', ['Accept-Encoding', 'gzip, deflate'])!.entry.body.toString(), 'GZ');
  t.is(store(cache, '/v', ['Cache-Control', 'max-age=10', 'Vary', 'Accept-Encoding'], 'PLAIN', ['Accept-Encoding', 'br']), 'stored');
  t.is(lookup(cache, '/v', ['Accept-Encoding', 'br'])!.entry.body.toString(), 'PLAIN');
  t.is(lookup(cache, '/v', ['Accept-Encoding', 'gzip'])!.entry.body.toString(), 'GZ');
  t.is(cache.size, 2);
  t.is(store(cache, '/v', ['Cache-Control', 'max-age=10', 'Vary', 'Accept-Encoding', 'Content-Encoding', 'deflate'], 'DF', ['Accept-Encoding', 'deflate']), 'refused', 'max-secondary-entries');
  t.is(store(cache, '/v', ['Cache-Control', 'max-age=10', 'Vary', 'Accept-Encoding', 'Content-Encoding', 'zz'], 'Z', ['Accept-Encoding', 'zz']), 'encoding');
  t.is(store(cache, '/r', ['Cache-Control', 'max-age=10', 'Vary', 'Referer'], 'R1', ['Referer', 'https://a/']), 'stored');
  t.is(lookup(cache, '/r', ['Referer', 'https://a/'])!.entry.body.toString(), 'R1');
  t.is(lookup(cache, '/r', ['Referer', 'https://b/']), null);
  t.is(store(cache, '/u', ['Cache-Control', 'max-age=10', 'Vary', 'User-Agent']), 'vary');
});

test('at total-max-size the least recently used entries go first', (t) => {
  // 8 blocks of 1 kB; each entry (a 1.5 kB body and its head) takes 2.
  const { cache } = newCache({ totalMaxSize: 8 * 1024, maxObjectSize: 4096 });
  const body = 'b'.repeat(1500);
  for (const p of ['/1', '/2', '/3', '/4']) t.is(store(cache, p, ['Cache-Control', 'max-age=60'], body), 'stored');
  t.is(cache.blocksInUse, 8);
  t.truthy(lookup(cache, '/1'), 'touch /1: /2 is now the least recently used');
  t.is(store(cache, '/5', ['Cache-Control', 'max-age=60'], body), 'stored');
  t.is(lookup(cache, '/2'), null);
  for (const p of ['/1', '/3', '/4', '/5']) t.truthy(lookup(cache, p), p);
  t.is(cache.evicted, 1);
  t.is(cache.blocksInUse, 8);
});

test('a successful unsafe request drops the stored response for its URL', (t) => {
  const { cache } = newCache();
  store(cache, '/doc', ['Cache-Control', 'max-age=60']);
  t.is(cache.beginStore(req('/doc', [], 'POST'), 500, 'Internal Server Error', [], 0), 'not-get');
  t.truthy(lookup(cache, '/doc'), 'an error changes nothing');
  t.is(cache.beginStore(req('/doc', [], 'PUT'), 204, 'No Content', [], 0), 'not-get');
  t.is(lookup(cache, '/doc'), null);
});

test('show cache: HAProxy\'s lines, entries by hash, seconds to expiry', (t) => {
  const { cache, clock } = newCache({ processVary: true });
  store(cache, '/a', ['Cache-Control', 'max-age=30']);
  store(cache, '/b', ['Cache-Control', 'max-age=50', 'Vary', 'Referer'], 'x', ['Referer', 'r']);
  clock.now += 10_000;
  const lines = showCache([cache]).trimEnd().split('\n');
  t.regex(lines[0]!, /^0x[0-9a-f]+: c \(shctx:0x[0-9a-f]+, available blocks:1024\)$/);
  t.is(lines.length, 3);
  const rows = lines.slice(1).map((l) => /^0x[0-9a-f]+ hash:(\d+) vary:0x([0-9a-f]{16}) size:(\d+) \((\d+) blocks\), refcount:0, expire:(\d+)$/.exec(l)!);
  t.true(rows.every((m) => m !== null));
  t.true(Number(rows[0]![1]) < Number(rows[1]![1]), 'ordered by hash');
  t.deepEqual(rows.map((m) => Number(m[5])).sort(), [20, 40]);
  // The Referer part is CRC32("r") = 0x6c09ff9d, little-endian as HAProxy writes it.
  t.deepEqual(rows.map((m) => m[2]).sort(), ['0000000000000000', '000000009dff096c']);
});

test('expiry counts whole seconds: max-age=1 stored late in a second is stale at the next one, as in HAProxy', (t) => {
  // HAProxy: expire = now.tv_sec + max-age, fresh while expire > now.tv_sec.
  const { cache, clock } = newCache();
  clock.now = T0 + 999;
  t.is(store(cache, '/late', ['Cache-Control', 'max-age=1']), 'stored');
  t.truthy(lookup(cache, '/late'));
  clock.now = T0 + 1000;
  t.is(lookup(cache, '/late'), null, '1 ms later');
  clock.now = T0;
  t.is(store(cache, '/early', ['Cache-Control', 'max-age=2']), 'stored');
  clock.now = T0 + 1999;
  t.truthy(lookup(cache, '/early'));
  clock.now = T0 + 2000;
  t.is(lookup(cache, '/early'), null);
});

/** Two threads' copies of one cache: what each stores goes to the other, delivered when the test says. */
function twoCopies() {
  const a = newCache();
  const b = newCache();
  const toB: Array<Parameters<HttpCache['insertCopy']>[0]> = [];
  const toA: Array<Parameters<HttpCache['insertCopy']>[0]> = [];
  const changes = (out: typeof toB): NonNullable<HttpCache['changes']> => ({ stored: (e) => out.push(e), dropped: () => {}, touched: () => {} });
  a.cache.changes = changes(toB);
  b.cache.changes = changes(toA);
  const tick = (ms: number): void => {
    a.clock.now += ms;
    b.clock.now += ms;
  };
  return { a: a.cache, b: b.cache, toA, toB, tick };
}

test('nbthread: a copy arriving after a newer store of the same response does not replace it', (t) => {
  const { a, b, toA, toB, tick } = twoCopies();
  const fields = ['Cache-Control', 'max-age=10'];
  t.is(store(a, '/x', fields, 'from A'), 'stored');
  tick(3000);
  // B has not read A's note yet: a miss there, and B stores the response again.
  t.is(lookup(b, '/x'), null);
  t.is(store(b, '/x', fields, 'from B'), 'stored');
  // The notes cross.
  for (const e of toB.splice(0)) b.insertCopy(e);
  for (const e of toA.splice(0)) a.insertCopy(e);
  t.is(lookup(a, '/x')!.entry.body.toString(), 'from B');
  t.is(lookup(b, '/x')!.entry.body.toString(), 'from B', 'the older copy did not replace the newer store');
  tick(8000);
  // 11 s after A's store, 8 s after B's: both threads still serve B's.
  t.truthy(lookup(a, '/x'));
  t.truthy(lookup(b, '/x'));
});

test('nbthread: a copy that expired on the way is not kept', (t) => {
  const { a, b, toB, tick } = twoCopies();
  t.is(store(a, '/y', ['Cache-Control', 'max-age=2']), 'stored');
  tick(2000);
  t.false(b.insertCopy(toB[0]!));
  t.is(b.size, 0);
  t.is(b.blocksInUse, 0);
});
