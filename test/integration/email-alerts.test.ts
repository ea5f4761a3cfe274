// `mailers` and `email-alert`: a server going DOWN (its process stopped) or
// into maintenance (from the runtime socket) is mailed over real SMTP to
// every mailer of the section, received by small SMTP servers inside the
// test; levels filter what is mailed; a mail server that refuses is logged,
// never fatal. HAProxy 2.6, given the same file, sends the same exchange.

import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts, waitListening } from '../support/ports.ts';
import { smtpSink, type ReceivedMail } from '../support/smtp-sink.ts';
import { socat } from '../support/socat.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

async function stoppableServer(t: ExecutionContext): Promise<{ port: number; stop(): Promise<void> }> {
  const s: Server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const stop = () =>
    new Promise<void>((r) => {
      s.closeAllConnections();
      s.close(() => r());
    });
  t.teardown(() => void stop().catch(() => {}));
  return { port: (s.address() as { port: number }).port, stop };
}

function header(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.data.slice(0, mail.data.indexOf('\r\n\r\n'));
  return head.split('\r\n').find((l) => l.startsWith(name + ': '))?.slice(name.length + 2);
}

function config(sock: string, web: number, mailers: number[], servers: number[], extra = ''): string {
  return `global
    stats socket ${sock} level admin
mailers mta
${mailers.map((p, i) => `    mailer smtp${i + 1} 127.0.0.1:${p}`).join('\n')}
    timeout mail 3s
${HTTP_DEFAULTS}    email-alert mailers mta
    email-alert from lb@example.com
    email-alert to ops@example.com
frontend www
    bind 127.0.0.1:${web}
    default_backend app
backend app
    email-alert level notice
    email-alert myhostname lb1.example.com
    server s1 127.0.0.1:${servers[0]} check inter 200ms fall 1 rise 1
    server s2 127.0.0.1:${servers[1]}
backend quiet
    server q1 127.0.0.1:${servers[1]}
${extra}`;
}

test('a server going DOWN is mailed to every mailer; maintenance too at level notice; level alert keeps quiet', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-mail-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const [web] = await freePorts(1);
  const [m1, m2] = [await smtpSink(t), await smtpSink(t)];
  const [b1, b2] = [await stoppableServer(t), await stoppableServer(t)];
  const hawser = await startHawser(t, config(sock, web, [m1.port, m2.port], [b1.port, b2.port]));

  await b1.stop();
  const [down] = await m1.waitFor(1);
  const [down2] = await m2.waitFor(1);
  t.is(down.helo, 'lb1.example.com');
  t.is(down.from, '<lb@example.com>');
  t.deepEqual(down.to, ['<ops@example.com>']);
  t.deepEqual(
    down.commands.map((c) => c.split(/[ :]/)[0]),
    ['HELO', 'MAIL', 'RCPT', 'DATA'],
    'the exchange HAProxy runs',
  );
  t.is(header(down, 'From'), 'lb@example.com');
  t.is(header(down, 'To'), 'ops@example.com');
  t.regex(header(down, 'Date') ?? '', /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4} \(.+\)$/);
  const subject = header(down, 'Subject') ?? '';
  t.regex(subject, /^\[HAProxy Alert\] Server app\/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms\. 1 active and 0 backup servers left\. 0 sessions active, 0 requeued, 0 remaining in queue$/);
  t.is(down.data.split('\r\n\r\n')[1], subject.slice('[HAProxy Alert] '.length), 'the body repeats the message');
  t.is(header(down2, 'Subject'), subject, 'the second mailer got the same alert');

  // Maintenance is a notice: mailed for app (level notice), not for quiet (default level alert).
  t.is(await socat(sock, 'set server quiet/q1 state maint\n'), '\n');
  t.is(await socat(sock, 'set server app/s2 state maint\n'), '\n');
  const mails = await m1.waitFor(2);
  t.regex(header(mails[1], 'Subject') ?? '', /^\[HAProxy Alert\] Server app\/s2 is going DOWN for maintenance\. 0 active and 0 backup servers left\./);
  t.false(m1.mails.some((m) => (header(m, 'Subject') ?? '').includes('quiet/')));
  // Logged once the mail server said 221 to QUIT.
  await hawser.waitFor(() => hawser.events.filter((e) => e.event === 'email-alert' && e.result === 'sent').length >= 3);
  t.pass();
});

test('a mail server that refuses is logged with its answer; the proxy carries on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-mail-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const [web, closed] = await freePorts(2);
  const refusing = await smtpSink(t, { refuse: true });
  const ok = await smtpSink(t);
  const b = await stoppableServer(t);
  const hawser = await startHawser(t, config(sock, web, [refusing.port, closed, ok.port], [b.port, b.port]));
  t.is(await socat(sock, 'set server app/s2 state maint\n'), '\n');
  await ok.waitFor(1);
  const failed = await hawser.waitFor((_l, e) => e?.event === 'email-alert' && e.result === 'failed' && String(e.error).includes('550'));
  t.regex(failed, /HAWSER_MAIL_REFUSED 127\.0\.0\.1:\d+ answered '550 5\.7\.1 relaying denied' where 250 was expected/);
  await hawser.waitFor((_l, e) => e?.event === 'email-alert' && String(e.error).includes('HAWSER_MAIL_CONNECT'));
  t.is(refusing.mails.length, 0);
  t.is(await socat(sock, 'show servers state app\n').then((s) => s.split('\n').length > 2), true, 'still serving the CLI');
});

test('HAProxy 2.6 given the same file sends the same SMTP exchange and the same mail layout', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-mail-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const [hwWeb, haWeb] = await freePorts(2);
  const [hwSink, haSink] = [await smtpSink(t), await smtpSink(t)];
  const [hwBack, haBack, other] = [await stoppableServer(t), await stoppableServer(t), await stoppableServer(t)];
  await startHawser(t, config(join(dir, 'hawser.sock'), hwWeb, [hwSink.port], [hwBack.port, other.port]));
  const haCfg = join(dir, 'haproxy.cfg');
  writeFileSync(haCfg, config(join(dir, 'haproxy.sock'), haWeb, [haSink.port], [haBack.port, other.port]));
  const haproxy = spawn('haproxy', ['-db', '-f', haCfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => haproxy.kill('SIGKILL'));
  await waitListening(haWeb, haproxy);
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all([hwBack.stop(), haBack.stop()]);
  const [[a], [b]] = await Promise.all([haSink.waitFor(1), hwSink.waitFor(1)]);
  t.deepEqual(b.commands, a.commands, 'HELO, MAIL FROM, RCPT TO, DATA: the same lines');
  const shape = (m: ReceivedMail) =>
    m.data
      .replace(/^Date: .*$/m, 'Date: DATE')
      .replace(/check duration: \d+ms/g, 'check duration: Nms');
  t.is(shape(b), shape(a));
});
