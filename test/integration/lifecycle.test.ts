// The process as an operator and systemd see it: the pidfile follows the
// process through reloads and goes at stop; `hard-stop-after` bounds a
// graceful stop; stats sockets follow the file on reload (kept, re-created,
// added, removed); and `user`/`group` drop root once everything is bound
// (checked as root: a port below 1024 is bound, then the process runs as
// nobody, serves, reloads, and cleans up).

import test, { type ExecutionContext } from 'ava';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runHawser, writeConfig, type HawserProcess } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { socat } from '../support/socat.ts';

/** Counts the requests each server started by backend() received, by port. */
const received = new Map<number, number>();

async function backend(t: ExecutionContext): Promise<number> {
  const s: Server = createServer((req, res) => {
    const port = (s.address() as { port: number }).port;
    received.set(port, (received.get(port) ?? 0) + 1);
    const m = /^\/slow\/(\d+)$/.exec(req.url ?? '');
    if (m !== null) setTimeout(() => res.end('slow'), Number(m[1]));
    else res.end('ok');
  });
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    s.closeAllConnections();
    s.close();
  });
  return (s.address() as { port: number }).port;
}

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-lifecycle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(t: ExecutionContext, text: string): Promise<{ hawser: HawserProcess; file: string }> {
  const file = writeConfig(t, text);
  const hawser = runHawser(t, ['-f', file]);
  await hawser.waitFor((_l, e) => e?.event === 'ready');
  return { hawser, file };
}

async function reload(h: HawserProcess, n: number): Promise<Record<string, unknown>> {
  h.child.kill('SIGHUP');
  await h.waitFor(() => h.events.filter((e) => e.event === 'reload').length >= n, 5000);
  return h.events.filter((e) => e.event === 'reload')[n - 1];
}

test('pidfile: written at start, moved by a reload that names another file, removed at stop', async (t) => {
  const dir = tempDir(t);
  const [web] = await freePorts(1);
  const be = await backend(t);
  const conf = (pid: string) => `global\n    pidfile ${join(dir, pid)}\n${HTTP_DEFAULTS}frontend www\n    bind 127.0.0.1:${web}\n    default_backend app\nbackend app\n    server s 127.0.0.1:${be}\n`;
  const { hawser, file } = await start(t, conf('one.pid'));
  const pid = String(hawser.child.pid);
  t.is(readFileSync(join(dir, 'one.pid'), 'utf8'), `${pid}\n`);
  writeFileSync(file, conf('two.pid'));
  t.is((await reload(hawser, 1)).result, 'ok');
  t.false(existsSync(join(dir, 'one.pid')));
  t.is(readFileSync(join(dir, 'two.pid'), 'utf8'), `${pid}\n`, 'same process: reload happens in place');
  // A reload that keeps the name rewrites it (someone may have removed it).
  rmSync(join(dir, 'two.pid'));
  t.is((await reload(hawser, 2)).result, 'ok');
  t.is(readFileSync(join(dir, 'two.pid'), 'utf8'), `${pid}\n`);
  t.is(await hawser.stop('SIGTERM'), 0);
  t.false(existsSync(join(dir, 'two.pid')));
});

