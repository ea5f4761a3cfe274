// tcp-check scripts against a real line-oriented server (a tiny Redis-like
// one), including a second connect to another port and send-proxy.

import test from 'ava';
import { runScript, scriptFor } from '../../../src/checks/index.ts';
import { tcpCheckScript } from '../../../src/checks/tcp-check.ts';
import type { TcpCheckRule } from '../../../src/config/model.ts';
import { freePort, tcpServer } from './servers.ts';

const pos = { file: 'hawser.cfg', line: 1 };
const timing = { inter: 2000, timeoutConnect: 1000, timeoutCheck: 300 };

/** Answers line by line, like a Redis master: PING, INFO REPLICATION, QUIT. */
async function lineServer(t: import('ava').ExecutionContext, received: string[] = []): Promise<number> {
  return tcpServer(t, (s) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        received.push(line);
        if (line === 'PING') s.write('+PONG\r\n');
        else if (line === 'info replication') s.write('$30\r\n# Replication\r\nrole:master\r\n\r\n');
        else if (line === 'QUIT') s.end('+OK\r\n');
        else if (line.startsWith('PROXY ')) continue;
        else s.write('-ERR unknown command\r\n');
      }
    });
  });
}

const rules = (...r: TcpCheckRule[]) => ({ kind: 'tcp-check' as const, rules: r });
const send = (data: string): TcpCheckRule => ({ pos, kind: 'send', data });
const expect = (match: 'string' | 'rstring' | 'binary' | 'rbinary', pattern: string, negate = false): TcpCheckRule =>
  ({ pos, kind: 'expect', negate, match, pattern });

test('the redis master script from the HAProxy manual passes', async (t) => {
  const port = await lineServer(t);
  const script = scriptFor(rules(
    { pos, kind: 'comment', text: 'PING phase' },
    send('PING\r\n'), expect('string', '+PONG'),
    send('info replication\r\n'), expect('string', 'role:master'),
    send('QUIT\r\n'), expect('string', '+OK'),
  ));
  t.like(await runScript(script, { host: '127.0.0.1', port }, timing), { ok: true, status: 'L7OK', code: 0, info: '(tcp-check)' });
});

test('failures carry the step: wrong answer, silence, refusal', async (t) => {
  const port = await lineServer(t);
  const wrong = scriptFor(rules(send('info replication\r\n'), expect('string', 'role:slave')));
  t.like(await runScript(wrong, { host: '127.0.0.1', port }, timing),
    { ok: false, status: 'L7TOUT', info: " at step 2 of tcp-check (expect string 'role:slave')" }, 'a miss waits for more until the deadline');
  const regexMiss = tcpCheckScript([send('PING\r\n'), { ...expect('rstring', '^-ERR'), minRecv: 1 }]);
  t.like(await runScript(regexMiss, { host: '127.0.0.1', port }, timing),
    { status: 'L7RSP', info: 'TCPCHK did not match content (regex) at step 2' }, 'min-recv makes a miss final');
  const unwanted = scriptFor(rules(send('FOO\r\n'), expect('string', '-ERR', true)));
  t.like(await runScript(unwanted, { host: '127.0.0.1', port }, timing),
    { status: 'L7RSP', info: "TCPCHK matched unwanted content '-ERR' at step 2" });
  const closed = await freePort();
  t.like(await runScript(wrong, { host: '127.0.0.1', port: closed }, timing),
    { status: 'L4CON', info: 'Connection refused at initial connection step of tcp-check' });
});

test('binary send and expect', async (t) => {
  const port = await lineServer(t);
  const script = scriptFor(rules({ pos, kind: 'send-binary', hex: '50494e470d0a' }, expect('binary', '2b504F4e47'), expect('rbinary', '^2B50.*0D0A$')));
  t.like(await runScript(script, { host: '127.0.0.1', port }, timing), { status: 'L7OK', info: '(tcp-check)' });
});

test('a second connect goes to its own port; send-proxy speaks PROXY v1 first', async (t) => {
  const first: string[] = [];
  const second: string[] = [];
  const a = await lineServer(t, first);
  const b = await lineServer(t, second);
  const script = scriptFor(rules(
    { pos, kind: 'connect', port: a, ssl: false, sendProxy: false },
    send('PING\r\n'), expect('string', '+PONG'),
    { pos, kind: 'connect', port: b, ssl: false, sendProxy: true },
    send('QUIT\r\n'), expect('string', '+OK'),
  ));
  t.like(await runScript(script, { host: '127.0.0.1', port: 1 }, timing), { status: 'L7OK' });
  t.deepEqual(first, ['PING']);
  t.is(second.length, 2);
  t.regex(second[0]!, new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 [0-9]+ ${b}$`));
  t.is(second[1], 'QUIT');
  const refused = await freePort();
  const failing = scriptFor(rules(
    { pos, kind: 'connect', port: a, ssl: false, sendProxy: false },
    { pos, kind: 'connect', port: refused, ssl: false, sendProxy: false },
  ));
  t.like(await runScript(failing, { host: '127.0.0.1', port: 1 }, timing),
    { status: 'L4CON', info: `Connection refused at step 2 of tcp-check (connect port ${refused})` });
});
