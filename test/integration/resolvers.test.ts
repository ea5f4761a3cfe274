// Servers given by name and followed by a `resolvers` section, against a
// tiny DNS server inside the test (UDP on 127.0.0.1) whose A record the test
// changes: traffic follows the record to a second backend on 127.0.0.2, the
// runtime API shows the address, and a name that stops resolving (NXDOMAIN,
// then silence) puts the server in maintenance after its hold period and
// back when it resolves again. Holds are short so each test takes seconds.

import test from 'ava';
import { createServer as createHttpServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { dnsServer, type DnsServer } from '../support/dns-server.ts';
import { spawn } from 'node:child_process';
import { freePort, waitListening } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { runHawser, startHawser, writeConfig } from '../support/hawser-process.ts';
import { socat } from '../support/socat.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

/** An HTTP server answering `name` on host:port. */
async function named(t: ExecutionContext, name: string, host: string, port: number): Promise<void> {
  const s = createHttpServer((_req, res) => res.end(name));
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen({ host, port }, () => resolve());
  });
  t.teardown(() => {
    s.closeAllConnections();
    s.close();
  });
}

/** Backend "b1" on 127.0.0.1:P and "b2" on 127.0.0.2:P (the same port: only the address changes). */
async function twoBackends(t: ExecutionContext): Promise<number> {
  for (let i = 0; i < 10; i++) {
    const port = await freePort('127.0.0.2');
    try {
      await named(t, 'b2', '127.0.0.2', port);
      await named(t, 'b1', '127.0.0.1', port);
      return port;
    } catch {
      // Port taken on 127.0.0.1: try another one.
    }
  }
  throw new Error('no port free on both 127.0.0.1 and 127.0.0.2');
}

async function get(port: number): Promise<string> {
  try {
    const r = await httpRequest(port, '/', { timeoutMs: 2000 });
    return r.status === 200 ? r.text : `status ${r.status}`;
  } catch (err) {
    return `error ${(err as Error).message}`;
  }
}

/** Polls until `get` answers `want`; returns the milliseconds it took. */
async function until(port: number, want: string, ms: number): Promise<number> {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < ms) {
    last = await get(port);
    if (last === want) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`still '${last}' after ${ms} ms (wanted '${want}')`);
}

function srvAddr(state: string): string {
  const line = state.split('\n').find((l) => /^\d+ app \d+ s1 /.test(l));
  return line?.split(' ')[4] ?? '';
}

