// `option dontlognull` on a running hawser: a connection that closes
// without sending a byte (a port probe, a load balancer's TCP check) leaves
// no access-log line; a real request still does; and without the option the
// empty connection is logged, as HAProxy does.

import test from 'ava';
import { connect } from 'node:net';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { namedServer } from '../support/backends.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

/** Opens a connection and closes it without writing. */
function probe(port: number): Promise<void> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port }, () => c.end());
    c.on('close', () => resolve());
    c.on('error', () => resolve());
  });
}

test('dontlognull: an empty connection leaves no line, a request does; without it both are logged', async (t) => {
  const [quiet, loud] = await freePorts(2);
  const be = await namedServer(t, 'a');
  const fe = (name: string, port: number, extra: string) =>
    `frontend ${name}\n    bind 127.0.0.1:${port}\n    log stdout format raw local0\n    option httplog\n${extra}    default_backend app\n`;
  const hawser = await startHawser(t, `${HTTP_DEFAULTS}${fe('quiet', quiet, '    option dontlognull\n')}${fe('loud', loud, '')}backend app\n    server a 127.0.0.1:${be}\n`);
  const access = (name: string) => hawser.lines.filter((l) => !l.startsWith('{') && l.includes(` ${name} `));
  await probe(quiet);
  await probe(loud);
  // `connection: close`: the client's FIN after the response must not log the request again.
  for (const port of [quiet, loud]) await httpRequest(port, '/r', { headers: { connection: 'close' } });
  await hawser.waitFor((l) => l.includes(' quiet ') && l.includes('GET /r '));
  await hawser.waitFor((l) => l.includes(' loud ') && l.includes('GET /r '));
  await new Promise((r) => setTimeout(r, 300));
  const q = access('quiet');
  t.is(q.length, 1, q.join('\n'));
  t.regex(q[0], / quiet app\/a .* ---- .*"GET \/r HTTP\/1\.1"$/);
  const l = access('loud');
  t.is(l.length, 2, l.join('\n'));
  // HAProxy 2.6's line for it: "loud loud/<NOSRV> -1/-1/-1/-1/0 400 0 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>"".
  t.regex(l[0], /\] loud loud\/<NOSRV> -1\/-1\/-1\/-1\/\d+ 400 0 - - CR-- \d+\/\d+\/0\/0\/0 0\/0 "<BADREQ>"$/);
  t.regex(l[1], / loud app\/a .* ---- .*"GET \/r HTTP\/1\.1"$/);
});
