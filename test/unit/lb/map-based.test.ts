// hash-type map-based and balance static-rr: HAProxy's weighted map.

import test from 'ava';
import { createBalancer, type LbServer } from '../../../src/lb/index.ts';
import { buildServerMap, weightDivisor } from '../../../src/lb/map-based.ts';
import { connect, countBy, farm, headers, MAP_SDBM, NO_KEY, picks, seededRandom } from './farm.ts';

/** HAProxy's recalc_server_map, written out as its straightforward O(total·n) loop: the reference. */
function referenceMap(members: readonly LbServer[], weights: readonly number[]): LbServer[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const score = weights.map(() => 0);
  const out: LbServer[] = [];
  for (let o = 0; o < total; o++) {
    let best = -1;
    let max = 0;
    for (let i = 0; i < members.length; i++) {
      if (total === 1) {
        best = i;
        break;
      }
      score[i]! += weights[i]!;
      const v = Math.floor((score[i]! + total) / total);
      if (best < 0 || v > max) {
        max = v;
        best = i;
      }
    }
    out.push(members[best]!);
    score[best]! -= total;
  }
  return out;
}

test('the map is slot for slot the one HAProxy builds', (t) => {
  const random = seededRandom(7);
  const cases: number[][] = [[1], [1, 1], [5, 1, 1], [1, 2, 3, 1, 5], [256, 1], [3, 3, 3, 3], [1, 256, 17, 99, 4, 4, 200]];
  for (let i = 0; i < 200; i++) {
    const n = 1 + Math.floor(random() * 12);
    cases.push(Array.from({ length: n }, () => 1 + Math.floor(random() * (i % 2 ? 8 : 256))));
  }
  for (const weights of cases) {
    const members = farm(weights);
    const got = buildServerMap(members, weights).map((s) => s.name).join(',');
    const want = referenceMap(members, weights).map((s) => s.name).join(',');
    t.is(got, want, `weights ${weights}`);
  }
});

test('weights are divided by their greatest common divisor, as HAProxy sizes its map', (t) => {
  t.is(weightDivisor([10, 20, 30]), 10);
  t.is(weightDivisor([10, 0, 25]), 5);
  t.is(weightDivisor([7]), 7);
  t.is(weightDivisor([0, 0]), 1);
  t.is(weightDivisor([3, 4]), 1);
});

// Sequences served by HAProxy 2.6.12 (nbthread 1, fresh process, one request at a time).
test('static-rr serves the same sequence as HAProxy', (t) => {
  const a = createBalancer({ kind: 'static-rr' }, MAP_SDBM, farm([5, 1, 1]), { allbackups: false });
  t.is(picks(a, 21).join(','), 's1,s1,s1,s2,s1,s1,s3,s1,s1,s1,s2,s1,s1,s3,s1,s1,s1,s2,s1,s1,s3');
  const b = createBalancer({ kind: 'static-rr' }, MAP_SDBM, farm([10, 20, 30, 7]), { allbackups: false });
  t.is(
    picks(b, 40).join(','),
    's1,s2,s3,s2,s3,s3,s1,s2,s3,s4,s2,s3,s3,s1,s2,s3,s2,s3,s3,s4,s1,s2,s3,s2,s3,s3,s1,s2,s4,s3,s2,s3,s3,s1,s2,s3,s2,s3,s4,s3',
  );
});

test('static-rr ignores weight changes but honours 0 (out) and the way back', (t) => {
  const servers = farm([1, 1]);
  const lb = createBalancer({ kind: 'static-rr' }, MAP_SDBM, servers, { allbackups: false });
  servers[0]!.weight = 50;
  lb.update();
  t.deepEqual(countBy(picks(lb, 10)), { s1: 5, s2: 5 });
  servers[0]!.weight = 0;
  lb.update();
  t.deepEqual(countBy(picks(lb, 10)), { s2: 10 });
  servers[0]!.weight = 1;
  lb.update();
  t.deepEqual(countBy(picks(lb, 10)), { s1: 5, s2: 5 });
});

test('static-rr: a server coming back up is in the rotation at once', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = createBalancer({ kind: 'static-rr' }, MAP_SDBM, servers, { allbackups: false });
  servers[2]!.usable = false;
  lb.update();
  t.deepEqual(countBy(picks(lb, 4)), { s1: 2, s2: 2 });
  servers[2]!.usable = true;
  lb.update();
  t.deepEqual(countBy(picks(lb, 3)), { s1: 1, s2: 1, s3: 1 });
});

test('static-rr skips full servers and avoids the excluded one', (t) => {
  const servers = farm([{ maxconn: 1 }, 1, 1]);
  const lb = createBalancer({ kind: 'static-rr' }, MAP_SDBM, servers, { allbackups: false });
  t.is(connect(lb)!.name, 's1');
  t.false(picks(lb, 10).includes('s1'));
  for (let i = 0; i < 10; i++) t.not(lb.pick(NO_KEY, servers[1])!.name, 's2');
});

test('a key goes to slot hash % total weight, the same on every pick', (t) => {
  const servers = farm([1, 2, 3, 1, 5]);
  const lb = createBalancer({ kind: 'hdr', header: 'X-K', useDomainOnly: false }, MAP_SDBM, servers, { allbackups: false });
  const table = buildServerMap(servers, [1, 2, 3, 1, 5]);
  for (let i = 0; i < 200; i++) {
    const key = `user-${i}`;
    const input = { src: '127.0.0.1', header: headers({ 'X-K': key }) };
    const first = lb.pick(input)!;
    // sdbm by hand, to tie the slot to the documented formula.
    let h = 0;
    for (const c of key) h = (c.charCodeAt(0) + (h << 6) + (h << 16) - h) >>> 0;
    t.is(first, table[h % 12]);
    t.is(lb.pick(input), first);
  }
});

test('map-based redistributes most keys when the farm changes (unlike consistent)', (t) => {
  const servers = farm([1, 1, 1, 1, 1]);
  const lb = createBalancer({ kind: 'url_param', param: 'id' }, MAP_SDBM, servers, { allbackups: false });
  const keys = Array.from({ length: 5000 }, (_, i) => ({ src: '127.0.0.1', uri: `/?id=${i * 7919}` }));
  const before = keys.map((k) => lb.pick(k)!);
  servers[4]!.usable = false;
  lb.update();
  const after = keys.map((k) => lb.pick(k)!);
  let moved = 0;
  let movedFromSurvivors = 0;
  for (let i = 0; i < keys.length; i++) {
    if (before[i] !== after[i]) {
      moved++;
      if (before[i] !== servers[4]) movedFromSurvivors++;
    }
  }
  t.true(moved / keys.length > 0.5, `moved ${moved}`);
  t.true(movedFromSurvivors > 1000, `keys moved between surviving servers: ${movedFromSurvivors}`);
  t.false(after.includes(servers[4]!));
});
