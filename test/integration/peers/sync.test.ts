import test from 'ava';
import { keyFromText } from '../../../src/stick/index.ts';
import { freePorts } from '../../support/ports.ts';
import { connectedPair, peersNode, peersSection, peerStatus, table, until } from '../../support/peers.ts';


const ip = (s: string): number => keyFromText('ip', 32, s) as number;

test('an entry written on one node appears on the other, both ways, and shares add up', async (t) => {
  const { a, b, ta, tb } = await connectedPair(t);
  const rate = ta.data('http_req_rate')!;
  const ea = ta.getOrCreate(ip('10.0.0.1'))!;
  for (let i = 0; i < 7; i++) ta.add(ea, rate, 1);
  ta.setServer(ea, 'app1');
  await until(() => tb.lookup(ip('10.0.0.1')) !== undefined && tb.clusterValue(tb.lookup(ip('10.0.0.1'))!, rate) === 7, 3000, 'entry on b');
  const eb = tb.lookup(ip('10.0.0.1'))!;
  t.is(eb.srv, 'app1');
  for (let i = 0; i < 5; i++) tb.add(eb, rate, 1);
  await until(() => ta.clusterValue(ea, rate) === 12, 3000, 'b share on a');
  t.is(ta.value(ea, rate), 7, "a's own share stays a's");
  t.is(tb.clusterValue(eb, rate), 12);
  // Acknowledged: nothing left to send, and the update logs were trimmed.
  await until(() => peerStatus(a, 'b').tables[0]?.lastAcked === ta.lastUpdateId, 3000, 'ack');
  t.true(ta.oldestUpdateId > 1, 'acknowledged updates were trimmed');
  const st = peerStatus(a, 'b');
  t.is(st.tables[0]!.state, 'live');
  t.true(st.bytesOut > 0 && st.bytesIn > 0);
  t.is(st.drift, false);
});

test('a node that joins late gets everything in a streamed full resync', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const ta = table('a');
  const gpc0 = ta.data('gpc0')!;
  const N = 20_000;
  for (let i = 0; i < N; i++) ta.add(ta.getOrCreate(0x0a000000 + i)!, gpc0, (i % 7) + 1);
  const a = await peersNode(t, cfg, 'a', [ta]);
  const tb = table('b');
  // A small maximum frame on b: one giant message would close the session.
  const b = await peersNode(t, cfg, 'b', [tb], { maxFrame: 64 * 1024 });
  await until(() => tb.used === N, 10_000, 'all entries on b');
  let sum = 0;
  for (const e of tb.entries()) sum += tb.clusterValue(e, tb.data('gpc0')!);
  let want = 0;
  for (let i = 0; i < N; i++) want += (i % 7) + 1;
  t.is(sum, want);
  const st = peerStatus(a, 'b');
  // One, or two when both ends called at once and the first session lost to the second.
  t.true(st.tables[0]!.resyncs >= 1 && st.tables[0]!.resyncs <= 2, `${st.tables[0]!.resyncs} full resyncs`);
  t.true(b.node.status().peers.find((p) => p.name === 'a')!.errors.HAWSER_PEERS_OVERSIZE === undefined);
  t.true(b.events.some((e) => e.event === 'peers-resync-received' && e.entries === N));
});

