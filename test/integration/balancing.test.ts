// Every balancing algorithm through a running hawser, as a client sees it:
// which server answers which request.

import test from 'ava';
import { echoServers } from '../support/backends.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

async function setup(t: Parameters<typeof startHawser>[0], balance: string, serverOpts: string[] = [], extra = '') {
  const names = serverOpts.map((_, i) => `s${i + 1}`);
  const servers = await echoServers(t, names);
  const port = await freePort();
  await startHawser(
    t,
    `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    balance ${balance}
${extra}
${servers.map((s, i) => `    server ${s.name} 127.0.0.1:${s.port} ${serverOpts[i]}`).join('\n')}
`,
  );
  const ask = async (path: string, headers: Record<string, string> = {}) =>
    String((await httpRequest(port, path, { headers })).headers['x-served-by']);
  /** Resolves when the next request reaches any of the servers. */
  const arrival = (): Promise<void> => new Promise((r) => servers.forEach((s) => s.server.once('request', () => r())));
  return Object.assign(ask, { arrival });
}

function counts(xs: string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const x of xs) c[x] = (c[x] ?? 0) + 1;
  return c;
}

test('roundrobin honours weights', async (t) => {
  const ask = await setup(t, 'roundrobin', ['weight 3', 'weight 1']);
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) seen.push(await ask('/'));
  t.deepEqual(counts(seen), { s1: 30, s2: 10 });
});

test('static-rr cycles in weight proportion', async (t) => {
  const ask = await setup(t, 'static-rr', ['weight 2', 'weight 1']);
  const seen: string[] = [];
  for (let i = 0; i < 30; i++) seen.push(await ask('/'));
  t.deepEqual(counts(seen), { s1: 20, s2: 10 });
});

test('first fills the first server up to its maxconn', async (t) => {
  const ask = await setup(t, 'first', ['maxconn 10', 'maxconn 10']);
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) seen.push(await ask('/'));
  t.deepEqual(seen, ['s1', 's1', 's1', 's1', 's1'], 'sequential requests never exceed maxconn of the first');
});

test('leastconn sends a new request to the server with fewer active ones', async (t) => {
  const ask = await setup(t, 'leastconn', ['', '']);
  // while one server holds a slow request, quick ones go to the other
  const held = ask.arrival();
  const hold = ask('/slow/800');
  await held;
  const quick: string[] = [];
  for (let i = 0; i < 5; i++) quick.push(await ask('/'));
  const holder = await hold;
  t.true(quick.every((q) => q !== holder), `quick requests avoided ${holder}: ${quick.join(',')}`);
});

test('source: one client address always lands on the same server', async (t) => {
  const ask = await setup(t, 'source', ['', '', '']);
  const first = await ask('/');
  for (let i = 0; i < 10; i++) t.is(await ask(`/x${i}`), first);
});

test('uri: the same path goes to the same server, different paths spread', async (t) => {
  const ask = await setup(t, 'uri', ['', '', '']);
  const map = new Map<string, string>();
  for (let i = 0; i < 30; i++) map.set(`/p${i}`, await ask(`/p${i}`));
  for (const [path, server] of map) t.is(await ask(path), server);
  t.true(new Set(map.values()).size >= 2, 'paths are spread over servers');
});

test('url_param and hdr hash on their key; hash-type consistent', async (t) => {
  const ask = await setup(t, 'url_param user', ['', '', ''], '    hash-type consistent');
  const a = await ask('/?user=alice');
  for (let i = 0; i < 5; i++) t.is(await ask(`/page${i}?user=alice`), a);
  const ask2 = await setup(t, 'hdr(X-Tenant)', ['', '', '']);
  const b = await ask2('/', { 'x-tenant': 'acme' });
  for (let i = 0; i < 5; i++) t.is(await ask2(`/${i}`, { 'x-tenant': 'acme' }), b);
});

test('random reaches every server', async (t) => {
  const ask = await setup(t, 'random', ['', '', '']);
  const seen = new Set<string>();
  for (let i = 0; i < 60 && seen.size < 3; i++) seen.add(await ask('/'));
  t.is(seen.size, 3);
});

test('disabled servers get nothing', async (t) => {
  const ask = await setup(t, 'roundrobin', ['', 'disabled']);
  for (let i = 0; i < 6; i++) t.is(await ask('/'), 's1');
});
