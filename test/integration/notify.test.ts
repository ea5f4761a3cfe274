// The systemd notify protocol as systemd would see it: a fake NOTIFY_SOCKET
// (a unix datagram socket bound by a small python3 receiver, since Node
// cannot bind one) records what the real hawser sends: READY=1 once it
// listens, RELOADING=1/READY=1 around a reload, STOPPING=1 on SIGTERM, and
// WATCHDOG=1 pings that stop while the event loop is blocked (blocked on
// purpose with HAProxy's `debug dev loop <ms>` runtime command).

import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHawser, type HawserProcess } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

interface Datagram {
  at: number;
  fields: Map<string, string>;
}

// Prints each datagram as one JSON line; ancillary fds (systemd-notify's
// BARRIER=1 pipe) are not received, so the kernel closes them and the
// barrier is released, as systemd does.
const RECEIVER = `
import socket, sys, json, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"bound": True}), flush=True)
while True:
    data = s.recv(65536)
    print(json.dumps({"at": time.monotonic() * 1000, "text": data.decode("utf-8", "replace")}), flush=True)
`;

interface Receiver {
  path: string;
  got: Datagram[];
  waitFor(pred: (d: Datagram) => boolean, ms?: number): Promise<Datagram>;
}

async function fakeNotifySocket(t: ExecutionContext): Promise<Receiver> {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-notify-'));
  const path = join(dir, 'notify.sock');
  const child = spawn('python3', ['-u', '-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const got: Datagram[] = [];
  const waiters: Array<{ pred: (d: Datagram) => boolean; resolve: (d: Datagram) => void }> = [];
  let buf = '';
  let bound: () => void = () => {};
  const ready = new Promise<void>((r) => (bound = r));
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const j = JSON.parse(buf.slice(0, nl)) as { bound?: boolean; at?: number; text?: string };
      buf = buf.slice(nl + 1);
      if (j.bound) {
        bound();
        continue;
      }
      const fields = new Map<string, string>();
      for (const line of j.text!.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
      }
      const dg = { at: j.at!, fields };
      got.push(dg);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].pred(dg)) waiters.splice(i, 1)[0].resolve(dg);
      }
    }
  });
  await ready;
  return {
    path,
    got,
    waitFor(pred, ms = 5000) {
      const seen = got.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) waiters.splice(i, 1);
          reject(new Error(`no such datagram within ${ms} ms; got: ${got.map((g) => [...g.fields.keys()].join(',')).join(' | ')}`));
        }, ms);
      });
    },
  };
}

async function backend(t: ExecutionContext): Promise<number> {
  const s: Server = createServer((_q, res) => res.end('ok'));
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    s.closeAllConnections();
    s.close();
  });
  return (s.address() as { port: number }).port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function cliCommand(sock: string, cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(sock, () => s.end(`${cmd}\n`));
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (out += d));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

async function lab(t: ExecutionContext, env: Record<string, string>): Promise<{ hawser: HawserProcess; rx: Receiver; web: number; file: string; sock: string }> {
  const rx = await fakeNotifySocket(t);
  const [web] = await freePorts(1);
  const be = await backend(t);
  const dir = mkdtempSync(join(tmpdir(), 'hawser-notify-cfg-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'hawser.cfg');
  const sock = join(dir, 'admin.sock');
  writeFileSync(
    file,
    `global\n    stats socket ${sock} mode 600 level admin\n${HTTP_DEFAULTS}frontend www\n    bind 127.0.0.1:${web}\n    default_backend app\nbackend app\n    server a 127.0.0.1:${be}\n`,
  );
  const hawser = runHawser(t, ['-f', file], { NOTIFY_SOCKET: rx.path, ...env });
  return { hawser, rx, web, file, sock };
}

test('READY=1 once listening, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM', async (t) => {
  const { hawser, rx, web, file } = await lab(t, {});
  const ready = await rx.waitFor((d) => d.fields.get('READY') === '1');
  t.true(await canConnect(web), 'the listener is bound when READY=1 arrives');
  t.is(ready.fields.get('MAINPID'), String(hawser.child.pid));
  t.is(ready.fields.get('STATUS'), 'Ready: 1 frontend, 1 backend, 1/1 servers up');

  hawser.child.kill('SIGHUP');
  const reloading = await rx.waitFor((d) => d.fields.get('RELOADING') === '1');
  t.regex(reloading.fields.get('MONOTONIC_USEC') ?? '', /^\d+$/);
  const again = await rx.waitFor((d) => d.fields.get('READY') === '1' && d.at > reloading.at);
  t.regex(again.fields.get('STATUS') ?? '', /^Ready: /);

  // A broken file: READY=1 again (the old configuration runs) and STATUS says why.
  writeFileSync(file, 'frontend broken\n    bind\n');
  hawser.child.kill('SIGHUP');
  const failed = await rx.waitFor((d) => (d.fields.get('STATUS') ?? '').startsWith('Reload failed'));
  t.true(failed.fields.get('STATUS')!.includes(`${file}:2`), failed.fields.get('STATUS'));
  t.is(failed.fields.get('READY'), '1');

  const exited = hawser.stop('SIGTERM');
  await rx.waitFor((d) => d.fields.get('STOPPING') === '1');
  t.is(await exited, 0);
});

test('WATCHDOG=1 every WATCHDOG_USEC/2, and no ping while the event loop is blocked', async (t) => {
  // 300 ms watchdog: a ping every 150 ms.
  const { hawser, rx, sock } = await lab(t, { WATCHDOG_USEC: '300000' });
  await rx.waitFor((d) => d.fields.get('READY') === '1');
  const pings = (): Datagram[] => rx.got.filter((d) => d.fields.get('WATCHDOG') === '1');
  const base = pings().length;
  await new Promise((r) => setTimeout(r, 1500));
  const healthy = pings().length - base;
  t.true(healthy >= 6 && healthy <= 12, `${healthy} pings in 1.5 s at 150 ms`);

  const before = pings().length;
  const blockStart = performance.now();
  await cliCommand(sock, 'debug dev loop 1500');
  const blockedFor = performance.now() - blockStart;
  t.true(blockedFor >= 1400, `the loop was blocked ${blockedFor} ms`);
  await new Promise((r) => setTimeout(r, 600));
  const all = pings();
  // The largest gap between pings spans the blocked loop; pings resume after it.
  let gap = 0;
  for (let i = Math.max(1, before - 1); i < all.length; i++) gap = Math.max(gap, all[i].at - all[i - 1].at);
  t.true(gap >= 1300, `largest gap ${gap} ms`);
  t.true(all.length > before, 'pings resumed');
  t.is(await hawser.stop('SIGTERM'), 0);
});

test('without NOTIFY_SOCKET nothing is sent and hawser runs as before', async (t) => {
  const { hawser, rx } = await lab(t, { NOTIFY_SOCKET: '' });
  await hawser.waitFor((_l, e) => e?.event === 'ready');
  await new Promise((r) => setTimeout(r, 300));
  t.is(rx.got.length, 0);
  t.is(await hawser.stop('SIGTERM'), 0);
});
