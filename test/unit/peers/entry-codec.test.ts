import test from 'ava';
import { BatchBuilder, encodeFrame, FrameDecoder, imageFromMessage, type FrameMsg } from '../../../cluster/peers/index.ts';
import { keyFromText, type KeyType } from '../../../src/stick/index.ts';
import { table } from '../../support/peers.ts';

function roundTrip(msg: FrameMsg): FrameMsg {
  const d = new FrameDecoder();
  d.push(Buffer.from(encodeFrame(msg)));
  return d.next() as FrameMsg;
}

const KEYS: Array<[KeyType, number, string]> = [
  ['ip', 32, '192.168.1.200'],
  ['ipv6', 32, '2001:db8::17'],
  ['integer', 32, '-42'],
  ['string', 8, 'hello'],
  ['binary', 4, 'deadbeef'],
];

for (const [type, len, text] of KEYS) {
  test(`a ${type} entry travels and lands with its data, server and shares`, (t) => {
    const a = table('a', { type, len });
    const b = table('b', { type, len });
    const key = keyFromText(type, len, text)!;
    const e = a.getOrCreate(key)!;
    a.add(e, a.data('gpc0')!, 5);
    a.add(e, a.data('http_req_rate')!, 3);
    a.setServer(e, 'app2');
    a.set(e, a.data('gpt0')!, 9);
    const batch = new BatchBuilder(type, 7, false);
    batch.add(a.exportEntry(e, false));
    const got = roundTrip({ updates: batch.finish(12) }).updates!;
    t.is(got.table, 7);
    t.is(got.updateId, 12);
    const img = imageFromMessage(type, len, b.def.layout.slots, got.names, got.entries[0]!);
    t.is(typeof img, 'object', String(img));
    const landed = b.importEntry(img as Exclude<typeof img, string>)!;
    t.is(landed.key, key);
    t.is(b.clusterValue(landed, b.data('gpc0')!), 5);
    t.is(b.clusterValue(landed, b.data('http_req_rate')!), 3);
    t.is(b.value(landed, b.data('gpc0')!), 0, "a's share is a's, not b's");
    t.is(landed.srv, 'app2');
    t.is(b.value(landed, b.data('gpt0')!), 9);
  });
}

test('an IPv4 key costs a few bytes on the wire, a name travels once per batch', (t) => {
  const a = table('node-with-a-long-name');
  const batch = new BatchBuilder('ip', 1, false);
  for (let i = 0; i < 100; i++) {
    const e = a.getOrCreate((0x0a000000 + i) | 0)!;
    a.add(e, a.data('http_req_rate')!, 1);
    a.setServer(e, 'server-with-a-long-name');
    batch.add(a.exportEntry(e, false));
  }
  const m = batch.finish(100);
  t.deepEqual(m.names, ['node-with-a-long-name', 'server-with-a-long-name']);
  const bytes = encodeFrame({ updates: m }).length;
  t.true(bytes / 100 < 120, `${bytes / 100} bytes per entry`);
});

test('entries of the wrong shape are refused without touching the table', (t) => {
  const b = table('b', { type: 'ipv6' });
  const slots = b.def.layout.slots;
  t.regex(imageFromMessage('ipv6', 32, slots, [], { bkey: Buffer.alloc(4), ver: 1, vnode: 0, srv: 0, tags: [0], shares: [] }) as string, /ipv6 key of 4 bytes/);
  t.regex(imageFromMessage('ip', 32, slots, ['a'], { ikey: 1, ver: 1, vnode: 5, srv: 0, tags: [0], shares: [] }) as string, /name index/);
  t.regex(imageFromMessage('ip', 32, slots, ['a'], { ikey: 1, ver: 1, vnode: 0, srv: 0, tags: [0], shares: [{ node: 1, ver: 1, d: [1] }] }) as string, /share of 1 slots/);
  t.regex(imageFromMessage('ip', 32, slots, ['a'], { ikey: 1, ver: 1, vnode: 0, srv: 0, tags: [0], shares: [{ node: 1, ver: 1, d: new Array<number>(slots).fill(Number.NaN) }] }) as string, /not finite/);
  t.regex(imageFromMessage('string', 4, slots, [], { skey: 'toolong', ver: 1, vnode: 0, srv: 0, tags: [0], shares: [] }) as string, /over the table's len 4/);
  t.is(b.used, 0);
});
