// Two threads' twins of one configuration, bound to the same shared cells
// in this one thread (the cells are what crosses threads; Atomics behave
// the same): one pick order, one maxconn, and a slot freed by one twin
// going to the other's oldest waiter. Real engines from a real file,
// never started.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/index.ts';
import { createEventLogger } from '../../../src/events/index.ts';
import { Engine, compileRouting } from '../../../src/proxy/index.ts';
import type { AssignFailure, RuntimeBackend, RuntimeServer } from '../../../src/backend/index.ts';
import { CellAllocator, attachCells } from '../../../src/threads/index.ts';

async function engine(backend: string): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-cells-'));
  try {
    const file = join(dir, 'hawser.cfg');
    writeFileSync(file, `defaults\n    mode http\n    timeout connect 1s\n    timeout queue 5s\nbackend app\n${backend}`);
    const { config, diagnostics } = await loadConfig([file], { env: {}, localName: 'unit' });
    if (config === undefined) throw new Error(diagnostics.map((d) => d.message).join('; '));
    return new Engine(config, compileRouting(config), createEventLogger({ debug: false, quiet: true, nodeName: 'unit' }), { serveOnly: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Thread 0 and thread 1 of one configuration; wake-ups are delivered on the next turn, as over a channel. */
async function twins(backend: string): Promise<[RuntimeBackend, RuntimeBackend]> {
  const engines = [await engine(backend), await engine(backend)];
  const cells = new CellAllocator(2, 4096);
  const layout = cells.layout(engines[0]);
  engines.forEach((e, i) =>
    attachCells(e, cells.cells, layout, i, 2, {
      backend: (to, name) => setImmediate(() => engines[to].backends.get(name)!.offerSlots()),
      held: () => {},
    }),
  );
  return [engines[0].backends.get('app')!, engines[1].backends.get('app')!];
}

class Client {
  server: RuntimeServer | null = null;
  failed: AssignFailure | null = null;
  serverAssigned(s: RuntimeServer): void {
    this.server = s;
  }
  assignFailed(reason: AssignFailure): void {
    this.failed = reason;
  }
}

function pickOn(be: RuntimeBackend): string {
  const c = new Client();
  be.assign(c, { src: '127.0.0.1' });
  be.release(c.server!);
  return c.server!.name;
}

const WEIGHTED = '    balance roundrobin\n    server a 127.0.0.1:1 weight 1\n    server b 127.0.0.1:2 weight 2\n    server c 127.0.0.1:3 weight 3\n';

test('roundrobin: picks spread over two twins follow the order of one backend alone', async (t) => {
  const [alone] = await twins(WEIGHTED);
  const [x, y] = await twins(WEIGHTED);
  const one: string[] = [];
  const two: string[] = [];
  // An irregular interleaving, as the kernel spreads connections.
  const side = [0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0];
  for (const s of side) {
    one.push(pickOn(alone));
    two.push(pickOn(s === 0 ? x : y));
  }
  t.deepEqual(two, one);
  t.deepEqual(['a', 'b', 'c'].map((n) => one.filter((x) => x === n).length), [4, 8, 12]);
});

test('roundrobin: after a server goes down, the twins share one schedule without it', async (t) => {
  const [x, y] = await twins(WEIGHTED);
  for (let i = 0; i < 5; i++) pickOn(i % 2 === 0 ? x : y);
  // The main thread's check marks b down; the worker learns it a moment later.
  for (const be of [x, y]) {
    be.byName.get('b')!.checkUp = false;
    be.byName.get('b')!.refreshUsable();
    be.serversChanged();
  }
  const seq = Array.from({ length: 8 }, (_, i) => pickOn(i % 3 === 0 ? y : x));
  t.false(seq.includes('b'));
  t.deepEqual(['a', 'c'].map((n) => seq.filter((x) => x === n).length), [2, 6]);
});

test('server maxconn is one limit for both twins, and a slot freed by one goes to the other twin’s waiter', async (t) => {
  const [x, y] = await twins('    balance roundrobin\n    server a 127.0.0.1:1 maxconn 2\n');
  const c1 = new Client();
  const c2 = new Client();
  const c3 = new Client();
  x.assign(c1, { src: '' });
  y.assign(c2, { src: '' });
  const node = y.assign(c3, { src: '' });
  t.truthy(node, 'the third request waits: two slots in all');
  t.is(c3.server, null);
  t.is(x.queued, 1, 'every twin sees the queue');
  x.release(c1.server!);
  t.is(c3.server, null, 'x leaves the slot to the waiter first in line, in y');
  await new Promise((r) => setImmediate(r));
  t.is(c3.server?.name, 'a', 'y took the slot when woken');
  t.is(x.byName.get('a')!.active, 2);
  t.is(x.queued, 0);
  y.release(c2.server!);
  y.release(c3.server!);
  t.is(y.byName.get('a')!.active, 0);
});

test('maxqueue counts the waiters of both twins', async (t) => {
  const [x, y] = await twins('    balance source\n    server a 127.0.0.1:1 maxconn 1 maxqueue 1\n');
  const held = new Client();
  x.assign(held, { src: '10.0.0.1' });
  const w = new Client();
  t.truthy(x.assign(w, { src: '10.0.0.1' }));
  const refused = new Client();
  t.is(y.assign(refused, { src: '10.0.0.1' }), null);
  t.is(refused.failed, 'queuefull');
  x.release(held.server!);
  t.is(w.server?.name, 'a');
  x.release(w.server!);
});
