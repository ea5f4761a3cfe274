// The example configurations Hawser must read: the snippets of the 2014
// HAProxy talk (seed 003, one file each in test/fixtures/config/seeds/,
// copied verbatim) and the sketch in DESIGN.md. Every one of them loads.

import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic, loadConfig, parseConfigText, parseSources, type Diagnostic } from '../../../src/config/index.ts';

const seeds = fileURLToPath(new URL('../../fixtures/config/seeds/', import.meta.url));
const design = fileURLToPath(new URL('../../fixtures/config/design/hawser.cfg', import.meta.url));
// Both nodes of the talk's peers example are named haproxy1 and haproxy2.
const opts = { env: {}, localName: 'haproxy1' };

/**
 * How the talk combines its snippets: the boilerplate (global + defaults)
 * goes with every part, and a part that names backends shown elsewhere is
 * loaded with them ("...and then..."), as `-f a -f b` would.
 */
const COMPOSITIONS: Array<{ files: string[] }> = [
  { files: ['01-boilerplate.cfg'] },
  { files: ['01-boilerplate.cfg', '02-good-stuff.cfg'] },
  { files: ['01-boilerplate.cfg', '03-persistence.cfg'] },
  { files: ['01-boilerplate.cfg', '04-app-cookie.cfg'] },
  { files: ['01-boilerplate.cfg', '05-smtp.cfg'] },
  { files: ['01-boilerplate.cfg', '02-good-stuff.cfg', '06-ssl-termination.cfg'] },
  { files: ['01-boilerplate.cfg', '07-ssl-backends.cfg'] },
  { files: ['01-boilerplate.cfg', '08-peers.cfg', '09-stick-table.cfg'] },
  { files: ['01-boilerplate.cfg', '10-l7-routing.cfg', '11-l7-backends.cfg'] },
  { files: ['01-boilerplate.cfg', '12-stats-page.cfg', '11-l7-backends.cfg'] },
];

/** No errors; the only warning allowed is the one about ' \' continuations the slides use. */
function clean(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void }, diags: Diagnostic[], what: string): void {
  const bad = diags.filter((d) => d.severity === 'error' || !d.message.includes("' \\' continues"));
  t.deepEqual(bad.map(formatDiagnostic), [], what);
}

test('every seed snippet is part of a composition', (t) => {
  const files = readdirSync(seeds).filter((n) => n.endsWith('.cfg')).sort();
  t.is(files.length, 13);
  const used = new Set([...COMPOSITIONS.flatMap((c) => c.files), '13-stats-socket.cfg']);
  t.deepEqual(files.filter((f) => !used.has(f)), []);
});

for (const c of COMPOSITIONS) {
  test(`seed: ${c.files.join(' + ')}`, async (t) => {
    const r = await loadConfig(c.files.map((f) => seeds + f), opts);
    clean(t, r.diagnostics, c.files.join(' + '));
    t.truthy(r.config);
  });
}

test('seed: the stats socket line, which the talk shows for the global section', (t) => {
  const line = readFileSync(seeds + '13-stats-socket.cfg', 'utf8');
  const r = parseSources([{ file: '13-stats-socket.cfg', text: `global\n${line}` }], opts);
  t.deepEqual(r.diagnostics, []);
  t.like(r.config!.global.statsSockets[0], { address: { kind: 'unix', path: '/tmp/haproxy.socket' }, level: 'operator' });
});

