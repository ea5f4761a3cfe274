// ssl-hello-chk: the forged SSLv3 ClientHello and what passes.

import test from 'ava';
import { clientHello, sslHelloScript } from '../../../src/checks/ssl-hello.ts';
import { exchange } from './exchange.ts';

test('the ClientHello record is well formed SSLv3', (t) => {
  const h = clientHello(1_700_000_000_123);
  t.is(h.length, 5 + 0x79);
  t.is(h[0], 0x16);
  t.is(h.readUInt16BE(1), 0x0300);
  t.is(h.readUInt16BE(3), 0x79);
  t.is(h[5], 0x01);
  t.is(h.readUIntBE(6, 3), 0x75);
  t.is(h.readUInt16BE(9), 0x0300);
  t.is(h.readUInt32BE(11), 1_700_000_000);
  t.is(h[43], 0, 'no session id');
  t.is(h.readUInt16BE(44), 78);
  t.is(h.readUInt16BE(46), 0x0001);
  t.is(h.readUInt16BE(44 + 78), 0x003a);
  t.deepEqual([...h.subarray(h.length - 2)], [1, 0]);
});

test('a handshake or an alert record passes at layer 6', (t) => {
  const r = exchange(sslHelloScript(), [Buffer.from('160303007a02', 'hex')], 'timeout', 5000);
  t.deepEqual(r.sent, [clientHello(5000)]);
  t.like(r.done, { status: 'L6OK', info: '' });
  t.like(exchange(sslHelloScript(), [Buffer.from('15030000020228', 'hex')]).done, { status: 'L6OK' });
});

test('anything else is a layer 6 invalid response; silence a layer 6 timeout', (t) => {
  t.like(exchange(sslHelloScript(), ['HTTP/1.1 400 Bad Request\r\n']).done, { status: 'L6RSP', info: '' });
  t.like(exchange(sslHelloScript(), [], 'timeout').done, { status: 'L6TOUT' });
  t.like(exchange(sslHelloScript(), [Buffer.from('16', 'hex')], 'timeout').done, { status: 'L6TOUT' }, 'waits for 5 bytes');
});
