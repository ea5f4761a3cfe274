// Cookie persistence through a running hawser, as browsers and application
// servers see it: the inserted cookie brings a client back to its server
// (which never sees it with `indirect`), prefix mode wraps the
// application's own session cookie, a client whose server went away is
// redispatched and gets the new server's cookie, ignore-persist, and the
// cookie characters of the httplog termination state.

import test from 'ava';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ExecutionContext } from 'ava';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { httpRequest, type Reply } from '../support/http-client.ts';

/** An application server: says who it is and which Cookie it got; starts a JSESSIONID session when it sees none. */
async function appServer(t: ExecutionContext, name: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const cookie = req.headers.cookie ?? '';
    if (!/JSESSIONID=/.test(cookie)) res.setHeader('set-cookie', `JSESSIONID=${name}-session; Path=/`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ server: name, cookie }));
  });
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  const close = (): Promise<void> =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  t.teardown(close);
  const a = server.address();
  return { port: typeof a === 'object' && a !== null ? a.port : 0, close };
}

const LOGGED = `global
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
`;

function seen(r: Reply): { server: string; cookie: string } {
  return JSON.parse(r.text);
}

function setCookies(r: Reply): string[] {
  const v = r.headers['set-cookie'];
  return v === undefined ? [] : v;
}

test('insert indirect nocache: the cookie brings the client back, the server never sees it, the log says NI then VN', async (t) => {
  const a = await appServer(t, 'a');
  const b = await appServer(t, 'b');
  const port = await freePort();
  const p = await startHawser(
    t,
    `${LOGGED}frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    cookie SRV insert indirect nocache
    server a 127.0.0.1:${a.port} cookie A
    server b 127.0.0.1:${b.port} cookie B
`,
  );
  const first = await httpRequest(port, '/first');
  const who = seen(first).server;
  const mine = who === 'a' ? 'SRV=A' : 'SRV=B';
  t.true(setCookies(first).includes(`${mine}; path=/`));
  t.is(first.headers['cache-control'], undefined, 'nothing a cache would keep: no private (differential-haproxy.test.ts checks when it is added)');
  for (let i = 0; i < 4; i++) {
    const again = await httpRequest(port, `/again/${i}`, { headers: { cookie: `${mine}; JSESSIONID=${who}-session; theme=dark` } });
    t.is(seen(again).server, who, 'the cookie wins over round robin');
    t.is(seen(again).cookie, `JSESSIONID=${who}-session; theme=dark`, 'indirect: the server never sees SRV');
    t.deepEqual(setCookies(again).filter((c) => c.startsWith('SRV=')), [], 'a valid cookie is not set again');
  }
  await p.waitFor((l) => l.includes('"GET /first HTTP/1.1"'));
  await p.waitFor((l) => l.includes('"GET /again/3 HTTP/1.1"'));
  t.regex(p.lines.find((l) => l.includes('/first'))!, / --NI /);
  t.regex(p.lines.find((l) => l.includes('/again/3'))!, / --VN /);
});

test('prefix mode: JSESSIONID=foo goes out as JSESSIONID=tomcat1~foo and comes back as JSESSIONID=foo', async (t) => {
  const t1 = await appServer(t, 'tomcat1');
  const t2 = await appServer(t, 'tomcat2');
  const port = await freePort();
  const p = await startHawser(
    t,
    `${LOGGED}frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    cookie JSESSIONID prefix nocache
    server tomcat1 127.0.0.1:${t1.port} cookie tomcat1
    server tomcat2 127.0.0.1:${t2.port} cookie tomcat2
`,
  );
  const first = await httpRequest(port, '/login');
  const who = seen(first).server;
  t.deepEqual(setCookies(first), [`JSESSIONID=${who}~${who}-session; Path=/`]);
  const back = await httpRequest(port, '/cart', { headers: { cookie: `JSESSIONID=${who}~${who}-session` } });
  t.is(seen(back).server, who);
  t.is(seen(back).cookie, `JSESSIONID=${who}-session`, 'the server sees its own session id');
  await p.waitFor((l) => l.includes('/cart'));
  t.regex(p.lines.find((l) => l.includes('/login'))!, / --NR /);
  t.regex(p.lines.find((l) => l.includes('/cart'))!, / --VN /);
});

test('a client whose server is gone is redispatched and gets the new server cookie; ignore-persist', async (t) => {
  const a = await appServer(t, 'a');
  const b = await appServer(t, 'b');
  const port = await freePort();
  const p = await startHawser(
    t,
    `${LOGGED}frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    retries 1
    option redispatch
    cookie SRV insert indirect
    ignore-persist if { path_beg /static/ }
    server a 127.0.0.1:${a.port} cookie A
    server b 127.0.0.1:${b.port} cookie B
`,
  );
  const r = await httpRequest(port, '/x', { headers: { cookie: 'SRV=A' } });
  t.is(seen(r).server, 'a');
  const ignored = await httpRequest(port, '/static/logo.png', { headers: { cookie: 'SRV=A' } });
  const ignoredBy = seen(ignored).server;
  t.deepEqual(setCookies(ignored).filter((c) => c.startsWith('SRV=')), [], 'no cookie is set when persistence is ignored');
  const again = await httpRequest(port, '/static/logo.png', { headers: { cookie: 'SRV=A' } });
  t.not(seen(again).server, ignoredBy, 'ignore-persist: round robin decides');
  await a.close();
  const moved = await httpRequest(port, '/after', { headers: { cookie: 'SRV=A' } });
  t.is(moved.status, 200);
  t.is(seen(moved).server, 'b');
  t.true(setCookies(moved).includes('SRV=B; path=/'), 'the cookie follows the client to its new server');
  await p.waitFor((l) => l.includes('/after'));
  const line = p.lines.find((l) => l.includes('/after'))!;
  t.regex(line, / --VI /);
  t.regex(line, / \d+\/\d+\/\d+\/\d+\/\+1 /, 'the retry count shows the redispatch');
  t.regex(p.lines.find((l) => l.includes('/static/logo.png'))!, / --UN /);
});
