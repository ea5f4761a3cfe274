// Stick tables shared by nbthread workers: three real tables standing for
// the main thread (node "lb") and two workers ("lb#1", "lb#2"), wired as
// the pool wires them (a worker's batch goes to the main thread, which
// applies it and passes it on). Counters and rates are the sum of every
// thread's writes, wherever they are read; the server goes to the newest
// write; `clear table` reaches every thread.

import test from 'ava';
import { StickShare, threadNode, type StickBatch } from '../../../src/threads/index.ts';
import { keyFromText, type StickTable } from '../../../src/stick/index.ts';
import { table } from '../../support/peers.ts';

function threads(): { tables: StickTable[]; flush: () => void } {
  const tables = [0, 1, 2].map((i) => table(threadNode('lb', i), { store: ['server_id,http_req_cnt,http_req_rate(10s),gpc0'], peers: undefined }));
  const maps = tables.map((t) => new Map([['t', t]]));
  const queue: Array<() => void> = [];
  const shares: StickShare[] = [];
  // The main thread (0): applies nothing of its own, passes its writes to every worker.
  const passOn = (b: StickBatch, from: number): void => {
    for (let j = 1; j < 3; j++) if (j !== from) queue.push(() => shares[j].apply(b, maps[j]));
  };
  shares.push(new StickShare((b) => passOn(b, 0), () => {}));
  for (let i = 1; i < 3; i++) {
    shares.push(
      new StickShare(
        (b) =>
          queue.push(() => {
            shares[0].apply(b, maps[0]);
            passOn(b, i);
          }),
        () => {},
      ),
    );
  }
  shares.forEach((s, i) => s.attach(maps[i]));
  const flush = (): void => {
    // Bounded: each round delivers what the previous one sent.
    for (let round = 0; round < 4; round++) {
      for (const s of shares) s.flush();
      for (const run of queue.splice(0)) run();
    }
  };
  return { tables, flush };
}

const KEY = keyFromText('ip', 32, '192.0.2.7')!;

test('a counter and a rate are the sum of every thread\'s writes, read from any thread', (t) => {
  const { tables, flush } = threads();
  const counts = [2, 3, 4];
  tables.forEach((tb, i) => {
    const e = tb.getOrCreate(KEY)!;
    for (let n = 0; n < counts[i]; n++) {
      tb.add(e, tb.data('http_req_cnt')!, 1);
      tb.add(e, tb.data('http_req_rate')!, 1);
    }
  });
  flush();
  for (const tb of tables) {
    const e = tb.lookup(KEY)!;
    t.is(tb.value(e, tb.data('http_req_cnt')!), 9, tb.node);
    t.is(tb.value(e, tb.data('http_req_rate')!), 9, tb.node);
  }
});

test('without other threads a table reads its own share only (nbthread 1 unchanged)', (t) => {
  const tb = table('lb', { store: ['http_req_cnt'], peers: undefined });
  const e = tb.getOrCreate(KEY)!;
  tb.add(e, tb.data('http_req_cnt')!, 2);
  tb.importEntry({ key: KEY, ver: 0, vnode: '', srv: undefined, tags: [], shares: [{ node: 'lb#1', ver: 99, d: [5] }] });
  t.is(tb.threads, null);
  t.is(tb.value(e, tb.data('http_req_cnt')!), 2, 'another node\'s share is not this node\'s');
  t.is(tb.clusterValue(e, tb.data('http_req_cnt')!), 7);
});

test('the stored server follows the newest write; clear table empties every thread', (t) => {
  const { tables, flush } = threads();
  const e1 = tables[1].getOrCreate(KEY)!;
  tables[1].setServer(e1, 'a');
  flush();
  t.is(tables[0].lookup(KEY)?.srv, 'a');
  t.is(tables[2].lookup(KEY)?.srv, 'a');
  tables[2].setServer(tables[2].lookup(KEY)!, 'b');
  flush();
  t.deepEqual(tables.map((tb) => tb.lookup(KEY)?.srv), ['b', 'b', 'b']);
  t.is(tables[0].clearAll(), 1);
  flush();
  t.deepEqual(tables.map((tb) => tb.used), [0, 0, 0]);
  // A cleared key written again comes back everywhere.
  tables[1].setServer(tables[1].getOrCreate(KEY)!, 'a');
  flush();
  t.deepEqual(tables.map((tb) => tb.lookup(KEY)?.srv), ['a', 'a', 'a']);
});
