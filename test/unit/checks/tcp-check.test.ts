// tcp-check scripts judged on scripted conversations; every expected info
// text below was read from haproxy 2.6's own logs for the same rules.

import test from 'ava';
import type { TcpCheckRule } from '../../../src/config/model.ts';
import { tcpCheckScript } from '../../../src/checks/tcp-check.ts';
import { tcpScript } from '../../../src/checks/tcp.ts';
import { CheckRun } from '../../../src/checks/script.ts';
import { CheckError } from '../../../src/checks/error.ts';
import { exchange } from './exchange.ts';

const pos = { file: 'hawser.cfg', line: 1 };
const connect = (o: { port?: number; addr?: string } = {}): TcpCheckRule => ({ pos, kind: 'connect', ssl: false, sendProxy: false, ...o });
const send = (data: string): TcpCheckRule => ({ pos, kind: 'send', data });
const sendBinary = (hex: string): TcpCheckRule => ({ pos, kind: 'send-binary', hex });
const expect = (match: 'string' | 'rstring' | 'binary' | 'rbinary', pattern: string, negate = false): TcpCheckRule =>
  ({ pos, kind: 'expect', negate, match, pattern });
const comment = (text: string): TcpCheckRule => ({ pos, kind: 'comment', text });

test('no rules: a connection that opens passes, without info', (t) => {
  const { done, connects } = exchange(tcpCheckScript([]), []);
  t.is(connects.length, 1);
  t.like(done, { status: 'L4OK', info: '' });
});

test('a refused connection is worded with the tcp-check step', (t) => {
  const implicit = tcpCheckScript([send('PING\r\n'), expect('string', '+PONG')]);
  const r1 = new CheckRun(implicit, { nowMs: 0 });
  r1.start();
  t.like(r1.error('Connection refused'), { status: 'L4CON', info: 'Connection refused at initial connection step of tcp-check' });
  const explicit = tcpCheckScript([connect(), send('PING\r\n')]);
  const r2 = new CheckRun(explicit, { nowMs: 0 });
  r2.start();
  t.like(r2.error('Connection refused'), { status: 'L4CON', info: 'Connection refused at step 1 of tcp-check (connect)' });
  const withPort = tcpCheckScript([connect({ port: 19112 })]);
  const r3 = new CheckRun(withPort, { nowMs: 0 });
  r3.start();
  t.like(r3.error('Connection refused'), { info: 'Connection refused at step 1 of tcp-check (connect port 19112)' });
  t.like(r3.timeout(), { status: 'L4CON' }, 'the first verdict stands');
});

test('the plain check says only what the socket said', (t) => {
  const r = new CheckRun(tcpScript(), { nowMs: 0 });
  t.like(r.start(), { kind: 'connect' });
  t.like(r.error('Connection refused'), { status: 'L4CON', info: 'Connection refused' });
  const r2 = new CheckRun(tcpScript(), { nowMs: 0 });
  r2.start();
  t.like(r2.timeout(), { status: 'L4TOUT', info: '' });
  t.like(exchange(tcpScript(), []).done, { status: 'L4OK', info: '' });
});

test('send-binary then expect binary passes with "(tcp-check)"', (t) => {
  const { done, sent } = exchange(tcpCheckScript([sendBinary('50494e47'), expect('binary', '0304')]), [Buffer.from('0102030405', 'hex')], 'timeout');
  t.deepEqual(sent, [Buffer.from('PING')]);
  t.like(done, { status: 'L7OK', code: 0, info: '(tcp-check)' });
});

test('consecutive expects judge the same bytes; a negated miss waits until the deadline', (t) => {
  const rules = [send('PING\r\n'), expect('rbinary', '^01..03'), expect('binary', '09', true)];
  const { done } = exchange(tcpCheckScript(rules), [Buffer.from('0102030405', 'hex')], 'timeout');
  t.like(done, { status: 'L7TOUT', info: " at step 3 of tcp-check (expect binary '\t')" });
  const closed = exchange(tcpCheckScript(rules), [Buffer.from('0102030405', 'hex')], 'eof');
  t.like(closed.done, { status: 'L7OK', info: '(tcp-check)' });
});

