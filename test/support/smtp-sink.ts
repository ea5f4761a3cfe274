// A small SMTP server for the tests: it speaks enough SMTP (220 greeting,
// HELO/EHLO, MAIL FROM, RCPT TO, DATA, QUIT) to receive what Hawser or
// HAProxy sends, and records every command and every message. `refuse`
// makes it answer 550 to RCPT TO, as a mail server that will not relay.
// Closed at teardown.

import { createServer, type Socket } from 'node:net';
import type { ExecutionContext } from 'ava';

export interface ReceivedMail {
  helo: string;
  from: string;
  to: string[];
  /** The DATA payload, without the final "." line, CRLF line ends kept. */
  data: string;
  /** Every command line of the session, in order. */
  commands: string[];
}

export interface SmtpSink {
  port: number;
  mails: ReceivedMail[];
  /** Resolves once `n` mails have arrived (at most `ms`). */
  waitFor(n: number, ms?: number): Promise<ReceivedMail[]>;
}

export async function smtpSink(t: ExecutionContext, opts: { refuse?: boolean } = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<() => void> = [];
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.setEncoding('latin1');
    let buf = '';
    let inData = false;
    let mail: ReceivedMail = { helo: '', from: '', to: [], data: '', commands: [] };
    s.write('220 sink.test ESMTP ready\r\n');
    s.on('data', (d: string) => {
      buf += d;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buf.slice(0, end + 2);
          buf = buf.slice(end + 5);
          inData = false;
          mails.push(mail);
          mail = { helo: mail.helo, from: '', to: [], data: '', commands: [...mail.commands] };
          s.write('250 2.0.0 queued\r\n');
          for (const w of waiters.splice(0)) w();
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        mail.commands.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'HELO' || verb === 'EHLO') {
          mail.helo = line.slice(5);
          s.write('250 sink.test\r\n');
        } else if (line.toUpperCase().startsWith('MAIL FROM:')) {
          mail.from = line.slice(10);
          s.write('250 2.1.0 ok\r\n');
        } else if (line.toUpperCase().startsWith('RCPT TO:')) {
          if (opts.refuse === true) s.write('550 5.7.1 relaying denied\r\n');
          else {
            mail.to.push(line.slice(8));
            s.write('250 2.1.5 ok\r\n');
          }
        } else if (verb === 'DATA') {
          inData = true;
          s.write('354 end with <CRLF>.<CRLF>\r\n');
        } else if (verb === 'QUIT') {
          s.end('221 2.0.0 bye\r\n');
        } else {
          s.write('502 5.5.2 not implemented\r\n');
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  const port = (server.address() as { port: number }).port;
  return {
    port,
    mails,
    async waitFor(n, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (mails.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${mails.length} of ${n} mails arrived`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
      return mails.slice(0, n);
    },
  };
}
