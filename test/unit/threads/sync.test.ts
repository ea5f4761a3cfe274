// The pure parts of nbthread: how a worker's counters fold into the main
// thread's (totals for good, gauges only while an answer is rendered), how
// server states are copied to a worker, and how many threads a
// configuration gets. Real engines built from a real file, never started.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/index.ts';
import { createEventLogger } from '../../../src/events/index.ts';
import { Engine, compileRouting } from '../../../src/proxy/index.ts';
import { CounterReporter, addTotals, applyState, planThreads, sharedBindsOnly, stateSnapshot, sumGauges, withGauges } from '../../../src/threads/index.ts';

const CFG = `global
    nbthread 2
defaults
    mode http
    timeout client 1s
    timeout server 1s
    timeout connect 1s
frontend www
    bind 127.0.0.1:18001
    bind unix@/tmp/hawser-threads-unit.sock
    default_backend app
backend app
    server a 127.0.0.1:18011
    server b 127.0.0.1:18012
`;

async function engine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-threads-'));
  try {
    const file = join(dir, 'hawser.cfg');
    writeFileSync(file, CFG);
    const { config, diagnostics } = await loadConfig([file], { env: {}, localName: 'unit' });
    if (config === undefined) throw new Error(`config did not load: ${diagnostics.map((d) => d.message).join('; ')}`);
    return new Engine(config, compileRouting(config), createEventLogger({ debug: false, quiet: true, nodeName: 'unit' }), { serveOnly: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a worker reports what changed since its last report, and the main thread adds it for good', async (t) => {
  const main = await engine();
  const worker = await engine();
  const reporter = new CounterReporter();
  const fe = worker.frontends.get('www')!;
  const srv = worker.backends.get('app')!.byName.get('a')!;
  fe.cumRequests = 7;
  fe.bytesIn = 700;
  fe.responses[1] = 7;
  srv.cumConns = 5;
  main.frontends.get('www')!.cumRequests = 3;
  addTotals(main, reporter.report(worker).delta);
  t.is(main.frontends.get('www')!.cumRequests, 10);
  t.is(main.frontends.get('www')!.bytesIn, 700);
  t.is(main.frontends.get('www')!.responses[1], 7);
  t.is(main.backends.get('app')!.byName.get('a')!.cumConns, 5);
  // Only the difference the second time.
  fe.cumRequests = 9;
  addTotals(main, reporter.report(worker).delta);
  t.is(main.frontends.get('www')!.cumRequests, 12);
  // `clear counters` on the main thread: later reports add only what is new.
  main.frontends.get('www')!.cumRequests = 0;
  fe.cumRequests = 10;
  addTotals(main, reporter.report(worker).delta);
  t.is(main.frontends.get('www')!.cumRequests, 1);
});

test('max sessions show the highest any worker saw while an answer is rendered; current sessions are not added (they are shared)', async (t) => {
  const main = await engine();
  const worker = await engine();
  worker.frontends.get('www')!.active = 4;
  worker.frontends.get('www')!.maxActive = 6;
  const other = await engine();
  other.frontends.get('www')!.maxActive = 3;
  const mfe = main.frontends.get('www')!;
  mfe.active = 1;
  mfe.maxActive = 2;
  const gauges = sumGauges([new CounterReporter().report(worker).gauges, new CounterReporter().report(other).gauges]);
  const seen = withGauges(main, gauges, () => [mfe.active, mfe.maxActive]);
  t.deepEqual(seen, [1, 6]);
  t.is(mfe.maxActive, 2);
  t.throws(() => withGauges(main, gauges, () => {
    throw new Error('render failed');
  }));
  t.is(mfe.maxActive, 2, 'put back even when rendering throws');
});

test('server states follow the main thread: admin, weight, health; the balancer sees it', async (t) => {
  const main = await engine();
  const worker = await engine();
  const a = main.backends.get('app')!.byName.get('a')!;
  a.admin = 'maint';
  a.refreshUsable();
  main.backends.get('app')!.byName.get('b')!.weight = 7;
  main.frontends.get('www')!.maxconn = 42;
  t.is(worker.backends.get('app')!.usableCount, 2);
  t.is(applyState(worker, stateSnapshot(main)), 1);
  const wb = worker.backends.get('app')!;
  t.is(wb.usableCount, 1);
  t.is(wb.byName.get('a')!.status, 'MAINT');
  t.is(wb.byName.get('b')!.weight, 7);
  t.is(worker.frontends.get('www')!.maxconn, 42);
  t.is(applyState(worker, stateSnapshot(main)), 0, 'nothing to do the second time');
});

test('workers open only the TCP binds SO_REUSEPORT can share', async (t) => {
  const e = await engine();
  const cfg = sharedBindsOnly(structuredClone(e.config));
  t.deepEqual(cfg.frontends.get('www')!.binds.map((b) => (b.address.kind === 'inet' ? b.address.port : b.address.kind)), [18001]);
  t.is(e.config.frontends.get('www')!.binds.length, 2, 'the main thread keeps them all');
});

test('nbthread: tables replicated by peers keep one thread; otherwise as asked', (t) => {
  t.deepEqual(planThreads(undefined, 0), { threads: 1, warning: null });
  t.deepEqual(planThreads(4, 0), { threads: 4, warning: null });
  // Without nbthread: the cores; a default is not a request, so peers' tables reduce it silently.
  t.deepEqual(planThreads(undefined, 0, 2), { threads: 2, warning: null });
  t.deepEqual(planThreads(undefined, 1, 2), { threads: 1, warning: null });
  t.deepEqual(planThreads(3, 0, 2), { threads: 3, warning: null });
  const p = planThreads(2, 1);
  t.is(p.threads, 1);
  t.regex(p.warning ?? '', /replicated by peers/);
});
