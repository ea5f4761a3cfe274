// mysql-check: HAProxy's client authentication packets, and the judgement
// of the handshake and of the packet after it.

import test from 'ava';
import { authPacket, mysqlScript } from '../../../src/checks/mysql.ts';
import { exchange } from './exchange.ts';

const packet = (seq: number, payload: Buffer): Buffer => {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
};
const handshake = packet(0, Buffer.concat([Buffer.from([10]), Buffer.from('10.11.6-MariaDB-0+deb12u1\0', 'latin1'), Buffer.alloc(40, 1)]));
const ok = packet(2, Buffer.from([0, 0, 0, 2, 0, 0, 0]));
const error = (errno: number, text: string): Buffer => {
  const p = Buffer.alloc(3 + text.length);
  p[0] = 0xff;
  p.writeUInt16LE(errno, 1);
  p.write(text, 3, 'latin1');
  return packet(2, p);
};

test('post-41 authentication packet for a user, then COM_QUIT', (t) => {
  const p = authPacket('haproxy');
  t.is(p.readUIntLE(0, 3), 7 + 7 + 27);
  t.is(p[3], 1);
  t.is(p.readUInt32LE(4), 0x8200, 'CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION');
  t.is(p.readUInt32LE(8), 0x01008000);
  t.is(p[12], 0x21);
  t.deepEqual(p.subarray(13, 36), Buffer.alloc(23));
  t.is(p.toString('latin1', 36, 44), 'haproxy\0');
  t.is(p[44], 0, 'empty auth response');
  t.deepEqual(p.subarray(45), Buffer.from([1, 0, 0, 0, 1]));
});

test('pre-41 authentication packet', (t) => {
  const p = authPacket('u', false);
  t.is(p.readUIntLE(0, 3), 1 + 7);
  t.is(p.readUInt16LE(4), 0x8000);
  t.is(p.readUIntLE(6, 3), 0x010000);
  t.is(p.toString('latin1', 9, 11), 'u\0');
});

test('with a user: handshake then OK passes with the server version', (t) => {
  const r = exchange(mysqlScript('haproxy'), [handshake, ok]);
  t.deepEqual(r.sent, [authPacket('haproxy')]);
  t.like(r.done, { status: 'L7OK', code: 0, info: '10.11.6-MariaDB-0+deb12u1' });
  t.like(exchange(mysqlScript('haproxy'), [Buffer.concat([handshake, ok])]).done, { status: 'L7OK' }, 'in one piece');
});

test('with a user: an error packet is a wrong status with the MySQL errno', (t) => {
  const r = exchange(mysqlScript('nobody'), [handshake, error(1045, "#28000Access denied for user 'nobody'@'localhost'")]);
  t.like(r.done, { status: 'L7STS', code: 1045, info: "#28000Access denied for user 'nobody'@'localhost'" });
  const blocked = packet(0, Buffer.from("\xff\x6a\x04Host '127.0.0.1' is blocked", 'latin1'));
  t.like(exchange(mysqlScript('u'), [blocked]).done, { status: 'L7STS', code: 1130, info: "Host '127.0.0.1' is blocked" });
});

test('without a user only the handshake is read', (t) => {
  const r = exchange(mysqlScript(), [handshake], 'timeout');
  t.deepEqual(r.sent, []);
  t.like(r.done, { status: 'L7OK', info: '10.11.6-MariaDB-0+deb12u1' });
});

test('a truncated answer is an invalid response; a slow one is waited for', (t) => {
  t.like(exchange(mysqlScript('u'), [handshake.subarray(0, 10)]).done, { status: 'L7RSP', info: '' });
  t.like(exchange(mysqlScript('u'), [handshake.subarray(0, 10), handshake.subarray(10), ok], 'timeout').done, { status: 'L7OK' });
  t.like(exchange(mysqlScript('u'), [handshake], 'timeout').done, { status: 'L7TOUT' });
});