test('hard-stop-after bounds a graceful stop: a slow request is cut, a short one finishes', async (t) => {
  const [web] = await freePorts(1);
  const be = await backend(t);
  const { hawser } = await start(
    t,
    `global\n    hard-stop-after 700ms\n${HTTP_DEFAULTS.replace('timeout server 5s', 'timeout server 10s')}frontend www\n    bind 127.0.0.1:${web}\n    default_backend app\nbackend app\n    server s 127.0.0.1:${be}\n`,
  );
  const short = httpRequest(web, '/slow/300');
  const long = httpRequest(web, '/slow/5000').then(
    (r) => `answered ${r.status}`,
    (e: Error) => `failed: ${e.message}`,
  );
  // Both requests in flight at the server before the stop.
  for (let i = 0; i < 500 && (received.get(be) ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(received.get(be), 2);
  const t0 = Date.now();
  hawser.child.kill('SIGTERM');
  t.is((await short).text, 'slow', 'in-flight work within the bound finishes');
  t.regex(await long, /^failed/);
  t.is(await hawser.exited, 0);
  const took = Date.now() - t0;
  t.true(took >= 600 && took < 3000, `stopped after ${took} ms`);
});

test('stats sockets follow a reload: unchanged kept (with its sessions), changed re-created, removed closed, new opened', async (t) => {
  const dir = tempDir(t);
  const [web, keptPort, changedPort, removedPort, addedPort] = await freePorts(5);
  const be = await backend(t);
  const unix = join(dir, 'admin.sock');
  const conf = (sockets: string) =>
    `global\n${sockets}${HTTP_DEFAULTS}frontend www\n    bind 127.0.0.1:${web}\n    default_backend app\nbackend app\n    server s 127.0.0.1:${be}\n`;
  const before = conf(
    `    stats socket ipv4@127.0.0.1:${keptPort} level operator\n    stats socket ipv4@127.0.0.1:${changedPort} level user\n` +
      `    stats socket ipv4@127.0.0.1:${removedPort} level admin\n    stats socket ${unix} mode 600 level admin\n`,
  );
  const after = conf(
    `    stats socket ipv4@127.0.0.1:${keptPort} level operator\n    stats socket ipv4@127.0.0.1:${changedPort} level admin\n` +
      `    stats socket ${unix} mode 660 level admin\n    stats socket ipv4@127.0.0.1:${addedPort} level user\n`,
  );
  const { hawser, file } = await start(t, before);
  t.is(statSync(unix).mode & 0o777, 0o600);
  t.is(await socat(`tcp:127.0.0.1:${changedPort}`, 'show cli level\n'), 'user\n\n');
  // An interactive session on the kept socket, open across the reload.
  const s = connect({ host: '127.0.0.1', port: keptPort });
  t.teardown(() => s.destroy());
  let got = '';
  s.setEncoding('latin1');
  s.on('data', (d: string) => (got += d));
  const ask = async (cmd: string): Promise<string> => {
    got = '';
    s.write(cmd + '\n');
    for (let i = 0; i < 200 && !got.endsWith('> '); i++) await new Promise((r) => setTimeout(r, 10));
    return got;
  };
  t.is(await ask('prompt'), '\n> ');

  writeFileSync(file, after);
  const ev = await reload(hawser, 1);
  t.is(ev.result, 'ok');
  t.like(ev, { statsSocketsKept: 1, statsSocketsOpened: 3, statsSocketsClosed: 3 });
  t.is(await ask('show cli level'), 'operator\n\n> ', 'the kept socket kept its session');
  t.is(await socat(`tcp:127.0.0.1:${changedPort}`, 'show cli level\n'), 'admin\n\n', 'the changed socket has its new level');
  t.is(statSync(unix).mode & 0o777, 0o660, 'the unix socket was re-created with its new mode');
  t.is(await socat(`unix:${unix}`, 'show cli level\n'), 'admin\n\n');
  t.is(await socat(`tcp:127.0.0.1:${addedPort}`, 'show cli level\n'), 'user\n\n');
  await t.throwsAsync(socat(`tcp:127.0.0.1:${removedPort}`, 'show cli level\n'));
});

/** A port under 1024 free on 127.0.0.1 (only root may bind it). */
async function privilegedPort(): Promise<number | null> {
  for (let p = 880; p < 900; p++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createTcpServer();
      s.once('error', () => resolve(false));
      s.listen({ host: '127.0.0.1', port: p }, () => s.close(() => resolve(true)));
    });
    if (free) return p;
  }
  return null;
}

function idsOf(pid: number): { uid: number; gid: number; groups: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    uid: Number(/^Uid:\s+(\d+)/m.exec(status)![1]),
    gid: Number(/^Gid:\s+(\d+)/m.exec(status)![1]),
    groups: /^Groups:\s*(.*)$/m.exec(status)![1].trim(),
  };
}

test('user/group: binds a port below 1024 and its sockets as root, then runs as nobody:nogroup', async (t) => {
  if (process.getuid?.() !== 0) {
    t.log('not root: the privilege drop cannot be observed here');
    t.pass();
    return;
  }
  const port = await privilegedPort();
  if (port === null) {
    t.log('no free port in 880-899');
    t.pass();
    return;
  }
  const dir = tempDir(t);
  // nobody must be able to read the file on reload and remove its pidfile at stop.
  chmodSync(dir, 0o1777);
  const be = await backend(t);
  const sock = join(dir, 'admin.sock');
  const conf = `global\n    user nobody\n    group nogroup\n    pidfile ${join(dir, 'hawser.pid')}\n    stats socket ${sock} mode 600 level admin\n${HTTP_DEFAULTS}frontend www\n    bind 127.0.0.1:${port}\n    default_backend app\nbackend app\n    server s 127.0.0.1:${be}\n`;
  const file = writeConfig(t, conf);
  chmodSync(dirname(file), 0o755);
  chmodSync(file, 0o644);
  const hawser = runHawser(t, ['-f', file]);
  await hawser.waitFor((_l, e) => e?.event === 'ready');
  const dropped = hawser.events.find((e) => e.event === 'privileges-dropped');
  t.like(dropped, { uid: 65534, gid: 65534 });
  const ids = idsOf(hawser.child.pid!);
  t.is(ids.uid, 65534);
  t.is(ids.gid, 65534);
  t.is(ids.groups, '65534', 'no supplementary group of root left');
  // It serves on the port it bound as root, and its root-owned socket still answers.
  t.is((await httpRequest(port, '/')).text, 'ok');
  t.is(statSync(sock).uid, 0);
  t.is(await socat(`unix:${sock}`, 'show cli level\n'), 'admin\n\n');
  // A reload that keeps the listener works without root.
  t.is((await reload(hawser, 1)).result, 'ok');
  t.is((await httpRequest(port, '/')).text, 'ok');
  t.is(await hawser.stop('SIGTERM'), 0);
  t.false(existsSync(join(dir, 'hawser.pid')), 'the pidfile is removed at stop');
});

test('an unknown user stops the start-up before anything is bound', async (t) => {
  const [web] = await freePorts(1);
  const file = writeConfig(t, `global\n    user no-such-user-here\n${HTTP_DEFAULTS}frontend www\n    bind 127.0.0.1:${web}\n`);
  const hawser = runHawser(t, ['-f', file]);
  t.is(await hawser.exited, 1);
  t.regex(hawser.stderr.join('\n'), /HAWSER_PRIV_UNKNOWN_USER cannot find user id for 'no-such-user-here'/);
  await t.throwsAsync(httpRequest(web, '/'));
});
