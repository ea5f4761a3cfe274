// balance roundrobin: weighted, smooth, dynamic; backups and maxconn as HAProxy.

import test from 'ava';
import { createBalancer, isFull } from '../../../src/lb/index.ts';
import { RoundRobin } from '../../../src/lb/roundrobin.ts';
import { connect, countBy, disconnect, farm, MAP_SDBM, NO_KEY, picks } from './farm.ts';

const rr = (servers: ReturnType<typeof farm>, allbackups = false) =>
  createBalancer({ kind: 'roundrobin' }, MAP_SDBM, servers, { allbackups });

function weightsOf(servers: ReturnType<typeof farm>): Record<string, number> {
  return Object.fromEntries(servers.filter((s) => s.weight > 0 && s.usable).map((s) => [s.name, s.weight]));
}

test('every full cycle serves each server exactly its weight', (t) => {
  for (const weights of [[1, 1, 1], [1, 2], [5, 1, 1], [3, 7, 2, 9], [256, 1, 128, 64], [10, 20, 30], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 100]]) {
    const servers = farm(weights);
    const lb = rr(servers);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let cycle = 0; cycle < 5; cycle++) {
      t.deepEqual(countBy(picks(lb, total)), weightsOf(servers), `weights ${weights} cycle ${cycle}`);
    }
  }
});

test('equal weights rotate strictly: never the same server twice in a row', (t) => {
  for (const n of [2, 3, 8]) {
    for (const w of [1, 4, 256]) {
      const lb = rr(farm(Array.from({ length: n }, () => w)));
      const seq = picks(lb, 50 * n);
      for (let i = 1; i < seq.length; i++) t.not(seq[i], seq[i - 1], `n=${n} w=${w} at ${i}`);
      // Each window of n picks holds every server.
      for (let i = 0; i + n <= seq.length; i += n) t.is(new Set(seq.slice(i, i + n)).size, n);
    }
  }
});

test('unequal weights interleave: a light server is not bunched with its equals', (t) => {
  t.is(picks(rr(farm([5, 1, 1])), 14).join(','), 's1,s2,s1,s1,s1,s3,s1,s1,s2,s1,s1,s1,s3,s1');
  t.is(picks(rr(farm([2, 1, 1])), 8).join(','), 's1,s2,s1,s3,s1,s2,s1,s3');
  t.is(picks(rr(farm([1, 2])), 6).join(','), 's2,s1,s2,s2,s1,s2');
  // The heaviest server's longest run stays short (perfect spreading would be 3 for 5:1:1).
  const seq = picks(rr(farm([5, 1, 1])), 70);
  let run = 1;
  let longest = 1;
  for (let i = 1; i < seq.length; i++) {
    run = seq[i] === seq[i - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  t.true(longest <= 3, `longest run ${longest}`);
});

test('a weight change takes effect without restart', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = rr(servers);
  picks(lb, 7);
  servers[0]!.weight = 8;
  lb.update();
  // From now on a cycle is 10 picks: 8 for s1.
  picks(lb, 10); // one transition cycle
  for (let cycle = 0; cycle < 3; cycle++) t.deepEqual(countBy(picks(lb, 10)), { s1: 8, s2: 1, s3: 1 });
  // And back down.
  servers[0]!.weight = 1;
  lb.update();
  picks(lb, 3);
  for (let cycle = 0; cycle < 3; cycle++) t.deepEqual(countBy(picks(lb, 3)), { s1: 1, s2: 1, s3: 1 });
});

test('a weight raised mid-cycle is served sooner, not only next cycle', (t) => {
  const servers = farm([1, 1, 1, 1]);
  const lb = rr(servers);
  t.is(lb.pick(NO_KEY)!.name, 's1');
  servers[0]!.weight = 100;
  lb.update();
  const next = picks(lb, 4);
  t.true(next.filter((n) => n === 's1').length >= 3, next.join(','));
});

test('a server going down gets nothing, and is back at once when up, without a burst', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = rr(servers);
  picks(lb, 2);
  servers[1]!.usable = false;
  lb.update();
  const down = picks(lb, 30);
  t.false(down.includes('s2'));
  t.deepEqual(countBy(down), { s1: 15, s3: 15 });
  servers[1]!.usable = true;
  lb.update();
  const up = picks(lb, 30);
  t.true(up.slice(0, 3).includes('s2'), up.join(','));
  const counts = countBy(up);
  for (const n of ['s1', 's2', 's3']) t.true(counts[n]! >= 9 && counts[n]! <= 11, JSON.stringify(counts));
  for (let i = 1; i < up.length; i++) t.not(up[i], up[i - 1]);
});

test('fractional (slow-start) weights count in sixteenths, as HAProxy effective weights', (t) => {
  const servers = farm([1, 1]);
  const lb = rr(servers);
  servers[1]!.weight = 0.25; // 4/16
  lb.update();
  picks(lb, 20);
  for (let cycle = 0; cycle < 3; cycle++) t.deepEqual(countBy(picks(lb, 20)), { s1: 16, s2: 4 });
  servers[1]!.weight = 0.02; // rounds to 0/16: out, as an effective weight of 0
  lb.update();
  t.deepEqual(countBy(picks(lb, 10)), { s1: 10 });
});

