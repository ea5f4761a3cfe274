// Health checks seen from the outside: a failing server is logged DOWN in
// HAProxy's words and skipped by the balancer, comes back UP, backups take
// over only when every active server is down, and an agent can drain.

import test from 'ava';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

interface Switchable {
  name: string;
  port: number;
  healthy: boolean;
  server: Server;
}

/** A server whose /health answer the test switches between 200 and 500. */
async function switchable(t: Parameters<typeof startHawser>[0], name: string): Promise<Switchable> {
  const s: Switchable = { name, port: 0, healthy: true, server: undefined as unknown as Server };
  s.server = createHttpServer((req, res) => {
    if (req.url === '/health') {
      res.statusCode = s.healthy ? 200 : 500;
      res.end();
      return;
    }
    res.end(name);
  });
  await new Promise<void>((r) => s.server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  s.port = (s.server.address() as { port: number }).port;
  t.teardown(() => {
    s.server.closeAllConnections();
    s.server.close();
  });
  return s;
}

const base = (port: number, backend: string) => `global
    log stdout format raw local0
${HTTP_DEFAULTS}    timeout check 2s
frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
${backend}`;

async function whoAnswers(port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await httpRequest(port, '/')).text);
  return out;
}

test('httpchk: a failing server goes DOWN (logged as HAProxy does), is skipped, then comes back UP', async (t) => {
  const a = await switchable(t, 'a');
  const b = await switchable(t, 'b');
  const port = await freePort();
  const p = await startHawser(
    t,
    base(
      port,
      `    option httpchk GET /health
    server a 127.0.0.1:${a.port} check inter 100ms rise 2 fall 2
    server b 127.0.0.1:${b.port} check inter 100ms rise 2 fall 2
`,
    ),
  );
  t.deepEqual((await whoAnswers(port, 4)).sort(), ['a', 'a', 'b', 'b']);
  b.healthy = false;
  const down = await p.waitFor((_l, e) => e?.event === 'server-down');
  t.regex(
    down,
    /Server app\/b is DOWN, reason: Layer7 wrong status, code: 500, info: \\"Internal Server Error\\", check duration: \d+ms\. 1 active and 0 backup servers left\./,
  );
  t.deepEqual(await whoAnswers(port, 6), ['a', 'a', 'a', 'a', 'a', 'a']);
  b.healthy = true;
  const up = await p.waitFor((_l, e) => e?.event === 'server-up');
  t.regex(up, /Server app\/b is UP, reason: Layer7 check passed, code: 200/);
  t.deepEqual((await whoAnswers(port, 4)).sort(), ['a', 'a', 'b', 'b']);
});

test('a backup server is used only when no active server is up', async (t) => {
  const a = await switchable(t, 'a');
  const spare = await switchable(t, 'spare');
  const port = await freePort();
  const p = await startHawser(
    t,
    base(
      port,
      `    option httpchk GET /health
    server a 127.0.0.1:${a.port} check inter 100ms rise 1 fall 1
    server spare 127.0.0.1:${spare.port} check inter 100ms backup
`,
    ),
  );
  t.deepEqual(await whoAnswers(port, 3), ['a', 'a', 'a']);
  a.healthy = false;
  await p.waitFor((_l, e) => e?.event === 'server-down' && e.server === 'a');
  t.deepEqual(await whoAnswers(port, 3), ['spare', 'spare', 'spare']);
});

test('no usable server: 503, and the backend-down event', async (t) => {
  const a = await switchable(t, 'a');
  const port = await freePort();
  const p = await startHawser(
    t,
    base(port, `    option httpchk GET /health\n    server a 127.0.0.1:${a.port} check inter 100ms fall 1\n`),
  );
  a.healthy = false;
  const line = await p.waitFor((_l, e) => e?.event === 'backend-down');
  t.regex(line, /backend app has no server available!/);
  t.is((await httpRequest(port, '/')).status, 503);
});

test('agent-check: an agent answering "drain" takes the server out of rotation', async (t) => {
  const a = await switchable(t, 'a');
  const b = await switchable(t, 'b');
  let reply = 'ready\n';
  const agent = createTcpServer((s) => s.end(reply));
  await new Promise<void>((r) => agent.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => agent.close());
  const agentPort = (agent.address() as { port: number }).port;
  const port = await freePort();
  const p = await startHawser(
    t,
    base(
      port,
      `    server a 127.0.0.1:${a.port}
    server b 127.0.0.1:${b.port} agent-check agent-port ${agentPort} agent-inter 100ms
`,
    ),
  );
  t.deepEqual((await whoAnswers(port, 4)).sort(), ['a', 'a', 'b', 'b']);
  reply = 'drain\n';
  await p.waitFor((_l, e) => e?.event === 'server-agent' && e.admin === 'drain');
  t.deepEqual(await whoAnswers(port, 4), ['a', 'a', 'a', 'a']);
});