test('seed: what the talk configures ends up in the model', async (t) => {
  const r = await loadConfig([seeds + '01-boilerplate.cfg', seeds + '02-good-stuff.cfg', seeds + '05-smtp.cfg'], opts);
  const c = r.config!;
  t.like(c.global, { daemon: true, maxconn: 256 });
  t.like(c.frontends.get('http-in'), { mode: 'http', defaultBackend: { name: 'web_servers' }, timeouts: { client: 10_000 } });
  t.like(c.frontends.get('http-in')!.binds[0], { address: { host: '0.0.0.0', port: 10080 } });
  t.like(c.backends.get('web_servers'), { balance: { kind: 'roundrobin' }, timeouts: { connect: 2000, server: 10_000 } });
  t.deepEqual(c.backends.get('web_servers')!.servers.map((s) => `${s.name} ${(s.address as { host: string }).host}:${s.port}`), [
    'apache1 10.11.11.10:1080',
    'apache2 10.11.11.11:1080',
  ]);
  t.like(c.frontends.get('smtp-in'), { mode: 'tcp' });
  t.like(c.backends.get('smtp_servers'), { mode: 'http', balance: { kind: 'source' } });
});

test('seed: the peers snippet names this node', async (t) => {
  const r = await loadConfig([seeds + '08-peers.cfg'], opts);
  t.like(r.config!.peers.get('proxies'), { local: 'haproxy1', bind: { address: { host: '10.11.10.5', port: 9925 } } });
});

test('seed: continued server lines keep their parameters', async (t) => {
  const r = await loadConfig([seeds + '01-boilerplate.cfg', seeds + '11-l7-backends.cfg'], opts);
  // The continued lines were read as one: each server has its check and its cookie.
  t.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), []);
  const servers = [...r.config!.backends.values()].flatMap((b) => b.servers).filter((s) => s.cookie !== undefined);
  t.true(servers.length >= 2);
  t.true(servers.every((s) => s.check === true));
});

test('DESIGN.md sketch: only its missing backend stands in the way', (t) => {
  const text = readFileSync(design, 'utf8');
  const r = parseConfigText(text, 'hawser.cfg', { env: {}, localName: 'lb1' });
  t.is(r.config, undefined);
  const others = r.diagnostics;
  // The sketch routes to 'static' without defining it; HAProxy refuses that too.
  if (!/^backend static\b/m.test(text)) {
    t.deepEqual(others.map(formatDiagnostic), ["HAWSER_CFG_UNKNOWN_BACKEND hawser.cfg:31: frontend 'www': default_backend 'static' does not exist"]);
  } else {
    t.deepEqual(others.map(formatDiagnostic), []);
  }
  // With the backend it names, the sketch loads.
  const completed = parseConfigText(`${text}\nbackend static\n    server s1 10.0.1.20:8080\n`, 'hawser.cfg', { env: {}, localName: 'lb1' });
  clean(t, completed.diagnostics, 'DESIGN.md + backend static');
  t.truthy(completed.config);
});

test('DESIGN.md sketch: peers and vrrp are read as this node sees them', (t) => {
  const text = readFileSync(design, 'utf8').replace(/^    http-request.*$|^    acl.*$|^    cookie.*$|^    stick-table.*$| ssl crt \S+/gm, '');
  const r = parseConfigText(`${text}\nbackend static\n    server s1 10.0.1.20:8080\n`, 'hawser.cfg', { env: {}, localName: 'lb2' });
  t.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  const c = r.config!;
  t.like(c.peers.get('lb'), { local: 'lb2', bind: { address: { host: '192.0.2.12', port: 7777 } } });
  const v = c.vrrp.get('web')!;
  t.like(v, { interface: 'eth0', virtualRouterId: 51, advertInterval: 100 });
  t.is(v.priority.byNode.get('lb2'), 100);
  t.like(v.virtualAddresses[0], { address: '192.0.2.100', prefix: 24 });
  t.like(v.entries[0], { keyword: 'track-backend', args: ['app', 'weight', '-60'] });
  t.like(c.global.statsSockets[0], { address: { path: '/run/hawser/admin.sock' }, mode: 0o600, level: 'admin' });
  t.like(c.backends.get('app'), { balance: { kind: 'leastconn' }, check: { kind: 'http', method: 'GET', uri: '/health' } });
  t.true(c.backends.get('app')!.servers[2]!.backup);
});
