// balance source | uri | url_param | hdr: keys, hashing and fallback.
// The expected servers were recorded from HAProxy 2.6.12 with the same
// servers (ids 1..5), weights and hash-type, one request per key.

import test from 'ava';
import type { BalanceAlgorithm, HashType } from '../../../src/config/model.ts';
import { createBalancer, type PickInput } from '../../../src/lb/index.ts';
import { pathStart } from '../../../src/lb/uri.ts';
import { paramValueStart } from '../../../src/lb/url-param.ts';
import { countBy, farm, headers, MAP_SDBM } from './farm.ts';

const WEIGHTS = [1, 2, 3, 1, 5];
const KEYS = Array.from({ length: 60 }, (_, i) => `k${i}`);

function run(algo: BalanceAlgorithm, hashType: HashType, inputs: PickInput[], weights = WEIGHTS): string {
  const lb = createBalancer(algo, hashType, farm(weights), { allbackups: false });
  return inputs.map((i) => lb.pick(i)!.name).join(',');
}

const hdrInputs = KEYS.map((k) => ({ src: '127.0.0.1', header: headers({ 'X-K': k }) }));
const uriInputs = KEYS.map((k, i) => ({ src: '127.0.0.1', uri: `/${k}/d${i % 3}/e${i}?q=${i}` }));

test('hdr, map-based sdbm: as HAProxy', (t) => {
  t.is(
    run({ kind: 'hdr', header: 'X-K', useDomainOnly: false }, MAP_SDBM, hdrInputs),
    's2,s3,s5,s3,s5,s4,s5,s1,s2,s5,s4,s5,s1,s2,s5,s3,s5,s2,s3,s5,s2,s3,s5,s3,s5,s4,s5,s1,s2,s5,s1,s2,s5,s3,s5,s2,s3,s5,s3,s5,s5,s3,s5,s4,s5,s1,s2,s5,s3,s5,s5,s3,s5,s2,s3,s5,s3,s5,s4,s5',
  );
});

test('hdr, map-based djb2 avalanche: as HAProxy', (t) => {
  t.is(
    run({ kind: 'hdr', header: 'X-K', useDomainOnly: false }, { method: 'map-based', function: 'djb2', avalanche: true }, hdrInputs),
    's4,s3,s3,s5,s4,s1,s5,s5,s5,s5,s3,s5,s3,s3,s4,s2,s5,s3,s5,s5,s5,s3,s2,s4,s4,s3,s3,s3,s5,s5,s3,s4,s5,s5,s5,s2,s3,s3,s3,s5,s2,s2,s3,s5,s4,s1,s2,s3,s5,s2,s5,s5,s3,s3,s3,s2,s1,s2,s2,s4',
  );
});

test('hdr(host) use_domain_only hashes the domain label: as HAProxy', (t) => {
  const inputs = KEYS.map((k, i) => ({ src: '127.0.0.1', header: headers({ Host: [`www.${k}.com`, `${k}.eu`, `a.b.${k}.org:80`, k][i % 4]! }) }));
  t.is(
    run({ kind: 'hdr', header: 'host', useDomainOnly: true }, MAP_SDBM, inputs),
    's2,s3,s5,s3,s5,s4,s5,s1,s2,s5,s4,s5,s1,s2,s5,s3,s5,s2,s3,s5,s2,s3,s5,s3,s5,s4,s5,s1,s2,s5,s1,s2,s5,s3,s5,s2,s3,s5,s3,s5,s5,s3,s5,s4,s5,s1,s2,s5,s3,s5,s5,s3,s5,s2,s3,s5,s3,s5,s4,s5',
  );
  // Same label, same server, whatever the rest.
  const lb = createBalancer({ kind: 'hdr', header: 'host', useDomainOnly: true }, MAP_SDBM, farm(WEIGHTS), { allbackups: false });
  const at = (h: string) => lb.pick({ src: '127.0.0.1', header: headers({ host: h }) });
  t.is(at('haproxy.1wt.eu'), at('1wt'));
  t.is(at('www.1wt.com'), at('1wt'));
  t.is(at('a.b.c.1wt.org:8080'), at('1wt'));
});

