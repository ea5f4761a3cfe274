// balance first: the lowest id with a free slot under maxconn.

import test from 'ava';
import { createBalancer, isFull, type LbServer } from '../../../src/lb/index.ts';
import { connect, disconnect, farm, MAP_SDBM, NO_KEY } from './farm.ts';

const first = (servers: LbServer[], allbackups = false) => createBalancer({ kind: 'first' }, MAP_SDBM, servers, { allbackups });

test('fills the lowest id up to its maxconn, then the next', (t) => {
  const servers = farm([{ maxconn: 2 }, { maxconn: 3 }, { maxconn: 1 }]);
  const lb = first(servers);
  const seq = Array.from({ length: 6 }, () => connect(lb)!.name);
  t.deepEqual(seq, ['s1', 's1', 's2', 's2', 's2', 's3']);
  disconnect(lb, servers[0]!);
  t.is(connect(lb)!.name, 's1', 'a freed slot on the first server is used first');
});

test('order is by id, not by position in the list, and weights do not matter', (t) => {
  const servers = farm([
    { id: 7, maxconn: 1, weight: 100 },
    { id: 3, maxconn: 1, weight: 1 },
    { id: 5, maxconn: 1, weight: 50 },
  ]);
  const lb = first(servers);
  t.deepEqual([connect(lb)!.id, connect(lb)!.id, connect(lb)!.id], [3, 5, 7]);
});

test('a server without maxconn takes everything', (t) => {
  const lb = first(farm([1, 1]));
  t.deepEqual(Array.from({ length: 10 }, () => connect(lb)!.name), Array(10).fill('s1'));
});

test('down or weight-0 servers are passed over', (t) => {
  const servers = farm([{ maxconn: 1 }, { maxconn: 1 }, { maxconn: 1 }]);
  const lb = first(servers);
  servers[0]!.usable = false;
  servers[1]!.weight = 0;
  lb.update();
  t.is(connect(lb)!.name, 's3');
});

test('when all are full, the first is named and the request queues on the backend', (t) => {
  const servers = farm([{ maxconn: 1 }, { maxconn: 1 }]);
  const lb = first(servers);
  connect(lb);
  connect(lb);
  const s = lb.pick(NO_KEY)!;
  t.is(s.name, 's1');
  t.true(isFull(s));
  t.false(lb.queueOnServer);
});

test('exclude moves to the next server with room, or stays when alone', (t) => {
  const servers = farm([{ maxconn: 5 }, { maxconn: 5 }]);
  const lb = first(servers);
  t.is(lb.pick(NO_KEY, servers[0])!.name, 's2');
  servers[1]!.active = 5;
  t.is(lb.pick(NO_KEY, servers[0])!.name, 's1');
});

test('backups fill in id order with allbackups, else only the first backup', (t) => {
  const a = farm([{ usable: false }, { backup: true, maxconn: 1 }, { backup: true, maxconn: 1 }]);
  const all = first(a, true);
  t.deepEqual([connect(all)!.name, connect(all)!.name], ['s2', 's3']);
  const b = farm([{ usable: false }, { backup: true, maxconn: 1 }, { backup: true, maxconn: 1 }]);
  const one = first(b);
  t.deepEqual([connect(one)!.name, connect(one)!.name], ['s2', 's2']);
  t.true(one.queueOnServer, 'the single backup queues requests itself');
});