test('after a lost session the next one resumes from the last acknowledged update', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const ta = table('a');
  const tb = table('b');
  const gpc0 = ta.data('gpc0')!;
  const a = await peersNode(t, cfg, 'a', [ta]);
  const b = await peersNode(t, cfg, 'b', [tb]);
  for (let i = 0; i < 100; i++) ta.add(ta.getOrCreate(i + 1)!, gpc0, 1);
  await until(() => tb.used === 100 && peerStatus(a, 'b').tables[0]?.lastAcked === ta.lastUpdateId, 5000, 'first sync');
  const resyncsBefore = peerStatus(a, 'b').tables[0]!.resyncs;
  const sessionsBefore = peerStatus(a, 'b').sessions;
  t.is(a.node.disconnect('b'), 1);
  // Written while the session is down.
  for (let i = 100; i < 150; i++) ta.add(ta.getOrCreate(i + 1)!, gpc0, 1);
  await until(() => tb.used === 150, 5000, 'catch-up');
  const st = peerStatus(a, 'b');
  t.true(st.sessions > sessionsBefore);
  t.true(st.reconnects >= sessionsBefore);
  t.is(st.tables[0]!.resyncs, resyncsBefore, 'resumed, no full resync');
  t.is(st.lastError?.startsWith('HAWSER_PEERS_CONNECTION'), true);
  t.true(a.events.some((e) => e.event === 'peers-disconnected'));
  t.truthy(b);
});

test('a restarted node learns everything back, its own counters included', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const ta = table('a');
  const gpc0 = ta.data('gpc0')!;
  await peersNode(t, cfg, 'a', [ta]);
  const tb1 = table('b');
  const b1 = await peersNode(t, cfg, 'b', [tb1]);
  const e = tb1.getOrCreate(ip('192.0.2.9'))!;
  tb1.add(e, gpc0, 4);
  ta.add(ta.getOrCreate(ip('192.0.2.10'))!, gpc0, 2);
  await until(() => ta.lookup(ip('192.0.2.9')) !== undefined && tb1.lookup(ip('192.0.2.10')) !== undefined, 5000, 'sync');
  await b1.node.stop();
  // b comes back as a new process: empty table, new instance.
  const tb2 = table('b');
  await peersNode(t, cfg, 'b', [tb2]);
  await until(() => tb2.used === 2, 5000, 'relearned');
  const back = tb2.lookup(ip('192.0.2.9'))!;
  t.is(tb2.value(back, gpc0), 4, "b's own share came back from a");
  t.is(tb2.clusterValue(back, gpc0), 4, 'not counted twice');
  t.is(tb2.clusterValue(tb2.lookup(ip('192.0.2.10'))!, gpc0), 2);
});

test('three nodes: every entry reaches every node', async (t) => {
  const [pa, pb, pc] = await freePorts(3);
  const cfg = peersSection({ a: pa!, b: pb!, c: pc! });
  const tables = { a: table('a'), b: table('b'), c: table('c') };
  for (const n of ['a', 'b', 'c'] as const) await peersNode(t, cfg, n, [tables[n]]);
  const gpc0 = tables.a.data('gpc0')!;
  for (const [i, n] of (['a', 'b', 'c'] as const).entries()) tables[n].add(tables[n].getOrCreate(ip('10.9.9.9'))!, gpc0, i + 1);
  await until(() => Object.values(tables).every((tb) => tb.lookup(ip('10.9.9.9')) !== undefined && tb.clusterValue(tb.lookup(ip('10.9.9.9'))!, gpc0) === 6), 5000, 'sum 6 everywhere');
  t.pass();
});

test('simultaneous calls end with one session that both ends agree on', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const a = await peersNode(t, cfg, 'a', [table('a')], { start: false });
  const b = await peersNode(t, cfg, 'b', [table('b')], { start: false });
  await Promise.all([a.node.start(), b.node.start()]);
  await until(() => peerStatus(a, 'b').status === 'ESTA' && peerStatus(b, 'a').status === 'ESTA', 5000, 'sessions');
  // Let any duplicate be resolved, then check both ends hold the same connection.
  await new Promise((r) => setTimeout(r, 300));
  const sa = peerStatus(a, 'b');
  const sb = peerStatus(b, 'a');
  t.is(sa.status, 'ESTA');
  t.is(sb.status, 'ESTA');
  t.not(sa.direction, sb.direction, 'one end called, the other accepted');
  t.is(sa.direction, 'out', "the node whose name sorts first keeps its own call");
});

