// A minimal SMTP client, the exchange HAProxy's mailers run: wait for 220,
// HELO, MAIL FROM, RCPT TO, DATA, the message, QUIT, each answered with the
// code HAProxy expects. Multi-line replies (`250-...`) are read to their
// last line. The whole exchange is bounded by `timeoutMs` (`timeout mail`);
// any other reply, a closed connection or the timeout rejects with a
// HAWSER_MAIL_* code. Nothing else is needed for alerts: no TLS, no AUTH,
// as in HAProxy 2.6.

import { connect } from 'node:net';
import type { AlertEnvelope } from './message.ts';

export interface SmtpTarget {
  host: string;
  port: number;
}

export type SendMail = (target: SmtpTarget, env: AlertEnvelope, data: string, timeoutMs: number) => Promise<void>;

/** Each step: what to send (null: nothing, wait for the greeting), then the reply code expected. */
function steps(env: AlertEnvelope, data: string): Array<[string | null, string]> {
  return [
    [null, '220'],
    [`HELO ${env.helo}\r\n`, '250'],
    [`MAIL FROM:<${env.from}>\r\n`, '250'],
    [`RCPT TO:<${env.to}>\r\n`, '250'],
    ['DATA\r\n', '354'],
    [data, '250'],
    ['QUIT\r\n', '221'],
  ];
}

/** Longest reply kept while waiting for its last line; a server sending more is refused. */
const MAX_REPLY = 64 * 1024;

export const sendMail: SendMail = (target, env, data, timeoutMs) =>
  new Promise((resolve, reject) => {
    const plan = steps(env, data);
    let step = 0;
    let buf = '';
    let done = false;
    const sock = connect({ host: target.host, port: target.port });
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`HAWSER_MAIL_TIMEOUT no answer from ${target.host}:${target.port} within ${timeoutMs} ms (step ${step + 1})`)), timeoutMs);
    sock.setEncoding('latin1');
    sock.on('error', (e: NodeJS.ErrnoException) => finish(new Error(`HAWSER_MAIL_CONNECT ${target.host}:${target.port}: ${e.code ?? e.message}`)));
    sock.on('close', () => finish(new Error(`HAWSER_MAIL_CLOSED ${target.host}:${target.port} closed the connection (step ${step + 1})`)));
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REPLY) return finish(new Error(`HAWSER_MAIL_REPLY reply from ${target.host}:${target.port} too long`));
      for (;;) {
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        // `250-...` continues, `250 ...` (or a bare code) ends a reply.
        if (/^\d{3}-/.test(line)) continue;
        const want = plan[step][1];
        if (line.slice(0, 3) !== want) {
          return finish(new Error(`HAWSER_MAIL_REFUSED ${target.host}:${target.port} answered '${line.slice(0, 200)}' where ${want} was expected`));
        }
        step++;
        if (step === plan.length) return finish();
        sock.write(plan[step][0]!, 'latin1');
      }
    });
  });
