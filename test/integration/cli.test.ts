// The `hawser` command as init scripts and operators drive it: -c, -f with
// directories, -p, signals, inherited listening sockets, and -sf hand-over.

import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { echoServers } from '../support/backends.ts';
import { HAWSER_BIN, runHawser, startHawser, writeConfig } from '../support/hawser-process.ts';
import { connect } from 'node:net';
import { tcpEchoServer } from '../support/backends.ts';
import { rawConnection } from '../support/http-client.ts';
import { freePort } from '../support/ports.ts';
import { socat } from '../support/socat.ts';
import { httpRequest } from '../support/http-client.ts';

function tempDir(t: Parameters<typeof writeConfig>[0]): string {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const proxyCfg = (port: number, serverPort: number) => `defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server s1 127.0.0.1:${serverPort}
`;

test('-c on a valid file: "Configuration file is valid", exit 0, nothing started', async (t) => {
  const port = await freePort();
  const file = writeConfig(t, proxyCfg(port, 1));
  const p = runHawser(t, ['-c', '-f', file]);
  t.is(await p.exited, 0);
  t.deepEqual(p.lines, ['Configuration file is valid']);
  // nothing listens
  await new Promise<void>((resolve, reject) => {
    const s = createServer().listen(port, '127.0.0.1', () => s.close(() => resolve()));
    s.on('error', reject);
  });
});

test('-c on a bad file: every problem as file:line with a code, exit 1', async (t) => {
  const file = writeConfig(
    t,
    `defaults
    mode http
    timeout connect 5s
backend app
    balanse roundrobin
    server s1 127.0.0.1:80 wieght 3
frontend www
    bind 127.0.0.1:8080
    default_backend nowhere
`,
  );
  const p = runHawser(t, ['-c', '-f', file]);
  t.is(await p.exited, 1);
  const err = p.stderr.join('\n');
  t.regex(err, new RegExp(`${file}:5: .*'balanse'.*did you mean 'balance'`));
  t.regex(err, new RegExp(`${file}:6: .*'wieght'`));
  t.regex(err, /nowhere/);
  t.regex(err, /HAWSER_CFG_/);
  t.false(p.lines.includes('Configuration file is valid'));
});

test('a bad file also stops a normal start: exit 1, nothing listens', async (t) => {
  const file = writeConfig(t, 'frontend www\n    bind 127.0.0.1:1\n    mode htp\n');
  const p = runHawser(t, ['-f', file]);
  t.is(await p.exited, 1);
  t.regex(p.stderr.join('\n'), new RegExp(`${file}:3:`));
});

test('-f DIR loads its .cfg files in lexical order, with other -f files', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const dir = tempDir(t);
  const port = await freePort();
  writeFileSync(join(dir, '10-defaults.cfg'), 'defaults\n    mode http\n    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\n');
  writeFileSync(join(dir, '20-frontend.cfg'), `frontend www\n    bind 127.0.0.1:${port}\n    default_backend app\n`);
  writeFileSync(join(dir, 'README'), 'not a config file\n');
  const be = writeConfig(t, `backend app\n    server s1 127.0.0.1:${servers[0].port}\n`, 'backend.cfg');
  const p = runHawser(t, ['-f', dir, '-f', be]);
  await p.waitFor((_l, e) => e?.event === 'ready');
  const r = await httpRequest(port, '/');
  t.is(JSON.parse(r.text).server, 's1');
});

test('-p writes the pid of the serving process itself; SIGINT ends it with status 0', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const dir = tempDir(t);
  const pidfile = join(dir, 'hawser.pid');
  const port = await freePort();
  const file = writeConfig(t, proxyCfg(port, servers[0].port));
  const p = runHawser(t, ['-f', file, '-p', pidfile]);
  await p.waitFor((_l, e) => e?.event === 'ready');
  t.is(Number(readFileSync(pidfile, 'utf8').trim()), p.child.pid ?? -1, 'no wrapper: the pid we started is the one serving');
  const ready = p.events.find((e) => e.event === 'ready');
  t.is(ready?.pid, p.child.pid, 'logs carry that pid');
  t.is(await p.stop('SIGINT'), 0);
  t.false(existsSync(pidfile), 'pidfile removed on exit');
});

test('bind "fd@${LISTEN_FD}": a listening socket inherited from the parent', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const listener = createServer();
  await new Promise<void>((r) => listener.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => listener.close());
  const port = (listener.address() as { port: number }).port;
  const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
  const file = writeConfig(
    t,
    `defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend www
    bind "fd@\${LISTEN_FD}"
    default_backend app
backend app
    server s1 127.0.0.1:${servers[0].port}
`,
  );
  const child = spawn(process.execPath, [HAWSER_BIN, '-f', file], {
    stdio: ['ignore', 'pipe', 'pipe', fd],
    env: { ...process.env, LISTEN_FD: '3' },
  });
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('"event":"ready"')) resolve();
    });
    child.on('exit', (c) => reject(new Error(`exited ${c}`)));
  });
  // Stop our own copy from accepting, so that only hawser's does.
  listener.close();
  const r = await httpRequest(port, '/via-fd');
  t.is(JSON.parse(r.text).url, '/via-fd');
});

