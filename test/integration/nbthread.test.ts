// `nbthread 2` as an operator sees it: two workers share the listener (the
// `thread` fetch in a response header says which one answered), and the
// runtime API, the stats page and the metrics still show one process: their
// counters are the sum of what the clients sent through either worker, and
// a server disabled over the socket is skipped by both. Serial: each test
// starts a process with several threads, and the machine is small.

import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runHawser, writeConfig, type HawserProcess } from '../support/hawser-process.ts';
import { namedServer } from '../support/backends.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest, rawExchange } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { socat } from '../support/socat.ts';
import { parseStat } from '../support/stat-csv.ts';

interface Lab {
  hawser: HawserProcess;
  file: string;
  web: number;
  sock: string;
  text: (tag: string, backendExtra?: string) => string;
}

async function lab(t: ExecutionContext, nbthread: number, backendExtra = ''): Promise<Lab> {
  const [web] = await freePorts(1);
  const a = await namedServer(t, 'a');
  const b = await namedServer(t, 'b');
  const dir = mkdtempSync(join(tmpdir(), 'hawser-nbthread-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const text = (tag: string, extra = backendExtra): string =>
    `global\n    nbthread ${nbthread}\n    stats socket ${sock} level admin\n${HTTP_DEFAULTS}` +
    `frontend www\n    bind 127.0.0.1:${web}\n    http-response set-header X-Thread %[thread]\n    http-response set-header X-Tag ${tag}\n` +
    `    http-request use-service prometheus-exporter if { path /metrics }\n    stats enable\n    stats uri /stats\n    default_backend app\n` +
    `backend app\n${extra}    server a 127.0.0.1:${a}\n    server b 127.0.0.1:${b}\n`;
  const file = writeConfig(t, text('one'));
  const hawser = runHawser(t, ['-f', file]);
  await hawser.waitFor((_l, e) => e?.event === 'ready');
  return { hawser, file, web, sock, text };
}

const REQUEST = 'GET /x HTTP/1.1\r\nHost: nbthread.test\r\nConnection: close\r\n\r\n';

/** `n` requests, each on its own connection (the kernel picks a worker per connection). */
async function requests(web: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await rawExchange(web, REQUEST)).text);
  return out;
}

function threadsOf(answers: string[]): Set<string> {
  return new Set(answers.map((a) => /x-thread: (\d+)/i.exec(a)?.[1] ?? 'none'));
}

test.serial('nbthread 2 serves on both workers and show stat / show info count what every client sent', async (t) => {
  const l = await lab(t, 2);
  const answers = await requests(l.web, 40);
  t.true(answers.every((a) => a.startsWith('HTTP/1.1 200')), answers.find((a) => !a.startsWith('HTTP/1.1 200')));
  t.deepEqual([...threadsOf(answers)].sort(), ['0', '1'], 'both workers answered');
  const rows = parseStat(await socat(l.sock, 'show stat\n'));
  const fe = rows.get('www/FRONTEND')!;
  t.is(Number(fe.req_tot), 40);
  t.is(Number(fe.stot), 40);
  t.is(Number(fe.bin), 40 * Buffer.byteLength(REQUEST));
  t.is(Number(fe.hrsp_2xx), 40);
  t.is(Number(rows.get('app/a')!.stot) + Number(rows.get('app/b')!.stot), 40);
  t.is(Number(rows.get('app/BACKEND')!.stot), 40);
  const info = await socat(l.sock, 'show info\n');
  t.regex(info, /^Nbthread: 2$/m);
  t.regex(info, /^CumReq: 40$/m);
  t.regex(info, /^CumConns: 40$/m);
  // `clear counters all` is one view too: what either worker serves next starts from zero.
  await socat(l.sock, 'clear counters all\n');
  await requests(l.web, 10);
  t.is(Number(parseStat(await socat(l.sock, 'show stat\n')).get('www/FRONTEND')!.req_tot), 10);
});

