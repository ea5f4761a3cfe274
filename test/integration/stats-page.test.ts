// The stats page as an operator and a browser use it, against the real
// hawser: the HTML lists proxies and servers with their states, `;csv` is
// `show stat`'s CSV, `stats auth` asks for a password, and an admin's POST
// puts a server in maintenance, after which traffic avoids it.

import test, { type ExecutionContext } from 'ava';
import { connect } from 'node:net';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest, rawExchange } from '../support/http-client.ts';
import { STAT_HEADER } from '../../src/runtime/index.ts';
import { namedServer } from '../support/backends.ts';
import { startHaproxy } from '../support/haproxy-process.ts';

const AUTH = 'Basic ' + Buffer.from('admin:s3cret').toString('base64');

async function lab(t: ExecutionContext) {
  const [webPort, statsPort] = await freePorts(2);
  const a = await namedServer(t, 'a');
  const b = await namedServer(t, 'b');
  const hawser = await startHawser(
    t,
    `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend www
    bind 127.0.0.1:${webPort}
    default_backend app
backend app
    balance roundrobin
    server s1 127.0.0.1:${a}
    server s2 127.0.0.1:${b}
listen stats
    bind 127.0.0.1:${statsPort}
    stats enable
    stats uri /stats
    stats refresh 10s
    stats realm Hawser\\ Stats
    stats auth admin:s3cret
    stats show-legends
    stats admin if TRUE
`,
  );
  return { hawser, webPort, statsPort };
}

test('the stats page shows frontends, backends and servers with their states', async (t) => {
  const { webPort, statsPort } = await lab(t);
  await httpRequest(webPort, '/');
  const r = await httpRequest(statsPort, '/stats', { headers: { authorization: AUTH } });
  t.is(r.status, 200);
  t.regex(String(r.headers['content-type']), /text\/html/);
  t.is(r.headers.refresh, '10');
  t.regex(r.text, /<meta name="viewport"/);
  for (const px of ['www', 'app', 'stats']) t.regex(r.text, new RegExp(`<h2 id="${px}">`));
  t.regex(r.text, /<tr class="nocheck" data-sv="s1">/);
  t.regex(r.text, /<tr class="nocheck" data-sv="s2">/);
  t.regex(r.text, /<tr class="fe" data-sv="FRONTEND"><td class="n">Frontend<\/td>/);
  t.regex(r.text, /name="action"/, 'the admin form is there for admins');
  t.regex(r.text, /<div class="legend">/, 'stats show-legends');
  t.regex(r.text, /<h1>Hawser version \S+ - Statistics Report<\/h1>/, 'the version without stats hide-version');
  const nr = await httpRequest(statsPort, '/stats;norefresh', { headers: { authorization: AUTH } });
  t.is(nr.headers.refresh, undefined);
});

test('basic auth: 401 with the realm without credentials, 200 with them', async (t) => {
  const { statsPort } = await lab(t);
  const no = await httpRequest(statsPort, '/stats');
  t.is(no.status, 401);
  t.is(no.headers['www-authenticate'], 'Basic realm="Hawser Stats"');
  const bad = await httpRequest(statsPort, '/stats', { headers: { authorization: 'Basic ' + Buffer.from('admin:nope').toString('base64') } });
  t.is(bad.status, 401);
  const ok = await httpRequest(statsPort, '/stats;csv', { headers: { authorization: AUTH } });
  t.is(ok.status, 200);
});

test(';csv is show stat: same header, a row per frontend, server and backend', async (t) => {
  const { statsPort } = await lab(t);
  const r = await httpRequest(statsPort, '/stats;csv;norefresh', { headers: { authorization: AUTH } });
  t.is(r.status, 200);
  t.regex(String(r.headers['content-type']), /^text\/plain/);
  const lines = r.text.trimEnd().split('\n');
  t.is(lines[0], STAT_HEADER);
  const names = lines.slice(1).map((l) => l.split(',').slice(0, 2).join('/'));
  t.deepEqual(names, ['www/FRONTEND', 'app/s1', 'app/s2', 'app/BACKEND', 'stats/FRONTEND', 'stats/BACKEND']);
});

