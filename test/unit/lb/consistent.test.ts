// hash-type consistent: HAProxy's ring; moving a server moves only its keys.

import test from 'ava';
import { createBalancer } from '../../../src/lb/index.ts';
import { HashRing } from '../../../src/lb/consistent.ts';
import { CONSISTENT_SDBM_AVALANCHE, countBy, farm, headers, seededRandom } from './farm.ts';

const KEYS = Array.from({ length: 20000 }, (_, i) => ({ src: '127.0.0.1', uri: `/?sid=${(i * 2654435761) >>> 0}` }));

function urlParamBalancer(servers: ReturnType<typeof farm>) {
  return createBalancer({ kind: 'url_param', param: 'sid' }, CONSISTENT_SDBM_AVALANCHE, servers, { allbackups: false });
}

test('each server owns 16 points per unit of weight', (t) => {
  const servers = farm([1, 3, 0, 2]);
  const ring = new HashRing();
  ring.build(servers.filter((s) => s.weight > 0));
  t.is(ring.size, 6 * 16);
  t.deepEqual(countBy(ring.owners.map((s) => s.name)), { s1: 16, s2: 48, s4: 32 });
  for (let i = 1; i < ring.size; i++) t.true(ring.keys[i - 1]! <= ring.keys[i]!);
  // A slow-start weight of 1.5 is 24 points, the first 16 being weight 1's.
  const ramp = farm([1.5]);
  ring.build(ramp);
  t.is(ring.size, 24);
  const one = new HashRing();
  one.build(farm([1]));
  t.true([...one.keys].every((k) => ring.keys.includes(k)));
});

test('removing one of N servers moves only its own keys, about 1/N of them', (t) => {
  for (const n of [4, 10]) {
    const servers = farm(Array.from({ length: n }, () => 10));
    const lb = urlParamBalancer(servers);
    const before = KEYS.map((k) => lb.pick(k)!);
    const gone = servers[1]!;
    gone.usable = false;
    lb.update();
    const after = KEYS.map((k) => lb.pick(k)!);
    let moved = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      t.is(before[i], gone, 'only keys of the removed server move');
    }
    const share = moved / KEYS.length;
    t.log(`n=${n}: ${(share * 100).toFixed(1)}% of keys moved (1/n = ${(100 / n).toFixed(1)}%)`);
    t.true(share > 0.5 / n && share < 2 / n, `moved ${share}`);
    // And it comes back to exactly the same mapping.
    gone.usable = true;
    lb.update();
    t.deepEqual(KEYS.map((k) => lb.pick(k)!), before);
  }
});

test('adding a server takes keys only for itself', (t) => {
  const servers = farm([10, 10, 10, 10]);
  const lb = urlParamBalancer(servers);
  const before = KEYS.map((k) => lb.pick(k)!);
  servers.push(...farm([{ weight: 10, id: 5, name: 's5' }]));
  lb.update();
  const after = KEYS.map((k) => lb.pick(k)!);
  let moved = 0;
  for (let i = 0; i < KEYS.length; i++) {
    if (before[i] === after[i]) continue;
    moved++;
    t.is(after[i]!.name, 's5');
  }
  t.true(moved / KEYS.length > 0.1 && moved / KEYS.length < 0.3, `moved ${moved}`);
});

test('load follows weight, and a weight change is dynamic', (t) => {
  const servers = farm([10, 30]);
  const lb = urlParamBalancer(servers);
  const share = () => KEYS.filter((k) => lb.pick(k) === servers[1]).length / KEYS.length;
  t.true(Math.abs(share() - 0.75) < 0.08, `s2 share ${share()}`);
  const before = KEYS.map((k) => lb.pick(k)!);
  servers[1]!.weight = 10;
  lb.update();
  t.true(Math.abs(share() - 0.5) < 0.1, `s2 share ${share()}`);
  // Lowering s2's weight only moves keys from s2 to s1.
  KEYS.forEach((k, i) => {
    const now = lb.pick(k)!;
    if (now !== before[i]) t.is(now, servers[0]);
  });
});

