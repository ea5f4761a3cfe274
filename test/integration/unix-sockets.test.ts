// UNIX sockets on both sides: `bind /path mode 660` and `bind unix@/path`
// (the file's mode as asked, a stale socket file replaced), servers given
// as a path or `unix@path` in http and tcp mode, with curl --unix-socket as
// the client and real servers listening on socket files.

import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { handleEcho } from '../../demo/echo-server.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { startHawser } from '../support/hawser-process.ts';

const run = promisify(execFile);

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-unix-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The demo's echo server, named `name`, listening on the socket file `path`. */
async function unixEcho(t: ExecutionContext, name: string, path: string): Promise<void> {
  const srv = createHttpServer((req, res) => handleEcho(name, req, res));
  await new Promise<void>((r) => srv.listen(path, () => r()));
  t.teardown(() => {
    srv.closeAllConnections();
    srv.close();
  });
}

/** Asynchronous: the servers behind hawser live in this process. */
async function curlUnix(sock: string, url: string): Promise<string> {
  return (await run('curl', ['-s', '--max-time', '5', '--unix-socket', sock, url], { encoding: 'utf8' })).stdout;
}

test('http: binds on socket files with their mode, servers on socket files (path and unix@)', async (t) => {
  const dir = tempDir(t);
  const front = join(dir, 'front.sock');
  const front2 = join(dir, 'front2.sock');
  // A stale socket file from a previous run must not stop the bind.
  const stale = createNetServer();
  await new Promise<void>((r) => stale.listen(front2, () => r()));
  await new Promise<void>((r) => stale.close(() => r()));
  await unixEcho(t, 'a', join(dir, 'a.sock'));
  await unixEcho(t, 'b', join(dir, 'b.sock'));
  await startHawser(t, `${HTTP_DEFAULTS}frontend www
    bind ${front} mode 660
    bind unix@${front2} mode 600
    option forwardfor
    default_backend app
backend app
    balance roundrobin
    server a ${join(dir, 'a.sock')}
    server b unix@${join(dir, 'b.sock')}
`);
  t.is(statSync(front).mode & 0o777, 0o660);
  t.is(statSync(front2).mode & 0o777, 0o600);
  const seen: Array<{ server: string; url: string; headers: Record<string, string | undefined> }> = [];
  for (const s of [front, front2, front, front2]) seen.push(JSON.parse(await curlUnix(s, 'http://x/u')) as { server: string; url: string; headers: Record<string, string | undefined> });
  t.deepEqual(seen.map((s) => s.server).sort(), ['a', 'a', 'b', 'b'], 'both socket servers take requests');
  t.is(seen[0]!.url, '/u');
  // A UNIX-socket client has no address: HAProxy sends none in X-Forwarded-For either.
  t.is(seen[0]!.headers['x-forwarded-for'], undefined);
});

test('tcp: a TCP port in front of a socket-file server, bytes both ways', async (t) => {
  const dir = tempDir(t);
  const back = join(dir, 'back.sock');
  const srv = createNetServer((s) => {
    s.on('error', () => {});
    s.write('hello from the socket\n');
    s.pipe(s);
  });
  await new Promise<void>((r) => srv.listen(back, () => r()));
  t.teardown(() => srv.close());
  const { freePort } = await import('../support/ports.ts');
  const port = await freePort();
  await startHawser(t, `defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen l
    bind 127.0.0.1:${port}
    server s ${back}
`);
  const got = await new Promise<string>((resolve, reject) => {
    const c = connect({ host: '127.0.0.1', port });
    let buf = '';
    c.setEncoding('utf8');
    c.on('error', reject);
    c.on('data', (d: string) => {
      buf += d;
      if (buf.includes('ping\n')) c.end();
    });
    c.on('close', () => resolve(buf));
    c.write('ping\n');
  });
  t.is(got, 'hello from the socket\nping\n');
});
