// smtpchk against a small but faithful SMTP responder: banner, HELO/EHLO
// (multi-line EHLO replies), QUIT, as a mail server answers them.

import test from 'ava';
import { runScript, scriptFor } from '../../../src/checks/index.ts';
import { tcpServer } from './servers.ts';

const timing = { inter: 2000, timeoutConnect: 1000, timeoutCheck: 500 };

interface Mta {
  banner: string;
  commands: string[];
}

async function mta(t: import('ava').ExecutionContext, banner = '220 mail.example ESMTP ready'): Promise<{ port: number; mta: Mta }> {
  const state: Mta = { banner, commands: [] };
  const port = await tcpServer(t, (s) => {
    s.write(`${state.banner}\r\n`);
    if (!state.banner.startsWith('2')) return void s.end();
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        state.commands.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') s.write(`250-mail.example greets ${line.slice(5)}\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n`);
        else if (verb === 'HELO') s.write('250 mail.example\r\n');
        else if (verb === 'QUIT') s.end('221 2.0.0 Bye\r\n');
        else s.write('502 5.5.2 Error: command not recognized\r\n');
      }
    });
  });
  return { port, mta: state };
}

test('HELO localhost by default, then QUIT: passes with the QUIT reply', async (t) => {
  const { port, mta: m } = await mta(t);
  t.like(await runScript(scriptFor({ kind: 'smtp', verb: 'HELO', domain: 'localhost' }), { host: '127.0.0.1', port }, timing),
    { ok: true, status: 'L7OK', code: 221, info: '2.0.0 Bye' });
  t.deepEqual(m.commands, ['HELO localhost', 'QUIT']);
});

test('EHLO with a multi-line reply', async (t) => {
  const { port, mta: m } = await mta(t);
  t.like(await runScript(scriptFor({ kind: 'smtp', verb: 'EHLO', domain: 'lb.example' }), { host: '127.0.0.1', port }, timing),
    { ok: true, status: 'L7OK', code: 221 });
  t.deepEqual(m.commands, ['EHLO lb.example', 'QUIT']);
});

test('a 554 banner is a wrong status with its code and text', async (t) => {
  const { port } = await mta(t, '554 5.3.2 mail.example service currently unavailable');
  t.like(await runScript(scriptFor({ kind: 'smtp', verb: 'HELO', domain: 'localhost' }), { host: '127.0.0.1', port }, timing),
    { ok: false, status: 'L7STS', code: 554, info: '5.3.2 mail.example service currently unavailable' });
});
