// http-request / http-response rules through a running hawser, as a client
// and a server see them: deny, return, redirect, header rewrites both ways,
// security headers, the order HAProxy runs them in, captures and log
// levels in the access log, tarpit; and bad reply/auth lines from -c.
// (differential-haproxy.test.ts compares all of these with haproxy 2.6.)

import test from 'ava';
import { echoServers } from '../support/backends.ts';
import { runHawser, startHawser, writeConfig } from '../support/hawser-process.ts';
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

test('captures in the httplog line, set-log-level silent, tarpit holds for timeout tarpit', async (t) => {
  const [app] = await echoServers(t, ['app']);
  const port = await freePort();
  const p = await startHawser(
    t,
    `global
    log stdout format raw local0
${HTTP_DEFAULTS}    log global
    option httplog
frontend www
    bind 127.0.0.1:${port}
    timeout tarpit 400ms
    capture request header User-Agent len 10
    declare capture response len 8
    http-request capture req.hdr(x-trace) len 8
    http-request set-log-level silent if { path /quiet }
    http-request tarpit if { path /slow-down }
    http-response capture res.hdr(x-served-by) id 0
    default_backend app
backend app
    server s 127.0.0.1:${app.port}
`,
  );
  await httpRequest(port, '/quiet');
  await httpRequest(port, '/seen', { headers: { 'user-agent': 'Mozilla/5.0 (X11)', 'x-trace': 'trace-1234567' } });
  const started = Date.now();
  const held = await httpRequest(port, '/slow-down');
  const waited = Date.now() - started;
  t.is(held.status, 500);
  t.true(waited >= 350 && waited < 3000, `tarpit held the request ${waited} ms`);
  const line = await p.waitFor((l) => l.includes('/seen HTTP/1.1'));
  t.regex(line, / \{Mozilla\/5\.\|trace-12\} \{app\} "GET \/seen HTTP\/1\.1"/);
  await p.waitFor((l) => l.includes('/slow-down HTTP/1.1'));
  t.false(p.lines.some((l) => l.includes('/quiet')), 'set-log-level silent: no line');
  t.regex(p.lines.find((l) => l.includes('/slow-down'))!, / 500 .* PT-- /);
});

test('bad errorfile, http-error and auth lines: file:line and HAProxy\'s wording, from -c', async (t) => {
  const file = writeConfig(
    t,
    `${HTTP_DEFAULTS}    errorfile 503 /nonexistent/hawser-test/503.http
userlist L
    user u password not-a-crypt-hash
frontend www
    bind 127.0.0.1:1
    http-error status 403 content-type text/plain string denied if TRUE
    http-error status 404 bogus
    http-request auth realm R if !{ http_auth(M) }
    http-request auth bogus
    default_backend app
backend app
    server s 127.0.0.1:2
`,
  );
  const p = runHawser(t, ['-c', '-f', file]);
  t.is(await p.exited, 1);
  const err = p.stderr.filter((l) => l.startsWith('HAWSER_'));
  t.deepEqual(err, [
    `HAWSER_CFG_INCOMPLETE ${file}:8: warning: the password of user 'u' in userlist 'L' is not a $1$, $5$ or $6$ crypt hash: Hawser cannot verify it and this user can never authenticate`,
    `HAWSER_RULE_BAD_FILE ${file}:6: errorfile : error opening file '/nonexistent/hawser-test/503.http'.`,
    `HAWSER_RULE_BAD_ARGUMENT ${file}:11: http-error : unknown keyword 'if'.`,
    `HAWSER_RULE_BAD_ARGUMENT ${file}:12: http-error : unknown keyword 'bogus'.`,
    `HAWSER_ACL_UNKNOWN_REFERENCE ${file}:13: error detected while parsing 'http-request auth' rule : unable to find userlist 'M' referenced in arg 1 of ACL keyword 'http_auth' in proxy 'www'`,
    `HAWSER_RULE_BAD_ARGUMENT ${file}:14: 'http-request auth' expects either 'if' or 'unless' followed by a condition but found 'bogus'.`,
  ]);
});
