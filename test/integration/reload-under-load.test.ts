// Reload under load, as an operator does it on a busy node: wrk drives
// keep-alive traffic for 30 s while the file is edited and SIGHUP sent ten
// times (nine valid files that change the backend's servers, weights and
// algorithm, one invalid file). wrk must see no socket error and no
// non-2xx response, and every valid file must take effect.

import test from 'ava';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { runHawser, writeConfig, type HawserProcess } from '../support/hawser-process.ts';
import { echoServers } from '../support/backends.ts';
import { freePorts } from '../support/ports.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

const DURATION_S = 30;

function cfg(web: number, backend: string): string {
  return `${HTTP_DEFAULTS}frontend www\n    bind 127.0.0.1:${web}\n    default_backend app\nbackend app\n${backend}`;
}

async function reloaded(h: HawserProcess, n: number): Promise<Record<string, unknown>> {
  await h.waitFor(() => h.events.filter((e) => e.event === 'reload').length >= n, 10_000);
  return h.events.filter((e) => e.event === 'reload')[n - 1];
}

test('wrk for 30 s through 10 reloads (one invalid): no socket error, no non-2xx, every valid file in force', async (t) => {
  t.timeout((DURATION_S + 30) * 1000);
  const [web] = await freePorts(1);
  const [a, b, c] = await echoServers(t, ['a', 'b', 'c']);
  const srv = (name: string, port: number, extra = '') => `    server ${name} 127.0.0.1:${port}${extra}\n`;
  const files = [
    srv('a', a.port) + srv('b', b.port),
    srv('b', b.port) + srv('c', c.port),
    '    balance leastconn\n' + srv('a', a.port) + srv('c', c.port, ' weight 5'),
    srv('a', a.port, ' weight 3') + srv('b', b.port) + srv('c', c.port),
    '    this is not a keyword\n' + srv('a', a.port),
    srv('c', c.port),
    '    balance source\n' + srv('a', a.port) + srv('b', b.port),
    srv('a', a.port) + srv('b', b.port, ' backup'),
    srv('b', b.port) + srv('c', c.port, ' maxconn 50'),
    srv('c', c.port),
  ].map((s) => cfg(web, s));
  const file = writeConfig(t, cfg(web, srv('a', a.port) + srv('b', b.port) + srv('c', c.port)));
  const hawser = runHawser(t, ['-f', file]);
  await hawser.waitFor((_l, e) => e?.event === 'ready');

  const wrk = spawn('wrk', ['-t', '2', '-c', '20', '-d', `${DURATION_S}s`, '--timeout', '5s', `http://127.0.0.1:${web}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => wrk.kill('SIGKILL'));
  let out = '';
  wrk.stdout!.setEncoding('utf8');
  wrk.stdout!.on('data', (d: string) => (out += d));
  wrk.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((r) => wrk.on('exit', (code) => r(code)));

  // Ten reloads spread over the run, the last one well before its end.
  const gap = ((DURATION_S - 6) * 1000) / files.length;
  const hitsBefore: number[] = [];
  for (let i = 0; i < files.length; i++) {
    await new Promise((r) => setTimeout(r, gap));
    writeFileSync(file, files[i]);
    hitsBefore.push(c.hits);
    hawser.child.kill('SIGHUP');
    const ev = await reloaded(hawser, i + 1);
    t.is(ev.result, i === 4 ? 'failed' : 'ok', `reload ${i + 1}`);
  }
  // The last file sends everything to c: its counter must move, a's and b's must not.
  const [aHits, bHits, cHits] = [a.hits, b.hits, c.hits];
  await new Promise((r) => setTimeout(r, 1000));
  t.true(c.hits > cHits, 'the last configuration serves');
  t.true(a.hits - aHits <= 20 && b.hits - bHits <= 20, 'only requests already in flight went to a and b');

  t.is(await done, 0, out);
  t.log(out.trim());
  const total = /(\d+) requests in/.exec(out);
  t.not(total, null, out);
  t.true(Number(total![1]) > 5_000, `only ${total![1]} requests`);
  t.notRegex(out, /Socket errors/, 'wrk saw no connect/read/write error nor timeout');
  t.notRegex(out, /Non-2xx or 3xx responses/);
  t.is(hawser.child.exitCode, null);
});
