// The alert mail: HAProxy's layout and date, dot transparency, and the SMTP
// client against a real (in-test) SMTP server: multi-line replies, a
// refusal, and the `timeout mail` bound.

import test from 'ava';
import { createServer } from 'node:net';
import { alertData, mailDate, sendMail } from '../../../src/alerts/index.ts';

test('the DATA part: headers, subject prefix, body, final dot; a leading dot is doubled', (t) => {
  const env = { helo: 'lb1', from: 'a@x', to: 'b@x' };
  t.is(
    alertData(env, 'Server app/s1 is DOWN', 'DATE'),
    'From: a@x\r\nTo: b@x\r\nDate: DATE\r\nSubject: [HAProxy Alert] Server app/s1 is DOWN\r\n\r\nServer app/s1 is DOWN\r\n\r\n.\r\n',
  );
  t.true(alertData(env, '.x\r\n.\r\nQUIT', 'D').includes('\r\n\r\n..x . QUIT\r\n\r\n.\r\n'), 'no way to end the mail early');
});

test('the date reads like strftime("%a, %d %b %Y %T %z (%Z)")', (t) => {
  const d = new Date(2026, 0, 5, 7, 8, 9);
  t.regex(mailDate(d, 'UTC'), /^Mon, 05 Jan 2026 07:08:09 [+-]\d{4} \(UTC\)$/);
});

async function server(script: (line: string) => string | null, greeting = '220 hi\r\n'): Promise<{ port: number; lines: string[]; close(): void }> {
  const lines: string[] = [];
  const s = createServer((c) => {
    c.setEncoding('latin1');
    c.on('error', () => {});
    if (greeting !== '') c.write(greeting);
    let buf = '';
    c.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        lines.push(line);
        const answer = script(line);
        if (answer !== null) c.write(answer);
      }
    });
  });
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  return { port: (s.address() as { port: number }).port, lines, close: () => s.close() };
}

test('sendMail follows the exchange, reading multi-line replies to their end', async (t) => {
  let inData = false;
  const s = await server((l) => {
    if (inData) {
      if (l === '.') {
        inData = false;
        return '250 ok\r\n';
      }
      return null;
    }
    if (l.startsWith('HELO')) return '250-sink\r\n250-PIPELINING\r\n250 SIZE\r\n';
    if (l === 'DATA') {
      inData = true;
      return '354 go\r\n';
    }
    if (l === 'QUIT') return '221 bye\r\n';
    return '250 ok\r\n';
  });
  t.teardown(() => s.close());
  await sendMail({ host: '127.0.0.1', port: s.port }, { helo: 'lb1', from: 'a@x', to: 'b@x' }, alertData({ helo: 'lb1', from: 'a@x', to: 'b@x' }, 'm', 'D'), 2000);
  t.deepEqual(s.lines.slice(0, 4), ['HELO lb1', 'MAIL FROM:<a@x>', 'RCPT TO:<b@x>', 'DATA']);
  t.is(s.lines.at(-1), 'QUIT');
});

test('a refusal and a silent server are errors with their codes', async (t) => {
  const refusing = await server((l) => (l.startsWith('MAIL') ? '451 try later\r\n' : '250 ok\r\n'));
  const silent = await server(() => null, '');
  t.teardown(() => {
    refusing.close();
    silent.close();
  });
  const env = { helo: 'h', from: 'a@x', to: 'b@x' };
  await t.throwsAsync(sendMail({ host: '127.0.0.1', port: refusing.port }, env, 'x\r\n.\r\n', 2000), { message: /^HAWSER_MAIL_REFUSED .* answered '451 try later' where 250 was expected$/ });
  const t0 = Date.now();
  await t.throwsAsync(sendMail({ host: '127.0.0.1', port: silent.port }, env, 'x\r\n.\r\n', 300), { message: /^HAWSER_MAIL_TIMEOUT / });
  t.true(Date.now() - t0 < 2000);
});