test('a mismatch waits for more data, then fails when the server closes', (t) => {
  const rules = [comment('hello'), send('QUIT\r\n'), expect('string', '+PONG')];
  t.like(exchange(tcpCheckScript(rules), ['+OK banner\r\n']).done,
    { status: 'L7RSP', info: "TCPCHK did not match content '+PONG' at step 3" });
  t.like(exchange(tcpCheckScript([send('QUIT\r\n'), expect('string', '+PONG')]), ['+OK banner\r\n'], 'timeout').done,
    { status: 'L7TOUT', info: " at step 2 of tcp-check (expect string '+PONG')" });
  t.like(exchange(tcpCheckScript(rules), ['+PO', 'NG\r\n'], 'timeout').done, { status: 'L7OK' }, 'a split answer is put back together');
});

test('negated string, with a comment on the rule', (t) => {
  const rule = { ...expect('string', 'hello', true), comment: 'no hello' };
  t.like(exchange(tcpCheckScript([send('PING\r\n'), rule]), ['hello\r\n']).done,
    { status: 'L7RSP', info: "TCPCHK matched unwanted content 'hello' at step 2 comment: no hello" });
});

test('a comment rule names the rules after it, until the kind of rule changes', (t) => {
  const rules = [comment('phase one'), send('PING\r\n'), send('PING2\r\n'), expect('rstring', '^\\+PONG')];
  const r = exchange(tcpCheckScript(rules), [], 'timeout');
  t.like(r.done, { status: 'L7TOUT', info: ' at step 4 of tcp-check (expect regex)' });
  const run = new CheckRun(tcpCheckScript([comment('greeting'), expect('string', 'hi')]), { nowMs: 0 });
  run.start();
  run.transportUp();
  run.connected();
  t.like(run.timeout(), { info: " at step 2 of tcp-check (expect string 'hi') comment: 'greeting'" });
});

test('an empty answer is reported as such', (t) => {
  t.like(exchange(tcpCheckScript([send('PING\r\n'), expect('string', 'hello')]), []).done,
    { status: 'L7RSP', info: 'TCPCHK got an empty response at step 2' });
});

test('several connects: each opens its own connection to its port', (t) => {
  const rules = [
    connect({ port: 19112 }), send('PING\r\n'), expect('rstring', 'hel+o'),
    connect({ port: 19111 }), send('PING\r\n'), expect('binary', '0102'),
  ];
  const r = exchange(tcpCheckScript(rules), ['hello\r\n', Buffer.from('0102030405', 'hex')]);
  t.deepEqual(r.connects.map((c) => c.port), [19112, 19111]);
  t.like(r.done, { status: 'L7OK', info: '(tcp-check)' });
  t.like(exchange(tcpCheckScript([connect({ port: 19112 }), send('PING\r\n')]), []).done, { status: 'L7OK', info: '(tcp-check)' });
  t.like(exchange(tcpCheckScript([connect({ port: 19112 })]), []).done, { status: 'L4OK', info: '(tcp-check)' });
});

test('an answer larger than the buffer is judged on its first 16 KiB', (t) => {
  const big = Buffer.alloc(20000, 0x61);
  big.write('needle', 17000);
  const r = exchange(tcpCheckScript([send('x'), expect('string', 'needle')]), [big], 'timeout');
  t.like(r.done, { status: 'L7RSP', info: "TCPCHK did not match content 'needle' at step 2" });
});

test('bad patterns are refused with a stable code', (t) => {
  t.throws(() => tcpCheckScript([expect('rstring', '(')]), { instanceOf: CheckError, message: /HAWSER_CHECK_BAD_REGEX/ });
  t.throws(() => tcpCheckScript([sendBinary('abc')]), { instanceOf: CheckError, message: /HAWSER_CHECK_BAD_HEX/ });
});
