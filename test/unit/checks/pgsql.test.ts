// pgsql-check: the StartupMessage, and which first answers pass.

import test from 'ava';
import { pgsqlScript, startupMessage } from '../../../src/checks/pgsql.ts';
import { exchange } from './exchange.ts';

const auth = (code: number, extra = 0): Buffer => {
  const b = Buffer.alloc(9 + extra);
  b.write('R', 0, 'latin1');
  b.writeUInt32BE(8 + extra, 1);
  b.writeUInt32BE(code, 5);
  return b;
};

test('the StartupMessage carries protocol 3.0 and the user', (t) => {
  const m = startupMessage('haproxy');
  t.is(m.length, 15 + 7);
  t.is(m.readUInt32BE(0), m.length);
  t.is(m.readUInt32BE(4), 0x00030000);
  t.is(m.toString('latin1', 8), 'user\0haproxy\0\0');
  t.deepEqual(exchange(pgsqlScript('haproxy'), [auth(0)], 'timeout').sent, [m]);
});

test('AuthenticationOk, cleartext and MD5 requests pass', (t) => {
  t.like(exchange(pgsqlScript('u'), [auth(0)], 'timeout').done, { status: 'L7OK', info: 'PostgreSQL server is ok' });
  t.like(exchange(pgsqlScript('u'), [auth(3)], 'timeout').done, { status: 'L7OK' });
  t.like(exchange(pgsqlScript('u'), [auth(5, 4)], 'timeout').done, { status: 'L7OK' });
});

test('a SASL (SCRAM) request passes too, as in haproxy 2.6.12', (t) => {
  const sasl = Buffer.concat([auth(10), Buffer.from('SCRAM-SHA-256\0\0')]);
  sasl.writeUInt32BE(8 + 15, 1);
  t.like(exchange(pgsqlScript('u'), [sasl], 'timeout').done, { status: 'L7OK', info: 'PostgreSQL server is ok' });
});

test('an unknown authentication request is an unknown error', (t) => {
  t.like(exchange(pgsqlScript('u'), [auth(8)], 'timeout').done, { status: 'L7STS', info: 'PostgreSQL unknown error' });
  t.like(exchange(pgsqlScript('u'), ['NOTICE\0\0\0\0'], 'timeout').done, { status: 'L7STS', info: 'PostgreSQL unknown error' });
});

test('an ErrorResponse is an invalid response with its severity as info', (t) => {
  const fields = 'SFATAL\0VFATAL\0C28000\0Mrole "nobody" does not exist\0\0';
  const e = Buffer.alloc(5 + fields.length);
  e.write('E', 0, 'latin1');
  e.writeUInt32BE(4 + fields.length, 1);
  e.write(fields, 5, 'latin1');
  t.like(exchange(pgsqlScript('nobody'), [e], 'timeout').done, { status: 'L7RSP', info: 'FATAL' });
});

test('a short answer waits, then is judged on what came', (t) => {
  t.like(exchange(pgsqlScript('u'), [auth(0).subarray(0, 4), auth(0).subarray(4)], 'timeout').done, { status: 'L7OK' });
  t.like(exchange(pgsqlScript('u'), ['R\0'], 'eof').done, { status: 'L7STS', info: 'PostgreSQL unknown error' });
});