test('an admin POST puts a server in maintenance and traffic avoids it', async (t) => {
  const { webPort, statsPort } = await lab(t);
  const body = 's=s1&action=maint&b=app';
  const post = await rawExchange(
    statsPort,
    `POST /stats HTTP/1.1\r\nhost: x\r\nauthorization: ${AUTH}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
  );
  t.regex(post.text, /^HTTP\/1\.1 303 See Other\r\n/);
  t.regex(post.text, /\r\nlocation: \/stats;st=DONE\r\n/);
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add((await httpRequest(webPort, '/')).text);
  t.deepEqual([...seen], ['b']);
  const csv = (await httpRequest(statsPort, '/stats;csv', { headers: { authorization: AUTH } })).text;
  t.regex(csv, /\napp,s1,(?:[^,]*,){15}MAINT,/);
  const page = (await httpRequest(statsPort, '/stats;st=DONE', { headers: { authorization: AUTH } })).text;
  t.regex(page, /<tr class="maint" data-sv="s1">/);
  t.regex(page, /\[DONE\] Action processed successfully\./);
});

/** A POST whose body is written 100 ms after its head (two TCP segments). */
function slowPost(port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.write(`POST /stats HTTP/1.1\r\nhost: x\r\nauthorization: ${AUTH}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`);
      setTimeout(() => s.end(body), 100);
    });
    let text = '';
    s.on('data', (c) => (text += c));
    s.on('close', () => resolve(text));
    s.on('error', reject);
  });
}

test('the form body may arrive after the head; ready puts the server back', async (t) => {
  const { webPort, statsPort } = await lab(t);
  t.regex(await slowPost(statsPort, 's=s1&s=s2&action=drain&b=app'), /\r\nlocation: \/stats;st=DONE\r\n/);
  const csv0 = (await httpRequest(statsPort, '/stats;csv', { headers: { authorization: AUTH } })).text;
  t.regex(csv0, /\napp,s1,(?:[^,]*,){15}DRAIN,/);
  t.is((await slowPost(statsPort, 's=s1&s=s2&action=ready&b=app')).includes('st=DONE'), true);
  const post = (body: string) =>
    httpRequest(statsPort, '/stats', {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
      body,
    });
  t.is((await post('s=s2&action=maint&b=app')).headers.location, '/stats;st=DONE');
  t.is((await httpRequest(webPort, '/')).text, 'a');
  t.is((await httpRequest(webPort, '/')).text, 'a');
  t.is((await post('s=s2&action=ready&b=app')).headers.location, '/stats;st=DONE');
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add((await httpRequest(webPort, '/')).text);
  t.deepEqual([...seen].sort(), ['a', 'b']);
  t.is((await post('s=s2&action=weight&w=7&b=app')).headers.location, '/stats;st=DONE');
  const csv = (await httpRequest(statsPort, '/stats;csv', { headers: { authorization: AUTH } })).text;
  t.regex(csv, /\napp,s2,(?:[^,]*,){16}7,/);
  t.is((await post('s=s2&action=bogus&b=app')).headers.location, '/stats;st=ERRP');
});

test('without `stats admin`, a POST is refused and the page has no form', async (t) => {
  const [port] = await freePorts(1);
  await startHawser(
    t,
    `defaults
    mode http
    timeout client 5s
listen stats
    bind 127.0.0.1:${port}
    stats enable
    stats hide-version
`,
  );
  const page = await httpRequest(port, '/haproxy?stats');
  t.is(page.status, 200);
  t.notRegex(page.text, /name="action"/);
  t.notRegex(page.text, /version/);
  t.notRegex(page.text, /class="legend"/, 'no legend without show-legends (nor admin)');
  const post = await httpRequest(port, '/haproxy?stats', { method: 'POST', body: 's=x&action=maint&b=stats', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.is(post.status, 303, 'HAProxy redirects a non-admin POST with the outcome DENY');
  t.is(post.headers.location, '/haproxy?stats;st=DENY');
  t.is((await httpRequest(port, '/other')).status, 503, 'other paths go to the (empty) backend');
});

test('beside HAProxy 2.6: the 401, the DENY redirect and the refresh of ;csv / ;csv;norefresh, field for field', async (t) => {
  const [ha, hw] = await freePorts(2);
  const cfg = (port: number) => `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen stats
    bind 127.0.0.1:${port}
    stats enable
    stats uri /stats
    stats refresh 10s
    stats realm Hawser\\ Stats
    stats auth admin:s3cret
`;
  await startHaproxy(t, cfg(ha), ha);
  await startHawser(t, cfg(hw));
  const get = (port: number, path: string, auth: boolean) =>
    rawExchange(port, `GET ${path} HTTP/1.1\r\nhost: x\r\n${auth ? `authorization: ${AUTH}\r\n` : ''}connection: close\r\n\r\n`);
  const post = (port: number) =>
    rawExchange(port, `POST /stats HTTP/1.1\r\nhost: x\r\nauthorization: ${AUTH}\r\ncontent-length: 20\r\nconnection: close\r\n\r\ns=a&action=maint&b=x`);
  // The whole 401 (head and body) and the whole redirect head are HAProxy's bytes.
  t.is((await get(hw, '/stats', false)).text, (await get(ha, '/stats', false)).text);
  const head = (text: string) => text.slice(0, text.indexOf('\r\n\r\n'));
  t.is(head((await post(hw)).text), head((await post(ha)).text));
  // HAProxy streams the CSV chunked; Hawser sends a length: the other fields agree, refresh included.
  const fields = (text: string) =>
    head(text)
      .split('\r\n')
      .filter((l) => !/^(content-length|transfer-encoding):/i.test(l));
  for (const path of ['/stats;csv', '/stats;csv;norefresh', '/stats', '/stats;norefresh']) {
    t.deepEqual(fields((await get(hw, path, true)).text), fields((await get(ha, path, true)).text), path);
  }
});
