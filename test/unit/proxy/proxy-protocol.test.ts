// The PROXY protocol codec against the specification's own examples and
// hand-built headers: v1 lines, v2 blocks with TLVs, LOCAL/UNKNOWN,
// partial input, and the malformed headers that must be refused.

import test from 'ava';
import { encodeProxyV1, encodeProxyV2, parseProxyHeader } from '../../../src/proxy/index.ts';

const SIG = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

test('v1: TCP4, TCP6 and UNKNOWN lines, with what follows left alone', (t) => {
  const r = parseProxyHeader(Buffer.from('PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n'));
  t.is(r.kind, 'ok');
  if (r.kind !== 'ok') return;
  t.is(r.length, 47);
  t.like(r.header, { version: 1, local: false, family: 'tcp4', src: '192.168.0.1', srcPort: 56324, dst: '192.168.0.11', dstPort: 443 });
  const v6 = parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n'));
  t.like(v6.kind === 'ok' ? v6.header : {}, { family: 'tcp6', src: '2001:db8::1', dstPort: 65535 });
  const u = parseProxyHeader(Buffer.from('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'));
  t.like(u.kind === 'ok' ? u.header : {}, { local: true, family: 'unspec' });
});

test('v1: partial input asks for more; malformed lines are refused', (t) => {
  t.is(parseProxyHeader(Buffer.from('PROXY TCP4 1.2.3')).kind, 'more');
  t.is(parseProxyHeader(Buffer.from('PRO')).kind, 'more');
  for (const bad of [
    'GET / HTTP/1.1\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n',
    'PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n',
    'PROXY TCP4 ::1 5.6.7.8 1 2\r\n',
    'PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n',
    'PROXY TCP4 ' + 'x'.repeat(120),
  ]) {
    t.is(parseProxyHeader(Buffer.from(bad)).kind, 'error', JSON.stringify(bad));
  }
});

test('v2: PROXY over TCP4 and TCP6, TLVs, LOCAL; the bytes as the specification lays them out', (t) => {
  const v4 = Buffer.concat([SIG, Buffer.from([0x21, 0x11, 0x00, 12 + 7, 10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x01, 0xbb, 0x02, 0x00, 0x04]), Buffer.from('host'), Buffer.from('rest')]);
  const r = parseProxyHeader(v4);
  t.is(r.kind, 'ok');
  if (r.kind !== 'ok') return;
  t.is(r.length, 16 + 19);
  t.like(r.header, { version: 2, local: false, family: 'tcp4', src: '10.0.0.1', srcPort: 12345, dst: '10.0.0.2', dstPort: 443 });
  t.deepEqual(r.header.tlvs, [{ type: 2, value: Buffer.from('host') }]);
  const local = parseProxyHeader(Buffer.concat([SIG, Buffer.from([0x20, 0x00, 0x00, 0x00])]));
  t.like(local.kind === 'ok' ? local.header : {}, { local: true });
  t.is(parseProxyHeader(v4.subarray(0, 20)).kind, 'more');
  // Version 3, a TLV longer than its block, an address block too short: refused.
  t.is(parseProxyHeader(Buffer.concat([SIG, Buffer.from([0x31, 0x11, 0x00, 12]), Buffer.alloc(12)])).kind, 'error');
  t.is(parseProxyHeader(Buffer.concat([SIG, Buffer.from([0x21, 0x11, 0x00, 15]), Buffer.alloc(12), Buffer.from([1, 0, 9])])).kind, 'error');
  t.is(parseProxyHeader(Buffer.concat([SIG, Buffer.from([0x21, 0x11, 0x00, 8]), Buffer.alloc(8)])).kind, 'error');
});

test('what we send reads back the same, and is byte for byte what the specification shows', (t) => {
  const a = { src: '192.168.0.1', srcPort: 56324, dst: '192.168.0.11', dstPort: 443 };
  t.is(encodeProxyV1(a).toString(), 'PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n');
  t.is(encodeProxyV1(null).toString(), 'PROXY UNKNOWN\r\n');
  t.is(encodeProxyV1({ src: 'unix', srcPort: 0, dst: 'unix', dstPort: 0 }).toString(), 'PROXY UNKNOWN\r\n');
  t.is(encodeProxyV2(a).toString('hex'), SIG.toString('hex') + '2111000c' + 'c0a80001' + 'c0a8000b' + 'dc04' + '01bb');
  t.is(encodeProxyV2(null).toString('hex'), SIG.toString('hex') + '20000000');
  for (const x of [a, { src: '2001:db8::9', srcPort: 1, dst: '::1', dstPort: 2 }, { src: '::ffff:10.1.2.3', srcPort: 3, dst: '2001:db8:0:0:1::', dstPort: 4 }]) {
    const r = parseProxyHeader(encodeProxyV2(x));
    t.true(r.kind === 'ok');
    if (r.kind === 'ok') t.like(r.header, { srcPort: x.srcPort, dstPort: x.dstPort });
  }
  const mixed = parseProxyHeader(encodeProxyV2({ src: '10.0.0.1', srcPort: 1, dst: '2001:db8::1', dstPort: 2 }));
  t.like(mixed.kind === 'ok' ? mixed.header : {}, { family: 'tcp6', src: '::ffff:10.0.0.1', dst: '2001:db8::1' });
});