test('tables that differ are not synced, and the reason is logged and shown', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const ta = table('a');
  const tb = table('b', { store: ['gpc0'] });
  const same1 = table('a', { name: 'same' });
  const same2 = table('b', { name: 'same' });
  const a = await peersNode(t, cfg, 'a', [ta, same1]);
  await peersNode(t, cfg, 'b', [tb, same2]);
  ta.add(ta.getOrCreate(1)!, ta.data('gpc0')!, 1);
  same1.add(same1.getOrCreate(1)!, same1.data('gpc0')!, 1);
  await until(() => same2.used === 1, 5000, 'the matching table syncs');
  t.is(tb.used, 0);
  const st = peerStatus(a, 'b').tables.find((x) => x.name === 't')!;
  t.is(st.state, 'off');
  t.regex(st.mismatch!, /store 'gpc0' on the peer/);
  t.true(a.events.some((e) => e.event === 'peers-table-mismatch'));
  // Table sizes differ nowhere, but the stores do: the configuration hashes differ.
  t.true(peerStatus(a, 'b').drift);
  t.true(a.events.some((e) => e.event === 'peers-config-drift'));
});

test('a reload that replaces a table resyncs it in full', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const ta1 = table('a');
  const tb = table('b');
  const a = await peersNode(t, cfg, 'a', [ta1]);
  await peersNode(t, cfg, 'b', [tb]);
  const gpc0 = ta1.data('gpc0')!;
  ta1.add(ta1.getOrCreate(1)!, gpc0, 1);
  await until(() => tb.used === 1, 5000, 'first');
  const resyncs = peerStatus(a, 'b').tables[0]!.resyncs;
  // The engine's reload makes a new table object (say, a bigger size) and carries the entries over.
  const ta2 = table('a', { size: 200_000 });
  for (const e of ta1.entries()) ta2.importEntry(ta1.exportEntry(e, true));
  ta2.add(ta2.getOrCreate(2)!, gpc0, 1);
  a.tables.set('t', ta2);
  t.true(a.node.refreshTables());
  t.false(a.node.refreshTables(), 'nothing changed the second time');
  t.is(ta1.onWrite, undefined, 'the old table is let go');
  await until(() => tb.used === 2, 5000, 'after reload');
  await until(() => peerStatus(a, 'b').tables[0]?.resyncs === resyncs + 1 && peerStatus(a, 'b').tables[0]?.state === 'live', 5000, 'resync of the new table');
  t.true(peerStatus(a, 'b').drift, 'sizes differ now');
});

test('a stopping node hands every table to the next process on its address, and says when there is none', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const old = table('a');
  const gpc0 = old.data('gpc0')!;
  for (let i = 0; i < 300; i++) old.add(old.getOrCreate(0x0a000000 + i)!, gpc0, (i % 5) + 1);
  const a = await peersNode(t, cfg, 'a', [old]);
  // The next process of the same node binds beside it (SO_REUSEPORT), as `hawser -sf` does.
  const next = table('a');
  const a2 = await peersNode(t, cfg, 'a', [next]);
  t.is(await a.node.stop(true), 'done');
  t.is(next.used, 300);
  let sum = 0;
  for (const e of next.entries()) sum += next.value(e, gpc0);
  t.is(sum, 900, "the old process's counters are the new one's own share");
  t.true(a.events.some((e) => e.event === 'peers-handover' && e.result === 'done' && e.entries === 300));
  t.true(a2.events.some((e) => e.event === 'peers-handover-session' && e.direction === 'from-predecessor'));
  // The old process is gone: its session no longer holds back the new one's update log.
  for (let i = 0; i < 10; i++) next.add(next.getOrCreate(0x0b000000 + i)!, gpc0, 1);
  await until(() => next.oldestUpdateId > 5, 3000, 'update log trimmed');
  const started = Date.now();
  t.is(await a2.node.stop(true), 'none');
  t.true(Date.now() - started < 1000, 'no successor: the stop is not held');
});
