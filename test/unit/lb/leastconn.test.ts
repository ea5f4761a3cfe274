// balance leastconn: fewest connections per weight, ties in turn.

import test from 'ava';
import { createBalancer, isFull, type LbServer } from '../../../src/lb/index.ts';
import { connect, countBy, disconnect, farm, MAP_SDBM, NO_KEY, seededRandom } from './farm.ts';

const lc = (servers: LbServer[], allbackups = false) => createBalancer({ kind: 'leastconn' }, MAP_SDBM, servers, { allbackups });

test('the server with the fewest active connections gets the next one', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = lc(servers);
  const held = [connect(lb)!, connect(lb)!, connect(lb)!];
  t.deepEqual(held.map((s) => s.name).sort(), ['s1', 's2', 's3']);
  connect(lb);
  connect(lb);
  // Now two servers hold 2 and one holds 1: the next goes to that one.
  const loads = servers.map((s) => s.active);
  const lightest = servers[loads.indexOf(Math.min(...loads))]!;
  t.is(lb.pick(NO_KEY), lightest);
  // Releasing two connections of s1 makes it the lightest.
  while (servers[0]!.active > 0) disconnect(lb, servers[0]!);
  t.is(lb.pick(NO_KEY), servers[0]);
});

test('short connections on idle servers go round robin', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = lc(servers);
  const seq: string[] = [];
  for (let i = 0; i < 12; i++) {
    const s = connect(lb)!;
    seq.push(s.name);
    disconnect(lb, s);
  }
  t.is(seq.join(','), 's1,s2,s3,s1,s2,s3,s1,s2,s3,s1,s2,s3');
});

test('servers of equal load take turns', (t) => {
  const servers = farm([1, 1, 1, 1]);
  const lb = lc(servers);
  for (const s of servers) {
    s.active = 3;
    lb.taken(s);
  }
  const seq: string[] = [];
  for (let i = 0; i < 8; i++) {
    const s = connect(lb)!;
    seq.push(s.name);
    disconnect(lb, s);
  }
  t.deepEqual(countBy(seq), { s1: 2, s2: 2, s3: 2, s4: 2 });
});

test('weights scale the load: active/weight', (t) => {
  const servers = farm([1, 3]);
  const lb = lc(servers);
  for (let i = 0; i < 400; i++) connect(lb);
  t.deepEqual(
    servers.map((s) => s.active),
    [100, 300],
  );
  // With varying pre-existing loads, the choice follows (active + 1) / weight.
  const w = farm([2, 5, 1]);
  const lb2 = lc(w);
  w[0]!.active = 3; // (3+1)/2 = 2
  w[1]!.active = 9; // (9+1)/5 = 2, but arrived later
  w[2]!.active = 1; // (1+1)/1 = 2
  for (const s of w) lb2.taken(s);
  const first = connect(lb2)!;
  t.is(first.name, 's1');
  t.is(connect(lb2)!.name, 's2');
  t.is(connect(lb2)!.name, 's3');
});

test('random churn keeps every choice a least-loaded one', (t) => {
  const servers = farm([1, 2, 3, 4]);
  const lb = lc(servers);
  const random = seededRandom(11);
  const open: LbServer[] = [];
  for (let i = 0; i < 3000; i++) {
    if (open.length > 0 && random() < 0.45) {
      const k = Math.floor(random() * open.length);
      disconnect(lb, open[k]!);
      open.splice(k, 1);
      continue;
    }
    const key = (s: LbServer) => (s.active === 0 ? 0 : Math.floor(((s.active + 1) * 256) / s.weight));
    const min = Math.min(...servers.map(key));
    const s = connect(lb)!;
    t.is(key({ ...s, active: s.active - 1 }), min);
    open.push(s);
  }
});

test('a weight change applies at update', (t) => {
  const servers = farm([1, 1]);
  const lb = lc(servers);
  for (let i = 0; i < 10; i++) connect(lb);
  servers[1]!.weight = 4;
  lb.update();
  for (let i = 0; i < 30; i++) connect(lb);
  t.deepEqual(servers.map((s) => s.active), [8, 32]);
});

test('a slow-starting server (fractional weight) gets its share of connections', (t) => {
  const servers = farm([1, 1]);
  const lb = lc(servers);
  servers[1]!.weight = 0.25;
  lb.update();
  for (let i = 0; i < 100; i++) connect(lb);
  t.deepEqual(servers.map((s) => s.active), [80, 20]);
});

test('down servers get nothing and come back as the least loaded', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = lc(servers);
  for (let i = 0; i < 6; i++) connect(lb);
  servers[2]!.usable = false;
  servers[2]!.active = 0;
  lb.update();
  for (let i = 0; i < 4; i++) t.not(connect(lb)!.name, 's3');
  servers[2]!.usable = true;
  lb.update();
  t.is(connect(lb)!.name, 's3');
});

test('full servers are skipped while another has room', (t) => {
  const servers = farm([{ weight: 10, maxconn: 2 }, 1]);
  const lb = lc(servers);
  for (let i = 0; i < 6; i++) connect(lb);
  t.deepEqual(servers.map((s) => s.active), [2, 4]);
  disconnect(lb, servers[0]!);
  t.is(connect(lb)!.name, 's1');
  // All full: a server is still named, to queue on the backend.
  const tight = farm([{ maxconn: 1 }, { maxconn: 1 }]);
  const lb2 = lc(tight);
  connect(lb2);
  connect(lb2);
  const s = lb2.pick(NO_KEY)!;
  t.true(isFull(s));
  t.false(lb2.queueOnServer);
});

test('exclude takes the next least loaded, or the excluded one when alone with room', (t) => {
  const servers = farm([1, 1, 1]);
  const lb = lc(servers);
  const top = lb.pick(NO_KEY)!;
  const other = lb.pick(NO_KEY, top)!;
  t.not(other, top);
  servers[1]!.active = 5;
  servers[2]!.active = 7;
  lb.taken(servers[1]!);
  lb.taken(servers[2]!);
  t.is(lb.pick(NO_KEY, servers[0]), servers[1]);
  const pair = farm([1, { maxconn: 1 }]);
  const lb2 = lc(pair);
  pair[1]!.active = 1;
  lb2.taken(pair[1]!);
  t.is(lb2.pick(NO_KEY, pair[0]), pair[0]);
});

test('backups: first backup only, or all of them by load with allbackups', (t) => {
  const servers = farm([{ usable: false }, { backup: true }, { backup: true }]);
  const single = lc(servers);
  for (let i = 0; i < 4; i++) t.is(connect(single)!.name, 's2');
  const servers2 = farm([{ usable: false }, { backup: true }, { backup: true }]);
  const all = lc(servers2, true);
  for (let i = 0; i < 4; i++) connect(all);
  t.deepEqual(servers2.map((s) => s.active), [0, 2, 2]);
});
