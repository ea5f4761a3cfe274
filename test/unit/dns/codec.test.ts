// The DNS codec against bytes from elsewhere: queries captured from c-ares
// (node:dns's Resolver) on a UDP socket, a response laid out by hand from
// RFC 1035 with compression pointers and a CNAME chain, and our responses
// read back by c-ares itself.

import test from 'ava';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import {
  addressesFor,
  decodeMessage,
  encodeQuery,
  encodeResponse,
  RCODE_NOERROR,
  RCODE_NXDOMAIN,
  TYPE_A,
  TYPE_AAAA,
  TYPE_CNAME,
} from '../../../src/dns/index.ts';

// c-ares 1.x (Node 24), `resolve4('app.example.com')` and `resolve6('Srv-1.Local')`.
const CARES_A = Buffer.from('ba070100000100000000000003617070076578616d706c6503636f6d0000010001', 'hex');
const CARES_AAAA = Buffer.from('3ca901000001000000000000057372762d31056c6f63616c00001c0001', 'hex');

test('queries captured from c-ares decode to their question', (t) => {
  const a = decodeMessage(CARES_A);
  t.is(a.id, 0xba07);
  t.false(a.response);
  t.deepEqual(a.questions, [{ name: 'app.example.com', type: TYPE_A }]);
  t.deepEqual(decodeMessage(CARES_AAAA).questions, [{ name: 'srv-1.local', type: TYPE_AAAA }]);
});

test('without a payload size our queries are byte for byte what c-ares sends (RD set, one question)', (t) => {
  t.deepEqual(encodeQuery(0xba07, 'app.example.com', TYPE_A), CARES_A);
  t.deepEqual(encodeQuery(0x3ca9, 'srv-1.local.', TYPE_AAAA), CARES_AAAA);
});

// HAProxy 2.6, resolvers with the default accepted_payload_size, asking for app.hawser.test (A).
const HAPROXY_A = Buffer.from('4b7e010000010000000000010361707006686177736572047465737400000100010000290200000000000000', 'hex');

test('with a payload size our queries are byte for byte what HAProxy 2.6 sends (EDNS0 OPT, 512)', (t) => {
  t.deepEqual(encodeQuery(0x4b7e, 'app.hawser.test', TYPE_A, 512), HAPROXY_A);
  t.deepEqual(decodeMessage(HAPROXY_A).questions, [{ name: 'app.hawser.test', type: TYPE_A }]);
});

test('accepted_payload_size is the OPT record class', (t) => {
  const q = encodeQuery(1, 'a.b', TYPE_A, 1232);
  t.is(q.readUInt16BE(10), 1, 'ARCOUNT');
  const opt = q.subarray(q.length - 11);
  t.deepEqual([...opt.subarray(0, 5)], [0, 0, 41, 1232 >> 8, 1232 & 0xff]);
});

test('names that cannot be encoded are refused', (t) => {
  t.throws(() => encodeQuery(1, 'a..b', TYPE_A));
  t.throws(() => encodeQuery(1, `${'x'.repeat(64)}.com`, TYPE_A));
  t.throws(() => encodeQuery(1, 'bad name', TYPE_A));
});

// Response to CARES_A: app.example.com CNAME web.example.com (name by pointer
// to offset 12, target "web" + pointer to "example.com" at offset 16), then
// web.example.com A 127.0.0.2 (name by pointer into the CNAME's data, 45).
const RESPONSE = Buffer.from(
  'ba07818000010002000000000361707007' +
    '6578616d706c6503636f6d0000010001' +
    'c00c000500010000012c0006037765 62c010'.replace(/ /g, '') +
    'c02d000100010000003c00047f000002',
  'hex',
);

test('a response with compression pointers and a CNAME chain', (t) => {
  const m = decodeMessage(RESPONSE);
  t.true(m.response);
  t.is(m.rcode, RCODE_NOERROR);
  t.deepEqual(m.answers, [
    { name: 'app.example.com', type: TYPE_CNAME, ttl: 300, data: 'web.example.com' },
    { name: 'web.example.com', type: TYPE_A, ttl: 60, data: '127.0.0.2' },
  ]);
  t.deepEqual(addressesFor(m, 'APP.example.com.', TYPE_A), ['127.0.0.2']);
  t.deepEqual(addressesFor(m, 'other.example.com', TYPE_A), []);
});

test('malformed bytes are errors, never hangs: truncation and a pointer loop', (t) => {
  t.throws(() => decodeMessage(RESPONSE.subarray(0, RESPONSE.length - 3)), { instanceOf: RangeError });
  const loop = Buffer.from(RESPONSE);
  // The CNAME record's owner name points at itself.
  loop.writeUInt16BE(0xc000 | 33, 33);
  t.throws(() => decodeMessage(loop), { instanceOf: RangeError });
  t.throws(() => decodeMessage(Buffer.alloc(5)), { instanceOf: RangeError });
});

test('c-ares reads our responses: A, AAAA, NXDOMAIN', async (t) => {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const q = decodeMessage(msg);
    const qn = q.questions[0]!;
    let out: Buffer;
    if (qn.name === 'gone.test') out = encodeResponse(q, RCODE_NXDOMAIN, []);
    else if (qn.type === TYPE_AAAA) out = encodeResponse(q, RCODE_NOERROR, [{ name: qn.name, type: TYPE_AAAA, ttl: 5, data: 'fd00::1:0:0:2' }]);
    else out = encodeResponse(q, RCODE_NOERROR, [{ name: qn.name, type: TYPE_A, ttl: 5, data: '10.1.2.3' }, { name: qn.name, type: TYPE_A, ttl: 5, data: '10.1.2.4' }]);
    sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  t.teardown(() => sock.close());
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([`127.0.0.1:${sock.address().port}`]);
  t.deepEqual(await r.resolve4('app.test'), ['10.1.2.3', '10.1.2.4']);
  t.deepEqual(await r.resolve6('app.test'), ['fd00::1:0:0:2']);
  await t.throwsAsync(r.resolve4('gone.test'), { code: 'ENOTFOUND' });
});

test('IPv6 text is written the way inet_ntop writes it', (t) => {
  const q = decodeMessage(encodeQuery(7, 'v6.test', TYPE_AAAA));
  for (const addr of ['::1', 'fd00::1:0:0:2', '2001:db8::', '1:2:3:4:5:6:7:8', '::']) {
    const m = decodeMessage(encodeResponse(q, RCODE_NOERROR, [{ name: 'v6.test', type: TYPE_AAAA, ttl: 1, data: addr }]));
    t.is(m.answers[0]!.data, addr);
  }
});
