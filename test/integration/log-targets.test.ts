// Where a running hawser sends its access log: `log global` to the global
// section's UDP syslog target (rfc3164), the frontend's own UDP target
// (rfc5424, another facility) and stdout (raw), one httplog line each, with
// the priority syslog expects (facility * 8 + level).

import test, { type ExecutionContext } from 'ava';
import { createSocket } from 'node:dgram';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { namedServer } from '../support/backends.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

async function syslogReceiver(t: ExecutionContext): Promise<{ port: number; got: string[] }> {
  const s = createSocket('udp4');
  const got: string[] = [];
  s.on('message', (m) => got.push(m.toString('utf8')));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  t.teardown(() => s.close());
  return { port: s.address().port, got };
}

test('log global (UDP rfc3164), log ADDR:PORT (UDP rfc5424) and log stdout raw each get the httplog line', async (t) => {
  const [web] = await freePorts(1);
  const be = await namedServer(t, 'a');
  const [g, own] = [await syslogReceiver(t), await syslogReceiver(t)];
  const hawser = await startHawser(
    t,
    `global
    log 127.0.0.1:${g.port} format rfc3164 local1
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${web}
    log global
    log 127.0.0.1:${own.port} format rfc5424 local3 info
    log stdout format raw local0
    option httplog
    default_backend app
backend app
    server a 127.0.0.1:${be}
`,
  );
  const path = `/p${Math.floor(Math.random() * 1e6)}`;
  await httpRequest(web, path);
  const deadline = Date.now() + 3000;
  while ((g.got.length === 0 || own.got.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const line = await hawser.waitFor((l) => l.includes(`"GET ${path} HTTP/1.1"`));
  t.regex(line, /^127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:[\d:.]+\] www app\/a \d+\/\d+\/\d+\/\d+\/\d+ 200 /, 'raw: the httplog line alone');
  // As haproxy 2.6 logs a lone request: the server connection is already released (bc/sc 0).
  t.regex(line, / ---- 1\/1\/0\/0\/0 0\/0 "GET /);
  const pid = hawser.child.pid;
  // local1 = 17, info = 6: <142>; local3 = 19: <158>.
  t.is(g.got.length, 1, g.got.join('\n'));
  // HAProxy's rfc3164 header without log-send-hostname: the host field reads "localhost".
  t.is(g.got[0], `<142>${g.got[0].slice(5, 20)} localhost hawser[${pid}]: ${line}\n`);
  t.regex(g.got[0], /^<142>\w{3} [ \d]\d \d\d:\d\d:\d\d localhost /);
  t.is(own.got.length, 1, own.got.join('\n'));
  t.regex(own.got[0], new RegExp(`^<158>1 \\d{4}-\\d\\d-\\d\\dT[\\d:.]+[+-]\\d\\d:\\d\\d - hawser ${pid} - - `));
  t.true(own.got[0].endsWith(`${line}\n`));
});