function statusOf(csv: string): string {
  const header = csv.split('\n')[0]!.replace(/^# /, '').split(',');
  const row = csv.split('\n').find((l) => l.startsWith('app,s1,'));
  return row?.split(',')[header.indexOf('status')] ?? '';
}

/** The DNS server, both backends, a frontend port, a stats socket, and the config's first lines (global + resolvers test + nameserver). */
async function lab(t: ExecutionContext): Promise<{ dns: DnsServer; backendPort: number; front: number; sock: string; head: string }> {
  const dns = await dnsServer(t);
  const backendPort = await twoBackends(t);
  const front = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hawser-dns-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const head = `global
    stats socket ${sock} level admin
${HTTP_DEFAULTS}resolvers test
    nameserver local 127.0.0.1:${dns.port}`;
  return { dns, backendPort, front, sock, head };
}

test('traffic follows the A record; NXDOMAIN and silence put the server in maintenance after their hold', async (t) => {
  const { dns, backendPort, front, sock, head } = await lab(t);
  dns.zone.set('app.hawser.test', { a: ['127.0.0.1'] });
  const p = await startHawser(
    t,
    `${head}
    resolve_retries 2
    timeout resolve 100ms
    timeout retry 100ms
    hold valid 300ms
    hold nx 600ms
    hold timeout 600ms
frontend www
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server s1 app.hawser.test:${backendPort} resolvers test init-addr none resolve-prefer ipv4
`,
  );

  // init-addr none: no address until the resolvers answer, then UP on 127.0.0.1.
  await until(front, 'b1', 3000);
  // The lines HAProxy 2.6 logs for the same story (checked by hand against haproxy -db).
  await p.waitFor((l) => l.includes('app/s1 changed its IP from (none) to 127.0.0.1 by test/local'), 2000);
  await p.waitFor((l) => l.includes("Server app/s1 ('app.hawser.test') is UP/READY (resolves again)"), 2000);
  await p.waitFor((l) => l.includes('Server app/s1 administratively READY thanks to valid DNS answer'), 2000);
  t.is(srvAddr(await socat(sock, 'show servers state app\n')), '127.0.0.1');
  t.true(dns.queries.every((q) => q.name === 'app.hawser.test' && q.type === 1), 'resolve-prefer ipv4 asks for A records');

  dns.zone.set('app.hawser.test', { a: ['127.0.0.2'] });
  const moved = await until(front, 'b2', 3000);
  // Next round within timeout resolve (100 ms): inside hold valid, with room for a loaded machine.
  t.true(moved < 300 + 700, `traffic moved within hold valid (+ margin): ${moved} ms`);
  t.is(srvAddr(await socat(sock, 'show servers state app\n')), '127.0.0.2');
  await p.waitFor((l) => l.includes('app/s1 changed its IP from 127.0.0.1 to 127.0.0.2 by test/local'), 2000);

  // `show resolvers`, in HAProxy 2.6's layout: two address updates so far, all answers valid.
  const shown = await socat(sock, 'show resolvers test\n');
  t.true(shown.startsWith('Resolvers section test\n nameserver local:\n  sent:        '), shown);
  t.regex(shown, /\n {2}update: {6}2\n/);
  const field = (name: string) => Number(new RegExp(`\\n {2}${name}: +(\\d+)\\n`).exec(shown)?.[1]);
  t.true(field('valid') >= 2 && field('valid') <= field('sent'));
  t.is(field('nx'), 0);
  t.is(await socat(sock, 'show resolvers nope\n'), "Can't find that resolvers section\n\n");

  // NXDOMAIN: the last address holds for `hold nx`, then MAINT (resolution) and 503s.
  dns.zone.set('app.hawser.test', 'nx');
  const nxAt = Date.now();
  t.is(await get(front), 'b2', 'within hold nx the server keeps its address');
  await p.waitFor((l) => l.includes('Server app/s1 is going DOWN for maintenance (DNS NX status)'), 3000);
  t.true(Date.now() - nxAt >= 600 - 350, 'not before hold nx after the last valid answer');
  t.is(await get(front), 'status 503');
  t.is(statusOf(await socat(sock, 'show stat\n')), 'MAINT (resolution)');
  const state = (await socat(sock, 'show servers state app\n')).split('\n').find((l) => / s1 /.test(l))!.split(' ');
  t.is(state[4], '-', 'no address');
  t.is(Number(state[6]) & 0x20, 0x20, 'srv_admin_state has RMAINT');

  // It resolves again: out of maintenance, traffic back.
  dns.zone.set('app.hawser.test', { a: ['127.0.0.2'] });
  await until(front, 'b2', 3000);
  await p.waitFor((l) => l.includes("Server app/s1 ('app.hawser.test') is UP/READY (resolves again)"), 2000);

  // Silence: after resolve_retries unanswered queries and hold timeout, maintenance again.
  dns.zone.set('app.hawser.test', 'silent');
  await p.waitFor((l) => l.includes('Server app/s1 is going DOWN for maintenance (DNS timeout status)'), 3000);
  t.is(await get(front), 'status 503');
});

test('init-addr libc resolves at start-up, then the resolvers take over; set server addr uses the same path', async (t) => {
  const { dns, backendPort, front, sock, head } = await lab(t);
  // The system resolver says localhost is 127.0.0.1; our nameserver says nothing for now.
  dns.zone.set('localhost', 'silent');
  const p = await startHawser(
    t,
    `${head}
    timeout resolve 100ms
    timeout retry 100ms
    hold timeout 30s
frontend www
    bind 127.0.0.1:${front}
    default_backend app
backend app
    server s1 localhost:${backendPort} resolvers test init-addr libc resolve-prefer ipv4
`,
  );
  t.is(await get(front), 'b1', 'libc gave 127.0.0.1; an unanswering nameserver changes nothing within hold timeout');
  dns.zone.set('localhost', { a: ['127.0.0.2'] });
  await until(front, 'b2', 3000);
  // The operator's way: same function, HAProxy's answer.
  dns.zone.set('localhost', 'silent');
  t.is(await socat(sock, 'set server app/s1 addr 127.0.0.1\n'), "IP changed from '127.0.0.2' to '127.0.0.1' by 'stats socket command'\n\n");
  t.is(await get(front), 'b1');
  await p.waitFor((l) => l.includes('app/s1 changed its IP from 127.0.0.2 to 127.0.0.1 by stats socket command'), 2000);

  // A reload keeps the address the server has now, and the new resolvers follow the record again.
  p.child.kill('SIGHUP');
  await p.waitFor((_l, e) => e?.event === 'reload', 5000);
  t.is(await get(front), 'b1');
  dns.zone.set('localhost', { a: ['127.0.0.2'] });
  await until(front, 'b2', 3000);
});

test('a name that does not resolve at start-up with init-addr libc stops the start, as in HAProxy', async (t) => {
  const dns = await dnsServer(t);
  const file = writeConfig(
    t,
    `${HTTP_DEFAULTS}resolvers test
    nameserver local 127.0.0.1:${dns.port}
frontend www
    bind 127.0.0.1:${await freePort()}
    default_backend app
backend app
    server s1 no-such-host.invalid:80 resolvers test init-addr libc
`,
  );
  const p = runHawser(t, ['-f', file]);
  t.not(await p.exited, 0);
  t.true([...p.lines, ...p.stderr].join('\n').includes("could not resolve address 'no-such-host.invalid' for server 'app/s1'"));
});

test('the same DNS story told by HAProxy 2.6 and by Hawser, side by side: the same server log lines', async (t) => {
  const { dns, backendPort, front, sock, head } = await lab(t);
  dns.zone.set('app.hawser.test', 'silent');
  const theirs = await freePort();
  const body = (port: number) => `    resolve_retries 2
    timeout resolve 100ms
    timeout retry 100ms
    hold valid 300ms
    hold nx 600ms
    hold timeout 30s
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server s1 app.hawser.test:${backendPort} resolvers test init-addr none resolve-prefer ipv4
`;
  const p = await startHawser(t, `${head}\n${body(front)}`);
  // HAProxy's own log lines (raw, on stderr): started here so that none is missed.
  const haCfg = writeConfig(t, `${head.replace(`stats socket ${sock} level admin`, 'log stderr format raw local0')}\n${body(theirs)}`.replace('defaults\n', 'defaults\n    log global\n'), 'haproxy.cfg');
  const ha = spawn('haproxy', ['-db', '-f', haCfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => {
    if (ha.exitCode === null) ha.kill('SIGKILL');
  });
  let haText = '';
  ha.stderr!.setEncoding('utf8').on('data', (d: string) => (haText += d));
  await waitListening(theirs, ha);

  const SERVER_EVENTS = new Set(['server-addr', 'server-resolution', 'backend-down']);
  const ours = () => p.events.filter((e) => SERVER_EVENTS.has(String(e.event))).map((e) => String(e.msg));
  const reference = () => haText.split('\n').filter((l) => l !== '' && !l.startsWith('[') && !l.includes('Proxy www started') && !l.includes('Proxy app started'));
  const both = async (needle: string, count: number) => {
    const start = Date.now();
    while (Date.now() - start < 4000) {
      if (ours().filter((l) => l.includes(needle)).length >= count && reference().filter((l) => l.includes(needle)).length >= count) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`waiting for '${needle}' x${count}\nours:\n${ours().join('\n')}\nHAProxy:\n${reference().join('\n')}`);
  };

  dns.zone.set('app.hawser.test', { a: ['127.0.0.1'] });
  await both('administratively READY', 1);
  dns.zone.set('app.hawser.test', { a: ['127.0.0.2'] });
  await both('to 127.0.0.2', 1);
  dns.zone.set('app.hawser.test', 'nx');
  await both('has no server available', 1);
  dns.zone.set('app.hawser.test', { a: ['127.0.0.1'] });
  await both('administratively READY', 2);
  t.deepEqual(ours(), reference());
  t.is(await get(front), 'b1');
});