test('a key stays on its server; exclude moves it to the next point', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = urlParamBalancer(servers);
  for (const k of KEYS.slice(0, 300)) {
    const s = lb.pick(k)!;
    t.is(lb.pick(k), s);
    const other = lb.pick(k, s)!;
    t.not(other, s);
  }
  const alone = farm([1]);
  const one = urlParamBalancer(alone);
  t.is(one.pick(KEYS[0]!, alone[0]), alone[0]);
});

// Recorded from HAProxy 2.6.12: `balance hdr(X-K)` with weights 1,2,3,1,5 (ids 1..5), keys k0..k59.
const HAPROXY_HDR: Array<[string, Parameters<typeof createBalancer>[1], string]> = [
  ['consistent sdbm', { method: 'consistent', function: 'sdbm', avalanche: false }, 's3,'.repeat(60).slice(0, -1)],
  ['consistent wt6 avalanche', { method: 'consistent', function: 'wt6', avalanche: true },
    's3,s5,s3,s5,s1,s3,s1,s5,s5,s1,s3,s5,s2,s4,s4,s1,s5,s4,s5,s5,s3,s3,s5,s2,s1,s2,s1,s3,s1,s1,s1,s3,s4,s1,s2,s1,s1,s5,s3,s1,s5,s1,s3,s1,s5,s5,s3,s3,s3,s5,s3,s5,s1,s5,s4,s5,s5,s5,s5,s5'],
  ['consistent crc32', { method: 'consistent', function: 'crc32', avalanche: false },
    's5,s2,s5,s5,s2,s5,s3,s5,s3,s5,s5,s3,s1,s2,s5,s4,s5,s2,s5,s5,s1,s4,s5,s5,s5,s5,s5,s1,s5,s3,s3,s1,s2,s3,s3,s5,s5,s5,s4,s5,s1,s3,s5,s5,s5,s5,s5,s3,s4,s5,s1,s1,s2,s5,s1,s2,s5,s3,s5,s5'],
];

for (const [name, hashType, expected] of HAPROXY_HDR) {
  test(`the ring places keys where HAProxy does (${name})`, (t) => {
    const lb = createBalancer({ kind: 'hdr', header: 'X-K', useDomainOnly: false }, hashType, farm([1, 2, 3, 1, 5]), { allbackups: false });
    const got = Array.from({ length: 60 }, (_, i) => lb.pick({ src: '127.0.0.1', header: headers({ 'X-K': `k${i}` }) })!.name);
    t.is(got.join(','), expected);
  });
}

test('without a key, round robin walks the ring as HAProxy does', (t) => {
  // HAProxy 2.6.12, `balance hdr(X-K)`, `hash-type consistent sdbm`, weights 1,2,3,1,5, no X-K header.
  const lb = createBalancer({ kind: 'hdr', header: 'X-K', useDomainOnly: false }, { method: 'consistent', function: 'sdbm', avalanche: false }, farm([1, 2, 3, 1, 5]), { allbackups: false });
  const got = Array.from({ length: 30 }, () => lb.pick({ src: '127.0.0.1', header: () => undefined })!.name);
  t.is(got.join(','), 's5,s3,s3,s3,s3,s3,s4,s3,s3,s5,s4,s3,s5,s5,s5,s3,s3,s5,s3,s4,s2,s5,s4,s1,s5,s5,s5,s5,s3,s1');
  t.false(lb.queueOnServer);
});

test('a lookup finds the closest point, either side of the key', (t) => {
  const servers = farm(Array.from({ length: 40 }, (_, i) => 1 + ((i * 37) % 256)));
  const ring = new HashRing();
  ring.build(servers);
  const random = seededRandom(3);
  for (let i = 0; i < 300; i++) {
    const h = Math.floor(random() * 2 ** 32);
    // Brute force: the closest point, either side, earlier one on a tie.
    let best = 0;
    let bestDist = Infinity;
    for (let p = 0; p < ring.size; p++) {
      const k = ring.keys[p]!;
      const d = Math.min((h - k) >>> 0, (k - h) >>> 0);
      if (d < bestDist) {
        bestDist = d;
        best = p;
      }
    }
    const s = ring.lookup(h, undefined)!;
    const distanceTo = (p: number) => Math.min((h - ring.keys[p]!) >>> 0, (ring.keys[p]! - h) >>> 0);
    t.true(ring.owners.some((o, p) => o === s && distanceTo(p) === bestDist), `key ${h} closest point ${best}`);
  }
});