test('-sf: a new process takes over the port and the stats socket, and the old one finishes and exits', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hawser-sf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const file = writeConfig(t, `global\n    stats socket ${sock} level admin\n${proxyCfg(port, servers[0].port)}`);
  const oldP = runHawser(t, ['-f', file]);
  await oldP.waitFor((_l, e) => e?.event === 'ready');
  t.is((await httpRequest(port, '/old')).status, 200);
  const newP = runHawser(t, ['-f', file, '-sf', String(oldP.child.pid)]);
  await newP.waitFor((_l, e) => e?.event === 'ready');
  t.is(await oldP.exited, 0, 'the old process finished cleanly');
  t.is((await httpRequest(port, '/new')).status, 200);
  // The old process closed its socket on the same path: the successor's file is still there.
  t.true(existsSync(sock), 'the stats socket file survives the old process');
  t.regex(await socat(sock, 'show info\n'), new RegExp(`^Pid: ${newP.child.pid}$`, 'm'));
});

test('-v and -vv print haproxy-style version blocks', async (t) => {
  const v = runHawser(t, ['-v']);
  t.is(await v.exited, 0);
  t.regex(v.lines[0], /^Hawser version \d+\.\d+\.\d+/);
  const vv = runHawser(t, ['-vv']);
  t.is(await vv.exited, 0);
  const text = vv.lines.join('\n');
  t.regex(text, /^Feature list : /m);
  t.regex(text, /^Available services : none/m);
});

test('.if/.elif/.else blocks use the -cc condition language; -cc exit codes', async (t) => {
  const file = writeConfig(
    t,
    `.if version_atleast(2.4)
defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
.else
    this line is never read
.endif
.if feature(OPENSSL)
frontend tls
    bind :443 ssl crt /nowhere
.endif
`,
  );
  const p = runHawser(t, ['-c', '-f', file]);
  t.is(await p.exited, 0, p.stderr.join('\n'));
  t.is((await runHawser(t, ['-cc', 'version_atleast(2.4)']).exited), 0);
  t.is((await runHawser(t, ['-cc', 'feature(OPENSSL)']).exited), 1);
  t.is((await runHawser(t, ['-cc', 'version_atleast(']).exited), 2);
});

test('SIGTERM: idle keep-alive clients are closed, finished sessions do not hold the exit', async (t) => {
  const servers = await echoServers(t, ['s1']);
  const echo = await tcpEchoServer(t);
  const [hp, tp] = [await freePort(), await freePort()];
  const p = await startHawser(
    t,
    `defaults
    timeout connect 1s
    timeout client 300ms
    timeout server 5s
frontend www
    mode http
    timeout client 10s
    bind 127.0.0.1:${hp}
    default_backend app
backend app
    mode http
    server s1 127.0.0.1:${servers[0].port}
listen tcp
    mode tcp
    bind 127.0.0.1:${tp}
    server e1 127.0.0.1:${echo.port}
`,
  );
  // a TCP session ended by timeout client
  await new Promise<void>((resolve) => {
    const s = connect({ host: '127.0.0.1', port: tp });
    s.on('error', () => {});
    s.on('close', () => resolve());
    s.resume();
    s.write('x');
  });
  // an idle keep-alive HTTP client
  const c = await rawConnection(hp);
  c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await c.waitFor('"server":"s1"');
  const t0 = Date.now();
  t.is(await p.stop('SIGTERM'), 0);
  t.true(Date.now() - t0 < 3000, 'graceful stop did not hang');
});

test('-c checks vrrp sections as the node named by -L reads them', async (t) => {
  const file = writeConfig(
    t,
    `vrrp web
    interface eth0
    virtual-router-id 51
    priority lb1 150 lb2 100
    advert-interval 100ms
    virtual-ipaddress 192.0.2.100/32
    unicast-source 192.0.2.11
`,
  );
  const p = runHawser(t, ['-c', '-f', file, '-L', 'lb1']);
  t.is(await p.exited, 1);
  t.regex(p.stderr.join('\n'), new RegExp(`${file}:7: .*unicast-peer`));
});

test('stats socket fd@N: the runtime API on a socket inherited from the parent', async (t) => {
  const listener = createServer();
  await new Promise<void>((r) => listener.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => listener.close());
  const port = (listener.address() as { port: number }).port;
  const fd = (listener as unknown as { _handle: { fd: number } })._handle.fd;
  const file = writeConfig(t, 'global\n    stats socket fd@3 level admin\n    node inherited\n');
  const child = spawn(process.execPath, [HAWSER_BIN, '-f', file], { stdio: ['ignore', 'pipe', 'pipe', fd] });
  t.teardown(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('"event":"ready"')) resolve();
    });
    child.on('exit', (c) => reject(new Error(`exited ${c}`)));
  });
  listener.close();
  const answer = await new Promise<string>((resolve) => {
    let got = '';
    const s = connect({ host: '127.0.0.1', port });
    s.on('data', (d) => (got += d));
    s.on('close', () => resolve(got));
    s.on('error', () => resolve(got));
    s.end('show info\n');
  });
  t.regex(answer, /^node: inherited$/m);
});
