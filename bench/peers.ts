// Peers replication, measured between two nodes of one `peers` section over
// real TCP on 127.0.0.1, each node on its own thread (event loop): node a
// in a worker writes, node b in the main thread receives.
//
// - lag: a writes R new entries per second (ip key, server_id +
//   http_req_rate(10s), one entry per update) for S seconds; b records, for
//   every entry, the time from a's write to b's import (both threads read
//   the same clock: performance.timeOrigin + now()). Prints p50/p99/max and
//   how many arrived.
// - resync: a holds N entries (the same type) before it joins b; b's time
//   from the session's establishment to holding all N, and the bytes it
//   received (framing and handshake included).
//
// Run:
//   npm exec -- node bench/peers.ts lag 1000,10000,50000 [seconds=3]
//   npm exec -- node bench/peers.ts resync 100000,1000000
// Prints one JSON line per measurement, then a summary line each.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { loadCredentials, PeersNode, peersSettings } from '../cluster/peers/index.ts';
import { parseConfigText } from '../src/config/index.ts';
import type { EventLogger } from '../src/events/index.ts';
import { parseStore, StickTable, type EntryImage, type TableDef } from '../src/stick/index.ts';
import { freePorts } from './ports.ts';

interface Job {
  mode: 'lag' | 'resync';
  ports: { a: number; b: number };
  /** lag: updates per second and seconds; resync: entries. */
  rate: number;
  seconds: number;
  entries: number;
  /** lag: write time of entry i (absolute ms), shared with the main thread. */
  stamps?: SharedArrayBuffer;
}

const BASE = 0x0a000000;
const layout = parseStore(['server_id,http_req_rate(10s)']).layout!;

function def(size: number): TableDef {
  return { name: 't', type: 'ip', len: 0, size, expire: 600_000, nopurge: false, peers: 'bench', layout };
}

function absNow(): number {
  return performance.timeOrigin + performance.now();
}

function node(name: 'a' | 'b', job: Job, table: StickTable): PeersNode {
  const text = `peers bench\n    peer a 127.0.0.1:${job.ports.a}\n    peer b 127.0.0.1:${job.ports.b}\n`;
  const { config } = parseConfigText(text, 'bench.cfg', { env: {}, localName: name });
  const { settings } = peersSettings(config!.peers.get('bench')!);
  const { credentials } = loadCredentials(settings!);
  const tables = new Map([['t', table]]);
  return new PeersNode({
    settings: settings!,
    credentials: credentials!,
    events: pino({ level: 'warn' }, pino.destination(2)) as EventLogger,
    tables: () => tables,
  });
}

function write(t: StickTable, i: number): void {
  const e = t.getOrCreate((BASE + i) | 0)!;
  t.setServer(e, 's1');
  t.add(e, layout.byName.get('http_req_rate')!, 1);
}

// ---- node a (worker)

async function nodeA(job: Job): Promise<void> {
  const total = job.mode === 'lag' ? job.rate * job.seconds : job.entries;
  const t = new StickTable(def(Math.max(total, 1)), { clock: () => performance.now() + 1, node: 'a' });
  if (job.mode === 'resync') for (let i = 0; i < total; i++) write(t, i);
  const a = node('a', job, t);
  // b listens first: a's first call then succeeds instead of waiting out a backoff.
  parentPort!.postMessage({ filled: true });
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  await a.start();
  parentPort!.postMessage({ ready: true });
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  if (job.mode === 'lag') {
    const stamps = new Float64Array(job.stamps!);
    const start = performance.now();
    let written = 0;
    // Paced by the clock, not by timer counts: each turn writes what is due.
    while (written < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * job.rate) / 1000));
      for (; written < due; written++) {
        stamps[written] = absNow();
        write(t, written);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    parentPort!.postMessage({ written, ms: performance.now() - start });
    await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  }
  await a.stop();
  parentPort!.postMessage({ stopped: true });
}

// ---- node b (main thread)

function next(w: Worker): Promise<Record<string, number | boolean>> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (x: number): number => Math.round(x * 100) / 100;