test('weight 0 takes a server out; all weights 0 is no server', (t) => {
  const servers = farm([1, 1]);
  const lb = rr(servers);
  servers[0]!.weight = 0;
  lb.update();
  t.deepEqual(countBy(picks(lb, 5)), { s2: 5 });
  servers[1]!.weight = 0;
  lb.update();
  t.is(lb.pick(NO_KEY), undefined);
});

test('backups: only the first usable backup serves when no active is up', (t) => {
  const servers = farm([1, 1, { weight: 3, backup: true }, { weight: 1, backup: true }]);
  const lb = rr(servers);
  t.false(picks(lb, 20).some((n) => n === 's3' || n === 's4'));
  servers[0]!.usable = false;
  servers[1]!.usable = false;
  lb.update();
  t.deepEqual(countBy(picks(lb, 10)), { s3: 10 });
  t.true(lb.queueOnServer);
  servers[2]!.usable = false;
  lb.update();
  t.deepEqual(countBy(picks(lb, 10)), { s4: 10 });
  servers[2]!.usable = true;
  lb.update();
  t.deepEqual(countBy(picks(lb, 10)), { s3: 10 }, 'the first backup is back in charge');
  servers[1]!.usable = true;
  lb.update();
  t.deepEqual(countBy(picks(lb, 10)), { s2: 10 }, 'an active server takes over again');
  t.false(lb.queueOnServer);
});

test('allbackups: all usable backups share the load by weight', (t) => {
  const servers = farm([{ weight: 1, usable: false }, { weight: 3, backup: true }, { weight: 1, backup: true }]);
  const lb = rr(servers, true);
  for (let cycle = 0; cycle < 3; cycle++) t.deepEqual(countBy(picks(lb, 4)), { s2: 3, s3: 1 });
});

test('active servers at weight 0 hand over to the backups', (t) => {
  const servers = farm([0, 0, { weight: 1, backup: true }]);
  t.deepEqual(countBy(picks(rr(servers), 3)), { s3: 3 });
});

test('full servers are skipped while another has room, and lose their turn', (t) => {
  const servers = farm([{ weight: 1, maxconn: 2 }, 1, 1]);
  const lb = rr(servers);
  const held = [connect(lb)!, connect(lb)!, connect(lb)!, connect(lb)!];
  t.deepEqual(held.map((s) => s.name), ['s1', 's2', 's3', 's1']);
  t.true(isFull(servers[0]!));
  const seq = picks(lb, 10);
  t.false(seq.includes('s1'));
  t.deepEqual(countBy(seq), { s2: 5, s3: 5 });
  disconnect(lb, held[0]!);
  t.true(picks(lb, 3).includes('s1'));
});

test('when every server is full, pick still names one and says to queue on the backend', (t) => {
  const servers = farm([{ maxconn: 1 }, { maxconn: 1 }]);
  const lb = rr(servers);
  connect(lb);
  connect(lb);
  const s = lb.pick(NO_KEY);
  t.truthy(s);
  t.true(isFull(s!));
  t.false(lb.queueOnServer);
});

test('exclude avoids the server that just failed unless it is the only one', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = rr(servers);
  for (let i = 0; i < 30; i++) t.not(lb.pick(NO_KEY, servers[0])!.name, 's1');
  const alone = farm([1]);
  const one = rr(alone);
  t.is(one.pick(NO_KEY, alone[0]), alone[0]);
  const withFull = farm([1, { maxconn: 1 }]);
  const lb2 = rr(withFull);
  withFull[1]!.active = 1;
  t.is(lb2.pick(NO_KEY, withFull[0]), withFull[0], 'the excluded server rather than a full one');
});

test('servers appended to the farm join at the next update', (t) => {
  const servers = farm([1, 1]);
  const lb = rr(servers);
  picks(lb, 3);
  servers.push(...farm([{ name: 's3', id: 3 }]));
  lb.update();
  t.deepEqual(countBy(picks(lb, 30)), { s1: 10, s2: 10, s3: 10 });
});

test('stays exact and smooth across position renormalisation', (t) => {
  const servers = farm([3, 7, 2]);
  // Positions advance about one per pick: renormalise every ~1000 picks.
  const lb = new RoundRobin(servers, false, 1000);
  const reference = rr(farm([3, 7, 2]));
  for (let cycle = 0; cycle < 2000; cycle++) {
    const got = picks(lb, 12);
    t.deepEqual(countBy(got), { s1: 3, s2: 7, s3: 2 });
    if (cycle < 50) t.deepEqual(got, picks(reference, 12), `cycle ${cycle}`);
  }
});

test('renormalisation also carries servers skipped as full', (t) => {
  const servers = farm([{ weight: 3, maxconn: 1 }, 7, 2]);
  const lb = new RoundRobin(servers, false, 1000);
  servers[0]!.active = 1;
  const busy = countBy(picks(lb, 5000));
  t.false('s1' in busy);
  t.true(busy.s2! / busy.s3! > 3 && busy.s2! / busy.s3! < 4, JSON.stringify(busy));
  servers[0]!.active = 0;
  picks(lb, 12);
  t.deepEqual(countBy(picks(lb, 24)), { s1: 6, s2: 14, s3: 4 });
});
