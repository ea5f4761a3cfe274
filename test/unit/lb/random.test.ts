// balance random(draws): power of N choices over the consistent ring.

import test from 'ava';
import { createBalancer, isFull, type LbServer } from '../../../src/lb/index.ts';
import { connect, countBy, farm, MAP_SDBM, NO_KEY, picks, seededRandom } from './farm.ts';

const rnd = (servers: LbServer[], draws: number, seed = 1, allbackups = false) =>
  createBalancer({ kind: 'random', draws }, MAP_SDBM, servers, { allbackups, random: seededRandom(seed) });

test('one draw follows the weights', (t) => {
  const servers = farm([10, 30]);
  const counts = countBy(picks(rnd(servers, 1), 20000));
  const share = counts.s2! / 20000;
  t.true(Math.abs(share - 0.75) < 0.06, `s2 share ${share}`);
});

test('of the servers drawn, the least loaded for its weight wins', (t) => {
  const servers = farm([1, 1, 1, 1]);
  servers[0]!.active = 10;
  servers[1]!.active = 10;
  servers[2]!.active = 10;
  servers[3]!.active = 0;
  const n = 4000;
  const one = countBy(picks(rnd(servers, 1, 5), n)).s4 ?? 0;
  const two = countBy(picks(rnd(servers, 2, 5), n)).s4 ?? 0;
  const eight = countBy(picks(rnd(servers, 8, 5), n)).s4 ?? 0;
  t.log(`idle server chosen: 1 draw ${one}, 2 draws ${two}, 8 draws ${eight} of ${n}`);
  // P(s4 among k draws) = 1 - (3/4)^k, the ring being only roughly fair.
  t.true(one / n < 0.4);
  t.true(two / n > 0.35 && two / n < 0.6);
  t.true(eight / n > 0.8);
});

test('two draws with live connections spread load more evenly than one', (t) => {
  const spread = (draws: number) => {
    const servers = farm(Array.from({ length: 10 }, () => 1));
    const lb = rnd(servers, draws, 9);
    for (let i = 0; i < 1000; i++) connect(lb);
    const loads = servers.map((s) => s.active);
    return Math.max(...loads) - Math.min(...loads);
  };
  const one = spread(1);
  const two = spread(2);
  t.log(`max-min load over 10 servers after 1000 connections: 1 draw ${one}, 2 draws ${two}`);
  t.true(two < one);
  t.true(two <= 10);
});

test('a weight change is dynamic', (t) => {
  const servers = farm([1, 1]);
  const lb = rnd(servers, 1, 4);
  servers[0]!.weight = 9;
  lb.update();
  const share = (countBy(picks(lb, 10000)).s1 ?? 0) / 10000;
  t.true(Math.abs(share - 0.9) < 0.06, `s1 share ${share}`);
});

test('a full winner is returned for the backend queue, and exclude is avoided', (t) => {
  const servers = farm([{ maxconn: 1 }]);
  const lb = rnd(servers, 2);
  connect(lb);
  const s = lb.pick(NO_KEY)!;
  t.true(isFull(s));
  t.false(lb.queueOnServer);
  const three = farm([1, 1, 1]);
  const lb3 = rnd(three, 2, 8);
  for (let i = 0; i < 300; i++) t.not(lb3.pick(NO_KEY, three[2]), three[2]);
});

test('backups only when no active is up; allbackups draws among them', (t) => {
  const servers = farm([{ usable: false }, { backup: true }, { backup: true }]);
  t.deepEqual(countBy(picks(rnd(servers, 2), 50)), { s2: 50 });
  const counts = countBy(picks(rnd(servers, 2, 3, true), 2000));
  t.true(counts.s2! > 600 && counts.s3! > 600, JSON.stringify(counts));
});
