// http-request / http-response rules through a running hawser, as a client
// and a server see them: deny, return, redirect, header rewrites both ways,
// security headers, and the order HAProxy runs them in.

import test from 'ava';
import { echoServers } from '../support/backends.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { httpRequest, rawConnection } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

test('deny, return, redirect and header rewrites, with conditions', async (t) => {
  const [app] = await echoServers(t, ['app']);
  const port = await freePort();
  await startHawser(
    t,
    `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}
    acl admin path_beg /admin
    http-request deny if admin !{ src 10.0.0.0/8 }
    http-request deny deny_status 429 if { req.hdr(x-flood) -m found }
    http-request return status 200 content-type text/plain string pong if { path /ping }
    http-request redirect location /new code 301 if { path /old }
    http-request set-header X-Client-IP %[src]
    http-request del-header X-Secret
    http-response set-header Strict-Transport-Security "max-age=31536000; includeSubDomains"
    http-response set-header X-Content-Type-Options nosniff
    http-response set-header X-Frame-Options DENY
    http-response set-header Referrer-Policy no-referrer
    http-response del-header x-served-by
    default_backend app
backend app
    http-request add-header X-Backend app
    server s 127.0.0.1:${app.port}
`,
  );
  const denied = await httpRequest(port, '/admin/x');
  t.is(denied.status, 403);
  t.true(denied.text.includes('Request forbidden by administrative rules.'));
  t.is((await httpRequest(port, '/', { headers: { 'x-flood': '1' } })).status, 429);
  const pong = await httpRequest(port, '/ping');
  t.is(pong.status, 200);
  t.is(pong.text, 'pong');
  t.is(pong.headers['content-type'], 'text/plain');
  const moved = await httpRequest(port, '/old');
  t.is(moved.status, 301);
  t.is(moved.headers.location, '/new');
  t.is(app.hits, 0, 'answered by hawser, nothing reached the server');

  const r = await httpRequest(port, '/page', { headers: { 'x-secret': 'do-not-forward' } });
  const seen = JSON.parse(r.text);
  t.is(seen.headers['x-client-ip'], '127.0.0.1');
  t.is(seen.headers['x-backend'], 'app', "the backend's own rules ran after the frontend's");
  t.is(seen.headers['x-secret'], undefined);
  t.is(r.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  t.is(r.headers['x-content-type-options'], 'nosniff');
  t.is(r.headers['x-frame-options'], 'DENY');
  t.is(r.headers['referrer-policy'], 'no-referrer');
  t.is(r.headers['x-served-by'], undefined);
});

test('a denied request keeps the connection; http-response deny answers 502 for the server', async (t) => {
  const [app] = await echoServers(t, ['app']);
  const port = await freePort();
  await startHawser(
    t,
    `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}
    http-request deny if { path /no }
    http-response deny if { status 404 }
    http-response set-status 203 if { status 200 } { path /rewrite }
    default_backend app
backend app
    server s 127.0.0.1:${app.port}
`,
  );
  const c = await rawConnection(port);
  t.teardown(() => c.socket.destroy());
  c.socket.write('GET /no HTTP/1.1\r\nHost: x\r\n\r\n');
  await c.waitFor('</html>');
  c.socket.write('GET /yes HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = await c.waitFor('"url":"/yes"');
  t.regex(text, /^HTTP\/1\.1 403 Forbidden\r\n/);
  t.is((await httpRequest(port, '/status/404')).status, 502);
  t.is((await httpRequest(port, '/rewrite')).status, 203);
});