test('uri depth 2, map-based crc32, weights 10/20/30: as HAProxy', (t) => {
  t.is(
    run({ kind: 'uri', whole: false, depth: 2, pathOnly: false }, { method: 'map-based', function: 'crc32', avalanche: false }, uriInputs, [10, 20, 30]),
    's3,s2,s2,s3,s2,s3,s3,s1,s2,s3,s3,s2,s2,s3,s2,s3,s3,s2,s2,s3,s3,s1,s2,s3,s2,s3,s3,s2,s2,s3,s3,s2,s1,s3,s1,s3,s3,s1,s2,s3,s3,s1,s2,s3,s2,s3,s3,s1,s2,s3,s3,s2,s2,s3,s2,s3,s3,s2,s2,s3',
  );
});

test('uri whole len 12, map-based sdbm: as HAProxy', (t) => {
  t.is(
    run({ kind: 'uri', whole: true, len: 12, pathOnly: false }, MAP_SDBM, uriInputs),
    's3,s3,s4,s5,s5,s3,s3,s5,s5,s3,s5,s3,s4,s5,s1,s5,s2,s1,s5,s2,s5,s3,s5,s3,s4,s5,s3,s5,s2,s1,s3,s2,s5,s3,s2,s5,s4,s5,s3,s4,s2,s1,s5,s2,s1,s3,s2,s5,s3,s2,s3,s4,s5,s1,s5,s2,s1,s5,s2,s5',
  );
});

test('url_param, consistent djb2: as HAProxy (an empty value is still a key)', (t) => {
  const inputs = KEYS.map((k, i) => ({ src: '127.0.0.1', uri: `/p?a=1&uid=${k}&z=${i}` }));
  inputs.push({ src: '127.0.0.1', uri: '/p?uid=&x=1' });
  t.is(
    run({ kind: 'url_param', param: 'uid' }, { method: 'consistent', function: 'djb2', avalanche: false }, inputs),
    's3,s3,s3,s3,s3,s3,s3,s3,s3,s3,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5,s5',
  );
});

test('source: IPv4 and IPv6 clients land where HAProxy puts them', (t) => {
  const source: BalanceAlgorithm = { kind: 'source' };
  const v4 = [{ src: '127.0.0.1' }];
  const v6 = [{ src: '::1' }];
  t.is(run(source, MAP_SDBM, v4), 's2');
  t.is(run(source, MAP_SDBM, v6), 's2');
  t.is(run(source, { method: 'consistent', function: 'sdbm', avalanche: true }, v4), 's3');
  t.is(run(source, { method: 'consistent', function: 'sdbm', avalanche: true }, v6), 's3');
  t.is(run(source, { method: 'map-based', function: 'sdbm', avalanche: true }, v4), 's5');
  t.is(run(source, { method: 'map-based', function: 'sdbm', avalanche: true }, v6), 's5');
});

test('source: the hash function is not applied, only avalanche (as HAProxy)', (t) => {
  const inputs = Array.from({ length: 50 }, (_, i) => ({ src: `10.0.${i}.${(i * 7) % 256}` }));
  const a = run({ kind: 'source' }, { method: 'map-based', function: 'sdbm', avalanche: false }, inputs);
  const b = run({ kind: 'source' }, { method: 'map-based', function: 'crc32', avalanche: false }, inputs);
  t.is(a, b);
  // 12 slots; the word 0x0a00iijj mod 12 picks the slot.
  const lb = createBalancer({ kind: 'source' }, MAP_SDBM, farm([1, 1, 1, 1]), { allbackups: false });
  t.is(lb.pick({ src: '0.0.0.5' })!.name, 's2');
  t.is(lb.pick({ src: '0.0.0.6' })!.name, 's3');
});

