// hawser in `mode tcp`: bytes both ways untouched, half-closes, balancing,
// connection failures and timeouts, and the tcplog line.

import test from 'ava';
import { connect } from 'node:net';
import { createHash } from 'node:crypto';
import { tcpEchoServer, tcpServer } from '../support/backends.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';

function tcpRoundTrip(port: number, payload: Buffer, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
    s.end(payload);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('bytes go both ways untouched, and a half-close is passed through', async (t) => {
  const echo = await tcpEchoServer(t);
  const port = await freePort();
  await startHawser(
    t,
    `defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen echo
    bind 127.0.0.1:${port}
    server e1 127.0.0.1:${echo.port}
`,
  );
  const payload = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 131) & 0xff;
  const back = await tcpRoundTrip(port, payload);
  t.is(back.length, payload.length);
  t.is(sha(back), sha(payload));
});

test('roundrobin over TCP servers, and the tcplog line for each session', async (t) => {
  const a = await tcpServer(t, (s) => s.end('A'));
  const b = await tcpServer(t, (s) => s.end('B'));
  const port = await freePort();
  const p = await startHawser(
    t,
    `global
    log stdout format raw local0
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:${port}
    default_backend be
backend be
    server a 127.0.0.1:${a.port}
    server b 127.0.0.1:${b.port}
`,
  );
  const got: string[] = [];
  for (let i = 0; i < 4; i++) got.push((await tcpRoundTrip(port, Buffer.alloc(0))).toString());
  t.deepEqual(got, ['A', 'B', 'A', 'B']);
  const line = await p.waitFor((l) => /fe be\/b /.test(l));
  // %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq
  t.regex(line, /^127\.0\.0\.1:\d+ \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2}\.\d{3}\] fe be\/b \d+\/\d+\/\d+ 1 -- \d+\/\d+\/\d+\/\d+\/0 0\/0$/);
});

test('a refused server: retries, then the client is closed and the log says SC', async (t) => {
  const dead = await freePort();
  const port = await freePort();
  const p = await startHawser(
    t,
    `global
    log stdout format raw local0
defaults
    mode tcp
    log global
    option tcplog
    retries 1
    timeout connect 300ms
    timeout client 10s
    timeout server 10s
listen l
    bind 127.0.0.1:${port}
    server gone 127.0.0.1:${dead}
`,
  );
  const back = await tcpRoundTrip(port, Buffer.from('hello')).catch(() => Buffer.alloc(0));
  t.is(back.length, 0);
  const line = await p.waitFor((l) => l.includes(' l l/gone '));
  t.regex(line, / SC /);
  t.regex(line, /\/1 0\/0$/, 'one retry counted in %rc');
});

test('timeout client closes an idle TCP session', async (t) => {
  const echo = await tcpEchoServer(t);
  const port = await freePort();
  await startHawser(
    t,
    `defaults
    mode tcp
    timeout connect 2s
    timeout client 300ms
    timeout server 10s
listen echo
    bind 127.0.0.1:${port}
    server e1 127.0.0.1:${echo.port}
`,
  );
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    s.on('close', () => resolve());
    s.resume();
    s.write('x');
  });
  const took = Date.now() - started;
  t.true(took >= 250 && took < 3000, `closed after ${took} ms`);
});

test('listeners on IPv6 and on all addresses', async (t) => {
  const echo = await tcpEchoServer(t);
  const p6 = await freePort('::1');
  const pAll = await freePort();
  await startHawser(
    t,
    `defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen v6
    bind [::1]:${p6}
    server e1 127.0.0.1:${echo.port}
listen all
    bind *:${pAll}
    server e1 127.0.0.1:${echo.port}
`,
  );
  t.is((await tcpRoundTrip(p6, Buffer.from('six'), '::1')).toString(), 'six');
  t.is((await tcpRoundTrip(pAll, Buffer.from('any'))).toString(), 'any');
});
