// smtpchk as haproxy 2.6.12 runs it: banner, HELO/EHLO, QUIT, each 2xx.

import test from 'ava';
import { smtpScript } from '../../../src/checks/smtp.ts';
import { exchange } from './exchange.ts';

test('banner, EHLO with a multi-line reply, QUIT: passes with the QUIT reply', (t) => {
  const r = exchange(smtpScript('EHLO', 'me.org'), [
    '220 mail ready\r\n',
    '250-mail.example hello\r\n250-PIPELINING\r\n',
    '250 8BITMIME\r\n',
    '221 2.0.0 Bye\r\n',
  ]);
  t.deepEqual(r.sent.map(String), ['EHLO me.org\r\n', 'QUIT\r\n']);
  t.like(r.done, { status: 'L7OK', code: 221, info: '2.0.0 Bye' });
});

test('HELO localhost by default', (t) => {
  const r = exchange(smtpScript(), ['220 ready\r\n', '250 hello\r\n', '221 bye\r\n']);
  t.is(String(r.sent[0]), 'HELO localhost\r\n');
  t.like(r.done, { status: 'L7OK', code: 221, info: 'bye' });
});

test('a 5xx banner is a wrong status with code and text', (t) => {
  const r = exchange(smtpScript('EHLO', 'foo.org'), ['554 go away\r\n'], 'timeout');
  t.deepEqual(r.sent, []);
  t.like(r.done, { status: 'L7STS', code: 554, info: 'go away' });
});

test('a banner that is not SMTP is an invalid response', (t) => {
  t.like(exchange(smtpScript(), ['SSH-2.0-OpenSSH_9\r\n'], 'timeout').done, { status: 'L7RSP', info: 'SSH-2.0-OpenSSH_9' });
});

test('a refused HELO, and a server that closes after HELO', (t) => {
  t.like(exchange(smtpScript(), ['220 ok\r\n', '502 5.5.2 Error: command not recognized\r\n']).done,
    { status: 'L7STS', code: 502, info: '5.5.2 Error: command not recognized' });
  // haproxy 2.6.12 logs exactly this for a server that hangs up instead of answering QUIT
  t.like(exchange(smtpScript(), ['220 ok\r\n', '250 hi\r\n']).done,
    { status: 'L7STS', code: 0, info: 'TCPCHK got an empty response at step 7' });
});
