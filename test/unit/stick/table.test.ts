import test from 'ava';
import { Sample } from '../../../src/acl/sample.ts';
import { keyFromSample, keyFromText, keyText, parseStore, StickTable, VersionClock, type TableDef } from '../../../src/stick/index.ts';

function def(over: Partial<TableDef> & { store?: string[] } = {}): TableDef {
  const p = parseStore(over.store ?? ['server_id,http_req_rate(10s),gpc0,conn_cur,gpt0']);
  if (p.layout === undefined) throw new Error(p.error);
  return { name: 't', type: 'ip', len: 32, size: 100, expire: 30_000, nopurge: false, peers: undefined, layout: p.layout, ...over };
}

function clock(start = 1000): { now: () => number; t: number } {
  const c = { t: start, now: () => c.t };
  return c;
}

test('parseStore lays data out in HAProxy order and rejects bad types', (t) => {
  const p = parseStore(['http_req_rate(10s)', 'gpc(3),server_id', 'gpc_rate(2,1m)']);
  t.is(p.error, undefined);
  t.deepEqual(p.layout!.stored.map((d) => d.name), ['server_id', 'http_req_rate', 'gpc', 'gpc_rate']);
  t.is(p.layout!.byName.get('http_req_rate')!.period, 10_000);
  t.is(p.layout!.slots, 3 + 3 + 6);
  t.regex(parseStore(['http_req_rat(10s)']).error!, /unknown data type 'http_req_rat'/);
  t.regex(parseStore(['http_req_rate']).error!, /expects http_req_rate\(period\)/);
  t.regex(parseStore(['gpc0,gpc0']).error!, /stored twice/);
  t.regex(parseStore(['gpc(101)']).error!, /between 1 and 100/);
});

test('keys normalize per table type', (t) => {
  const s = new Sample();
  s.setStr('10.0.0.1');
  const k = keyFromSample('ip', 32, s);
  t.is(typeof k, 'number');
  t.is(keyText('ip', k!), '10.0.0.1');
  s.setIPv4(0xc0000201);
  t.is(keyText('ip', keyFromSample('ip', 32, s)!), '192.0.2.1');
  t.is(keyText('ipv6', keyFromText('ipv6', 0, '2001:db8::1')!), '2001:db8::1');
  t.is(keyText('ipv6', keyFromSample('ipv6', 0, s)!), '::ffff:192.0.2.1');
  t.is(keyFromText('string', 4, 'abcdef'), 'abcd');
  t.is(keyFromText('integer', 0, 'x12'), undefined);
  t.is(keyFromText('ip', 0, 'nope'), undefined);
  t.is(keyFromText('binary', 2, '0a'), '0a00');
});

test('rates follow HAProxy freq_ctr: previous period weighted by what is left', (t) => {
  const c = clock();
  const tb = new StickTable(def(), { clock: c.now, node: 'a' });
  const rate = tb.data('http_req_rate')!;
  const e = tb.getOrCreate(keyFromText('ip', 0, '10.0.0.1')!)!;
  for (let i = 0; i < 10; i++) tb.add(e, rate, 1);
  t.is(tb.value(e, rate), 10);
  c.t += 10_000; // the next period starts: all of the previous one still counts
  t.is(tb.value(e, rate), 10);
  c.t += 5_000; // half of it is left
  t.is(tb.value(e, rate), 5);
  tb.add(e, rate, 2);
  t.is(tb.value(e, rate), 7);
  c.t += 25_000; // two periods and more: nothing left
  t.is(tb.value(e, rate), 0);
});

test('entries expire from the front and a full table evicts the oldest', (t) => {
  const c = clock();
  const tb = new StickTable(def({ size: 3 }), { clock: c.now, node: 'a' });
  const gpc0 = tb.data('gpc0')!;
  const k = (s: string): number => keyFromText('ip', 0, s) as number;
  const a = tb.getOrCreate(k('10.0.0.1'))!;
  tb.getOrCreate(k('10.0.0.2'));
  tb.getOrCreate(k('10.0.0.3'));
  tb.add(a, gpc0, 1); // a written last: now the youngest
  tb.getOrCreate(k('10.0.0.4'));
  t.is(tb.used, 3);
  t.is(tb.lookup(k('10.0.0.2')), undefined, 'the least recently written went first');
  t.truthy(tb.lookup(k('10.0.0.1')));
  t.is(tb.evicted, 1);
  tb.hold(a);
  c.t += 31_000;
  t.is(tb.purgeExpired(100), 2, 'the held entry stays');
  t.truthy(tb.lookup(k('10.0.0.1')));
  tb.release(a);
  c.t += 31_000;
  t.is(tb.lookup(k('10.0.0.1')), undefined);
});

