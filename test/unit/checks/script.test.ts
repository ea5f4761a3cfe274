// The engine's own rules, apart from any check type: phases of errors and
// timeouts, reading rules, and the end of a script.

import test from 'ava';
import { CheckRun, makeScript, type Step } from '../../../src/checks/script.ts';
import { expectRule } from '../../../src/checks/tcp-check.ts';
import { exchange } from './exchange.ts';

const connect: Step = { kind: 'connect', id: 1, implicit: false, ssl: false, sendProxy: false };
const tlsConnect: Step = { kind: 'connect', id: 1, implicit: false, ssl: true, sendProxy: false };
const send: Step = { kind: 'send', id: 2, data: Buffer.from('hi\r\n') };
const expectOk = expectRule({ id: 3, match: 'string', pattern: 'OK', verbose: false });

test('an error once connected with nothing read is a socket error', (t) => {
  const run = new CheckRun(makeScript([connect, send, expectOk], false), { nowMs: 0 });
  t.like(run.start(), { kind: 'connect' });
  run.transportUp();
  t.like(run.connected(), { kind: 'send' });
  t.like(run.sent(), { kind: 'recv' });
  t.like(run.error('Connection reset by peer'), { kind: 'done', status: 'SOCKERR', info: 'Connection reset by peer' });
  t.true(run.done);
});

test('an error right after an answer lets the answer decide', (t) => {
  const run = new CheckRun(makeScript([connect, send, expectOk], false), { nowMs: 0 });
  run.start();
  run.transportUp();
  run.connected();
  run.sent();
  t.like(run.data(Buffer.from('O')), { kind: 'recv' });
  t.like(run.error('Connection reset by peer'), { kind: 'done', status: 'L7RSP' });
  const ok = new CheckRun(makeScript([connect, send, expectOk], false), { nowMs: 0 });
  ok.start();
  ok.transportUp();
  ok.connected();
  ok.sent();
  // 'OK' is matched only once it is all here
  t.like(ok.data(Buffer.from('OK')), { kind: 'done', status: 'L7OK' });
});

test('TLS: failures and timeouts during the handshake are layer 6', (t) => {
  const script = makeScript([tlsConnect], false);
  const a = new CheckRun(script, { nowMs: 0 });
  t.like(a.start(), { kind: 'connect', ssl: true });
  a.transportUp();
  t.true(a.connecting);
  t.like(a.error('SSL handshake failure'), { status: 'L6RSP', info: 'SSL handshake failure' });
  const b = new CheckRun(script, { nowMs: 0 });
  b.start();
  t.like(b.timeout(), { status: 'L4TOUT' }, 'not even TCP yet');
  const c = new CheckRun(script, { nowMs: 0 });
  c.start();
  c.transportUp();
  t.like(c.timeout(), { status: 'L6TOUT' });
  const d = new CheckRun(script, { nowMs: 0 });
  d.start();
  d.transportUp();
  t.like(d.connected(), { kind: 'done', status: 'L6OK', info: '(tcp-check)' });
});

test('the input buffer is emptied before each send', (t) => {
  const script = makeScript([
    connect,
    expectRule({ id: 2, match: 'string', pattern: 'banner', verbose: false }),
    { kind: 'send', id: 3, data: Buffer.from('Q') },
    expectRule({ id: 4, match: 'string', pattern: 'banner', verbose: false, minRecv: 0 }),
  ], false);
  // The second expect sees only what came after the send.
  t.like(exchange(script, ['banner', 'bye']).done, { status: 'L7RSP' });
  t.like(exchange(script, ['banner', 'banner again']).done, { status: 'L7OK' });
});

test('a send from a function gets the run context', (t) => {
  const script = makeScript([connect, { kind: 'send', id: 2, data: (ctx) => Buffer.from(String(ctx.nowMs)) }], false);
  t.deepEqual(exchange(script, [], 'eof', 1234).sent, [Buffer.from('1234')]);
});