test('the same key always reaches the same server', (t) => {
  const algos: BalanceAlgorithm[] = [
    { kind: 'source' },
    { kind: 'uri', whole: false, pathOnly: false },
    { kind: 'url_param', param: 'id' },
    { kind: 'hdr', header: 'x-user', useDomainOnly: false },
  ];
  for (const hashType of [MAP_SDBM, { method: 'consistent', function: 'wt6', avalanche: true } as const]) {
    for (const algo of algos) {
      const lb = createBalancer(algo, hashType, farm([1, 2, 3]), { allbackups: false });
      for (let i = 0; i < 100; i++) {
        const input = { src: `192.0.2.${i}`, uri: `/u/${i}?id=${i * 31}`, header: headers({ 'X-User': `user${i}` }) };
        const s = lb.pick(input);
        for (let r = 0; r < 3; r++) t.is(lb.pick(input), s, `${algo.kind} ${hashType.method}`);
      }
    }
  }
});

test('a missing key falls back to round robin', (t) => {
  // HAProxy 2.6.12, `balance hdr(X-K)`, map-based, weights 1,2,3,1,5, no X-K header: the static-rr walk of the map.
  const lb = createBalancer({ kind: 'hdr', header: 'X-K', useDomainOnly: false }, MAP_SDBM, farm(WEIGHTS), { allbackups: false });
  const seq = Array.from({ length: 30 }, () => lb.pick({ src: '127.0.0.1', header: () => undefined })!.name);
  t.is(seq.join(','), 's1,s2,s5,s3,s5,s2,s3,s5,s3,s5,s4,s5,s1,s2,s5,s3,s5,s2,s3,s5,s3,s5,s4,s5,s1,s2,s5,s3,s5,s2');
  t.false(lb.queueOnServer);
  const cases: Array<[BalanceAlgorithm, PickInput]> = [
    [{ kind: 'url_param', param: 'uid' }, { src: '127.0.0.1', uri: '/p?other=1' }],
    [{ kind: 'url_param', param: 'uid' }, { src: '127.0.0.1', uri: '/p' }],
    [{ kind: 'url_param', param: 'uid' }, { src: '127.0.0.1', uri: '/p?xuid=3' }],
    [{ kind: 'url_param', param: 'uid' }, { src: '127.0.0.1' }],
    [{ kind: 'hdr', header: 'X-K', useDomainOnly: false }, { src: '127.0.0.1', header: headers({ 'X-K': '' }) }],
    [{ kind: 'hdr', header: 'X-K', useDomainOnly: false }, { src: '127.0.0.1', header: headers({ 'X-K': ' , b' }) }],
    [{ kind: 'hdr', header: 'X-K', useDomainOnly: false }, { src: '127.0.0.1' }],
    [{ kind: 'uri', whole: false, pathOnly: false }, { src: '127.0.0.1' }],
    [{ kind: 'source' }, { src: '/run/hawser/sock' }],
  ];
  for (const [algo, input] of cases) {
    for (const hashType of [MAP_SDBM, { method: 'consistent', function: 'sdbm', avalanche: true } as const]) {
      const balancer = createBalancer(algo, hashType, farm([1, 1, 1]), { allbackups: false });
      // 48 picks: 16 rounds of the 3-slot map, or one walk of the 3·16-point ring.
      t.deepEqual(countBy(Array.from({ length: 48 }, () => balancer.pick(input)!.name)), { s1: 16, s2: 16, s3: 16 }, `${algo.kind} ${hashType.method} ${input.uri}`);
    }
  }
});

test('hdr hashes the first comma-separated value, trimmed', (t) => {
  const lb = createBalancer({ kind: 'hdr', header: 'X-K', useDomainOnly: false }, MAP_SDBM, farm(WEIGHTS), { allbackups: false });
  const at = (v: string) => lb.pick({ src: '127.0.0.1', header: headers({ 'X-K': v }) })!;
  for (const k of KEYS) {
    t.is(at(`  ${k}\t, something else`), at(k));
  }
});