test.serial('the stats page and the metrics answered by either worker show the same totals', async (t) => {
  const l = await lab(t, 2);
  await requests(l.web, 6);
  // Each answer counts every request before it, whichever worker served which.
  for (let i = 1; i <= 12; i++) {
    const csv = await rawExchange(l.web, 'GET /stats;csv HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const body = csv.text.slice(csv.text.indexOf('\r\n\r\n') + 4);
    t.is(Number(parseStat(body).get('www/FRONTEND')!.req_tot), 6 + 2 * i - 1, `stats answer ${i}`);
    const m = await rawExchange(l.web, 'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    t.regex(m.text, new RegExp(`^haproxy_frontend_http_requests_total\\{proxy="www"\\} ${6 + 2 * i}$`, 'm'), `metrics answer ${i}`);
  }
});

test.serial('a server disabled over the runtime API is skipped by both workers', async (t) => {
  const l = await lab(t, 2);
  t.is(await socat(l.sock, 'disable server app/a\n'), '\n');
  const answers = await requests(l.web, 30);
  t.deepEqual([...threadsOf(answers)].sort(), ['0', '1']);
  for (const a of answers) t.true(a.endsWith('\r\n\r\nb'), a);
  await socat(l.sock, 'enable server app/a\n');
  const again = await requests(l.web, 30);
  t.true(again.some((a) => a.endsWith('\r\n\r\na')));
});

test.serial('reload with nbthread 2 drops no connection and both workers take the new configuration', async (t) => {
  const l = await lab(t, 2);
  let failures = 0;
  let served = 0;
  let running = true;
  const clients = [0, 1, 2, 3].map(async () => {
    // Bounded: stops when the reloads are over, or after 15 s at worst.
    const until = Date.now() + 15_000;
    while (running && Date.now() < until) {
      try {
        const r = await httpRequest(l.web, '/', { timeoutMs: 5000 });
        if (r.status === 200) served++;
        else failures++;
      } catch {
        failures++;
      }
    }
  });
  for (let i = 1; i <= 3; i++) {
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(l.file, l.text(`gen${i}`));
    l.hawser.child.kill('SIGHUP');
    await l.hawser.waitFor(() => l.hawser.events.filter((e) => e.event === 'reload').length >= i, 5000);
  }
  await new Promise((r) => setTimeout(r, 300));
  running = false;
  await Promise.all(clients);
  t.is(failures, 0);
  t.true(served > 20, `served ${served}`);
  t.true(l.hawser.events.filter((e) => e.event === 'reload').every((e) => e.result === 'ok'));
  // Workers reload just after the main thread: give them a moment, then every answer is the new one.
  await new Promise((r) => setTimeout(r, 200));
  const answers = await requests(l.web, 30);
  t.deepEqual([...threadsOf(answers)].sort(), ['0', '1']);
  for (const a of answers) t.regex(a, /x-tag: gen3/i);
});

test.serial('nbthread 1 is one worker: the thread fetch says 0', async (t) => {
  const l = await lab(t, 1);
  const answers = await requests(l.web, 10);
  t.deepEqual([...threadsOf(answers)], ['0']);
  t.regex(await socat(l.sock, 'show info\n'), /^Nbthread: 1$/m);
});

const STICK =
  '    stick-table type ip size 1k expire 1m store http_req_cnt,http_req_rate(10s)\n    stick on src\n' +
  '    http-request track-sc0 src\n    http-response set-header X-Count %[sc_http_req_cnt(0)]\n';

/** Requests on fresh connections, a little apart: a table write reaches the other thread in well under that. */
async function spaced(web: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push((await rawExchange(web, REQUEST)).text);
    await new Promise((r) => setTimeout(r, 30));
  }
  return out;
}

function countsOf(answers: string[]): number[] {
  return answers.map((a) => Number(/x-count: (\d+)/i.exec(a)?.[1] ?? -1));
}

test.serial('stick tables are one table for both workers: one count per client, one server', async (t) => {
  const l = await lab(t, 2, STICK);
  t.falsy(l.hawser.events.find((e) => e.event === 'nbthread-reduced'));
  const answers = await spaced(l.web, 24);
  t.deepEqual([...threadsOf(answers)].sort(), ['0', '1'], 'both workers answered');
  t.deepEqual(countsOf(answers), Array.from({ length: 24 }, (_, i) => i + 1), 'each request saw every earlier one, whichever worker served it');
  t.is(new Set(answers.map((a) => a.slice(-1))).size, 1, 'the client kept its server');
  const table = await socat(l.sock, 'show table app\n');
  t.regex(table, /key=127\.0\.0\.1 .*server_id=\d+ .*http_req_cnt=24 http_req_rate\(10000\)=24/, table);
});

test.serial('a reload that adds a stick table keeps both workers, and the table is shared from then on', async (t) => {
  const l = await lab(t, 2);
  let failures = 0;
  let running = true;
  const clients = [0, 1, 2].map(async () => {
    const until = Date.now() + 10_000;
    while (running && Date.now() < until) {
      try {
        if ((await httpRequest(l.web, '/', { timeoutMs: 5000 })).status !== 200) failures++;
      } catch {
        failures++;
      }
    }
  });
  await new Promise((r) => setTimeout(r, 200));
  writeFileSync(l.file, l.text('sticky', STICK));
  l.hawser.child.kill('SIGHUP');
  await l.hawser.waitFor((_l, e) => e?.event === 'reload', 5000);
  await new Promise((r) => setTimeout(r, 500));
  running = false;
  await Promise.all(clients);
  t.is(failures, 0);
  await socat(l.sock, 'clear table app\n');
  await new Promise((r) => setTimeout(r, 100));
  const answers = await spaced(l.web, 16);
  t.deepEqual([...threadsOf(answers)].sort(), ['0', '1']);
  t.deepEqual(countsOf(answers), Array.from({ length: 16 }, (_, i) => i + 1));
  t.is(new Set(answers.map((a) => a.slice(-1))).size, 1, 'the table keeps this client on one server');
});

test.serial('a table replicated by peers keeps one thread, and says why', async (t) => {
  const [web, peer] = await freePorts(2);
  const a = await namedServer(t, 'a');
  const file = writeConfig(
    t,
    `global\n    nbthread 2\n${HTTP_DEFAULTS}peers lb\n    peer n1 127.0.0.1:${peer}\n` +
      `frontend www\n    bind 127.0.0.1:${web}\n    http-response set-header X-Thread %[thread]\n    default_backend app\n` +
      `backend app\n    stick-table type ip size 1k expire 1m peers lb\n    stick on src\n    server a 127.0.0.1:${a}\n`,
  );
  const hawser = runHawser(t, ['-f', file, '-L', 'n1']);
  await hawser.waitFor((_l, e) => e?.event === 'ready');
  const warn = hawser.events.find((e) => e.event === 'nbthread-reduced');
  t.regex(String(warn?.msg), /replicated by peers/);
  t.deepEqual([...threadsOf(await requests(web, 12))], ['0']);
});