async function run(job: Job): Promise<Record<string, unknown>> {
  const total = job.mode === 'lag' ? job.rate * job.seconds : job.entries;
  const stamps = job.mode === 'lag' ? new SharedArrayBuffer(total * 8) : undefined;
  const w = new Worker(new URL(import.meta.url), { workerData: { ...job, stamps } });
  await next(w);
  const tb = new StickTable(def(Math.max(total, 1)), { clock: () => performance.now() + 1, node: 'b' });
  const lags = new Float64Array(total);
  let received = 0;
  if (stamps !== undefined) {
    const st = new Float64Array(stamps);
    const seen = new Uint8Array(total);
    // Every entry b takes in from a: its lag, the first time it is seen.
    const importEntry = tb.importEntry.bind(tb);
    tb.importEntry = (img: EntryImage) => {
      const now = absNow();
      const i = ((img.key as number) - BASE) | 0;
      if (i >= 0 && i < total && seen[i] === 0) {
        seen[i] = 1;
        lags[received++] = now - st[i]!;
      }
      return importEntry(img);
    };
  }
  const b = node('b', job, tb);
  await b.start();
  const t0 = performance.now();
  w.postMessage('start');
  await next(w);
  const peerA = (): ReturnType<PeersNode['status']>['peers'][number] => b.status().peers.find((p) => p.name === 'a')!;
  let out: Record<string, unknown>;
  if (job.mode === 'resync') {
    await until(() => peerA().status === 'ESTA', 10_000);
    const tEst = performance.now();
    const ok = await until(() => tb.used === total, 120_000);
    const t1 = performance.now();
    const bytes = peerA().bytesIn;
    out = {
      mode: 'resync',
      entries: total,
      received: tb.used,
      complete: ok,
      ms: round(t1 - tEst),
      msFromStart: round(t1 - t0),
      bytes,
      bytesPerEntry: round(bytes / Math.max(1, tb.used)),
    };
    w.postMessage('stop');
  } else {
    await until(() => peerA().tables[0]?.state === 'live', 10_000);
    w.postMessage('go');
    const done = await next(w);
    await until(() => received === total, 5000);
    const sorted = lags.slice(0, received).sort();
    out = {
      mode: 'lag',
      rate: job.rate,
      seconds: job.seconds,
      written: done.written,
      achievedRate: Math.round((Number(done.written) * 1000) / Number(done.ms)),
      received,
      p50ms: round(pct(sorted, 50)),
      p99ms: round(pct(sorted, 99)),
      maxms: round(sorted[sorted.length - 1] ?? NaN),
      bytes: peerA().bytesIn,
    };
    w.postMessage('stop');
  }
  await next(w);
  await b.stop();
  await w.terminate();
  return out;
}

async function main(): Promise<void> {
  const [mode, list, secs] = process.argv.slice(2);
  if ((mode !== 'lag' && mode !== 'resync') || list === undefined) {
    process.stderr.write('usage: bench/peers.ts lag RATE[,RATE...] [SECONDS] | resync ENTRIES[,ENTRIES...]\n');
    process.exitCode = 2;
    return;
  }
  for (const n of list.split(',').map(Number)) {
    const [pa, pb] = await freePorts(2);
    const ports = { a: pa!, b: pb! };
    const job: Job = { mode, ports, rate: n, seconds: Number(secs ?? 3), entries: n };
    const r = await run(job);
    process.stdout.write(JSON.stringify(r) + '\n');
    if (mode === 'lag') {
      process.stdout.write(`lag @ ${n}/s: p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, max ${r.maxms} ms (${r.received}/${r.written} entries, achieved ${r.achievedRate}/s)\n`);
    } else {
      process.stdout.write(`resync ${n} entries: ${r.ms} ms after the session was established (${r.msFromStart} ms after a started), ${r.bytes} bytes (${r.bytesPerEntry} B/entry)${r.complete ? '' : ' INCOMPLETE'}\n`);
    }
  }
}

if (isMainThread) await main();
else await nodeA(workerData as Job);