test('uri: path-only drops scheme and authority; depth and len cut the key', (t) => {
  t.is(pathStart('/a/b'), 0);
  t.is(pathStart('http://example.com/a/b?x'), 18);
  t.is(pathStart('https://[::1]:8443/x'), 18);
  t.is(pathStart('http://example.com'), 18);
  t.is(pathStart('*'), 1);
  t.is(pathStart('example.com:443'), 15);
  const pathOnly = createBalancer({ kind: 'uri', whole: false, pathOnly: true }, MAP_SDBM, farm(WEIGHTS), { allbackups: false });
  const plain = createBalancer({ kind: 'uri', whole: false, pathOnly: false }, MAP_SDBM, farm(WEIGHTS), { allbackups: false });
  const depth1 = createBalancer({ kind: 'uri', whole: false, depth: 1, pathOnly: false }, MAP_SDBM, farm(WEIGHTS), { allbackups: false });
  const len4 = createBalancer({ kind: 'uri', whole: true, len: 4, pathOnly: false }, MAP_SDBM, farm(WEIGHTS), { allbackups: false });
  for (const k of KEYS) {
    const at = (lb: typeof plain, uri: string) => lb.pick({ src: '127.0.0.1', uri })!.name;
    t.is(at(pathOnly, `http://h.example/${k}/x?q=1`), at(plain, `/${k}/x`));
    t.is(at(plain, `/${k}/x?q=1`), at(plain, `/${k}/x?q=2`), 'the query string is ignored');
    t.is(at(depth1, `/${k}/x/y`), at(plain, `/${k}`));
    t.is(at(len4, `/${k}abcdef?x`), at(len4, `/${k}abc`.slice(0, 4)));
  }
});

test('url_param finds the parameter at a parameter start only', (t) => {
  t.is(paramValueStart('/p?uid=5', 'uid'), 7);
  t.is(paramValueStart('/p?a=1&uid=5&b=2', 'uid'), 11);
  t.is(paramValueStart('/p?xuid=5', 'uid'), -1);
  t.is(paramValueStart('/p?uid', 'uid'), -1);
  t.is(paramValueStart('/p?uid=', 'uid'), 7);
  t.is(paramValueStart('/p/uid=5', 'uid'), -1);
  t.is(paramValueStart('/p?UID=5', 'uid'), -1);
});

test('hashing uses only the servers taking traffic; the single backup gets every key', (t) => {
  const servers = farm([{ usable: false }, { backup: true }, { backup: true }]);
  const lb = createBalancer({ kind: 'url_param', param: 'u' }, MAP_SDBM, servers, { allbackups: false });
  for (let i = 0; i < 20; i++) t.is(lb.pick({ src: '127.0.0.1', uri: `/?u=${i}` })!.name, 's2');
  t.true(lb.queueOnServer);
  const all = createBalancer({ kind: 'url_param', param: 'u' }, MAP_SDBM, servers, { allbackups: true });
  const counts = countBy(Array.from({ length: 200 }, (_, i) => all.pick({ src: '127.0.0.1', uri: `/?u=${i}` })!.name));
  t.deepEqual(Object.keys(counts).sort(), ['s2', 's3']);
});

test('map-based hashing ignores exclude, as HAProxy; consistent avoids it', (t) => {
  const servers = farm([1, 1, 1]);
  const map = createBalancer({ kind: 'url_param', param: 'u' }, MAP_SDBM, servers, { allbackups: false });
  const ring = createBalancer({ kind: 'url_param', param: 'u' }, { method: 'consistent', function: 'sdbm', avalanche: true }, servers, { allbackups: false });
  for (let i = 0; i < 30; i++) {
    const input = { src: '127.0.0.1', uri: `/?u=${i}` };
    const s = map.pick(input)!;
    t.is(map.pick(input, s), s);
    const r = ring.pick(input)!;
    t.not(ring.pick(input, r), r);
  }
});

test('a full hashed server is still returned, to queue on that server', (t) => {
  const servers = farm([{ maxconn: 1 }]);
  servers[0]!.active = 1;
  const lb = createBalancer({ kind: 'url_param', param: 'u' }, MAP_SDBM, servers, { allbackups: false });
  t.is(lb.pick({ src: '127.0.0.1', uri: '/?u=1' }), servers[0]);
  t.true(lb.queueOnServer);
  t.is(lb.pick({ src: '127.0.0.1', uri: '/' }), servers[0]);
  t.false(lb.queueOnServer, 'round-robin fallback with all full: backend queue');
});