test('nopurge refuses new entries when full', (t) => {
  const tb = new StickTable(def({ size: 1, nopurge: true }), { clock: clock().now, node: 'a' });
  t.truthy(tb.getOrCreate(1));
  t.is(tb.getOrCreate(2), undefined);
  t.is(tb.refused, 1);
});

test('the update log yields each entry once per write and asks for a resync when trimmed', (t) => {
  const c = clock();
  const tb = new StickTable(def(), { clock: c.now, node: 'a' });
  tb.keepUpdates(true);
  const gpc0 = tb.data('gpc0')!;
  const e1 = tb.getOrCreate(1)!;
  const e2 = tb.getOrCreate(2)!;
  tb.add(e1, gpc0, 1);
  tb.add(e2, gpc0, 1);
  tb.add(e1, gpc0, 1);
  const seen: number[] = [];
  const cursor = tb.updatesSince(0, 100, (e) => seen.push(e.key as number));
  t.deepEqual(seen, [2, 1], 'the first write of e1 was superseded');
  t.is(cursor, tb.lastUpdateId);
  tb.trimUpdates(cursor);
  t.is(tb.updatesSince(0, 100, () => {}), -1);
  t.is(tb.updatesSince(cursor, 100, () => t.fail()), cursor);
});

test('shares add up across nodes, tags and servers take the newest write', (t) => {
  let wall = 1_000_000;
  const ca = clock(5000);
  const cb = clock(9_000_000); // another monotonic origin: rates travel as ages
  const a = new StickTable(def(), { clock: ca.now, node: 'a', versions: new VersionClock(() => wall) });
  const b = new StickTable(def(), { clock: cb.now, node: 'b', versions: new VersionClock(() => wall - 5000) });
  const rate = a.data('http_req_rate')!;
  const ea = a.getOrCreate(7)!;
  const eb = b.getOrCreate(7)!;
  for (let i = 0; i < 30; i++) a.add(ea, rate, 1);
  for (let i = 0; i < 20; i++) b.add(eb, rate, 1);
  a.setServer(ea, 's1');
  wall += 1;
  b.setServer(eb, 's2'); // b's wall clock lags, but it wrote after seeing nothing: version order decides
  b.importEntry(a.exportEntry(ea, false));
  a.importEntry(b.exportEntry(eb, false));
  t.is(a.value(ea, rate), 30);
  t.is(a.clusterValue(ea, rate), 50);
  t.is(b.clusterValue(eb, rate), 50);
  t.is(ea.srv, eb.srv, 'both nodes agree on the server');
  b.setServer(eb, 's3'); // b has now seen a's version: its next write is newer
  a.importEntry(b.exportEntry(eb, false));
  t.is(ea.srv, 's3');
  ca.t += 15_000;
  cb.t += 15_000;
  t.is(a.clusterValue(ea, rate), 25, 'half a period later both shares are halved');
});

test('a restarted node learns its own share back from a peer', (t) => {
  const c = clock();
  const a = new StickTable(def(), { clock: c.now, node: 'a' });
  const b = new StickTable(def(), { clock: c.now, node: 'b' });
  const gpc0 = a.data('gpc0')!;
  const ea = a.getOrCreate(9)!;
  a.add(ea, gpc0, 4);
  b.importEntry(a.exportEntry(ea, false));
  const a2 = new StickTable(def(), { clock: c.now, node: 'a' });
  const img = b.exportEntry(b.lookup(9)!, true);
  const back = a2.importEntry(img)!;
  t.is(a2.value(back, gpc0), 4);
  t.is(a2.clusterValue(back, gpc0), 4, 'not counted twice');
  a2.add(back, gpc0, 1);
  a2.importEntry(img); // an older copy of its own share no longer applies
  t.is(a2.value(back, gpc0), 5);
});
