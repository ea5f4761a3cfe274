// Reload as an operator does it: edit the file, send SIGHUP (or SIGUSR2),
// and watch clients keep being served: new connections get the new
// configuration, in-flight requests finish, a bad file changes nothing,
// and an unchanged listener never refuses a connection.

import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { runHawser, writeConfig, type HawserProcess } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

/** A backend answering its name; `/slow` answers after `slowMs`. */
/** Resolves when a server started by named() receives /slow, by port. */
const slowArrivals = new Map<number, () => void>();
const slowArrival = (port: number): Promise<void> => new Promise((r) => slowArrivals.set(port, r));

async function named(t: ExecutionContext, name: string, slowMs = 0): Promise<number> {
  const s: Server = createServer((req, res) => {
    if (req.url === '/slow') {
      slowArrivals.get((s.address() as { port: number }).port)?.();
      setTimeout(() => res.end(`${name} slow`), slowMs);
    } else res.end(name);
  });
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    s.closeAllConnections();
    s.close();
  });
  return (s.address() as { port: number }).port;
}

function cfg(webPort: number, servers: Record<string, number>, extra = ''): string {
  const lines = Object.entries(servers).map(([n, p]) => `    server ${n} 127.0.0.1:${p}`);
  return `${HTTP_DEFAULTS}frontend www\n    bind 127.0.0.1:${webPort}\n    default_backend app\n${extra}backend app\n${lines.join('\n')}\n`;
}

async function start(t: ExecutionContext, text: string): Promise<{ hawser: HawserProcess; file: string }> {
  const file = writeConfig(t, text);
  const hawser = runHawser(t, ['-f', file]);
  await hawser.waitFor((_l, e) => e?.event === 'ready');
  return { hawser, file };
}

/** Send `signal` and wait for the `reload` event it causes (the n-th one so far). */
async function reload(h: HawserProcess, n: number, signal: NodeJS.Signals = 'SIGHUP'): Promise<Record<string, unknown>> {
  h.child.kill(signal);
  await h.waitFor(() => h.events.filter((e) => e.event === 'reload').length >= n, 5000);
  return h.events.filter((e) => e.event === 'reload')[n - 1];
}

test('a new server list takes effect for new requests while a slow request on the old server completes', async (t) => {
  const [web] = await freePorts(1);
  const a = await named(t, 'a', 800);
  const b = await named(t, 'b');
  const { hawser, file } = await start(t, cfg(web, { a }));
  t.is((await httpRequest(web, '/')).text, 'a');
  const arrived = slowArrival(a);
  const slow = httpRequest(web, '/slow');
  await arrived;
  writeFileSync(file, cfg(web, { b }));
  const ev = await reload(hawser, 1);
  t.is(ev.result, 'ok');
  t.is(ev.listenersKept, 1);
  for (let i = 0; i < 4; i++) t.is((await httpRequest(web, '/')).text, 'b');
  const r = await slow;
  t.is(r.status, 200);
  t.is(r.text, 'a slow');
});

test('an invalid file is refused with file:line, and the old configuration keeps serving', async (t) => {
  const [web] = await freePorts(1);
  const a = await named(t, 'a');
  const { hawser, file } = await start(t, cfg(web, { a }));
  writeFileSync(file, cfg(web, { a }).replace('default_backend app', 'default_backend app\n    balanse roundrobin'));
  const ev = await reload(hawser, 1, 'SIGUSR2');
  t.is(ev.result, 'failed');
  const problems = ev.problems as string[];
  t.true(problems.some((p) => p.includes(`${file}:`) && p.includes('balanse')), problems.join('\n'));
  t.is(ev.level, 'error', 'logged at error');
  t.is((await httpRequest(web, '/')).text, 'a');
  // Fixed file: the next reload succeeds.
  writeFileSync(file, cfg(web, { a }));
  t.is((await reload(hawser, 2)).result, 'ok');
  t.is((await httpRequest(web, '/')).text, 'a');
});

test('2000 keep-alive requests over 10 connections through 5 reloads (one invalid): none fails', async (t) => {
  const [web] = await freePorts(1);
  const a = await named(t, 'a');
  const b = await named(t, 'b');
  const { hawser, file } = await start(t, cfg(web, { a, b }));
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  t.teardown(() => agent.destroy());
  let failed = 0;
  let ok = 0;
  const deadline = Date.now() + 15_000;
  const worker = async (total: number): Promise<void> => {
    for (let i = 0; i < total && Date.now() < deadline; i++) {
      try {
        const r = await httpRequest(web, '/', { agent });
        if (r.status === 200) ok++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  const load = Promise.all(Array.from({ length: 10 }, () => worker(200)));
  const files = [cfg(web, { b }), cfg(web, { a, b }), 'frontend broken\n    bind\n', cfg(web, { a }), cfg(web, { a, b })];
  for (let i = 0; i < files.length; i++) {
    await new Promise((r) => setTimeout(r, 150));
    writeFileSync(file, files[i]);
    const ev = await reload(hawser, i + 1);
    t.is(ev.result, i === 2 ? 'failed' : 'ok');
  }
  await load;
  t.is(failed, 0);
  t.is(ok, 2000);
});

test('an unchanged listener keeps its socket: connections during reloads all succeed', async (t) => {
  const [web, other] = await freePorts(2);
  const a = await named(t, 'a');
  const base = cfg(web, { a });
  const withOther = `${base}frontend more\n    bind 127.0.0.1:${other}\n    default_backend app\n`;
  const { hawser, file } = await start(t, base);
  let refused = 0;
  let accepted = 0;
  let running = true;
  // Bare TCP connects, back to back from 4 probers: a close-and-rebind would refuse some.
  const probe = async (): Promise<void> => {
    const until = Date.now() + 10_000;
    while (running && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const s = connect({ host: '127.0.0.1', port: web }, () => {
          accepted++;
          s.destroy();
          resolve();
        });
        s.on('error', () => {
          refused++;
          resolve();
        });
      });
    }
  };
  const prober = Promise.all([probe(), probe(), probe(), probe()]);
  for (let i = 0; i < 4; i++) {
    writeFileSync(file, i % 2 === 0 ? withOther : base);
    const ev = await reload(hawser, i + 1);
    t.is(ev.result, 'ok');
    t.is(ev.listenersKept, 1);
    t.is(ev.listenersOpened, i % 2 === 0 ? 1 : 0);
    t.is(ev.listenersClosed, i % 2 === 0 ? 0 : 1);
  }
  running = false;
  await prober;
  t.is(refused, 0);
  t.true(accepted >= 20, `only ${accepted} probes`);
  // The removed listener is closed, the kept one still answers.
  await t.throwsAsync(httpRequest(other, '/'));
  t.is((await httpRequest(web, '/')).text, 'a');
});
