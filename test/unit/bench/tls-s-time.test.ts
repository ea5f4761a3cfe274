// The TLS bench reads `openssl s_time`: its connection count, and its
// per-connection marks telling full handshakes from resumed ones. Checked
// against the real command and a node:https server on 127.0.0.1 with a
// certificate made for the test.

import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate } from '../../../bench/certificates.ts';
import { parseSTime, tlsRatios, type TlsRow } from '../../../bench/tls.ts';

function sTime(port: number, mode: '-new' | '-reuse'): Promise<string> {
  return new Promise((res, rej) => {
    const p = spawn('openssl', ['s_time', '-connect', `127.0.0.1:${port}`, mode, '-time', '1', '-www', '/'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
    p.on('error', rej);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) res(out);
      else rej(new Error(`s_time ended with ${code}: ${out.slice(-500)}`));
    });
  });
}

test('s_time -new counts full handshakes only, -reuse resumed ones', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-s-time-'));
  const pem = readFileSync(makeCertificate(dir, 'ecdsa'), 'utf8');
  const server = createServer({ key: pem, cert: pem }, (_req, res) => res.end('hello'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const full = parseSTime(await sTime(port, '-new'));
    t.true(full.connections > 0);
    t.is(full.marked, full.connections, 'one mark per connection');
    t.is(full.resumed, 0);
    const again = parseSTime(await sTime(port, '-reuse'));
    t.true(again.connections > 0);
    t.true(again.resumed >= again.marked * 0.9, `resumed ${again.resumed} of ${again.marked}`);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseSTime refuses output without a count; ratios pair hawser with haproxy', (t) => {
  t.throws(() => parseSTime('ERROR\nconnect: Connection refused\n'), { message: /no count/ });
  const row = (proxy: 'haproxy' | 'hawser', rate: number, perCpu: number): TlsRow => ({ proxy, cert: 'rsa', load: 'full', rate, resumedShare: 0, errors: 0, proxyCpu: 1, loadCpu: 1, ratePerCpuS: perCpu });
  const r = tlsRatios([row('haproxy', 1000, 2000), row('hawser', 900, 1000)]).find((x) => x.cert === 'rsa' && x.load === 'full');
  t.is(r?.rate, 0.9);
  t.is(r?.perCpuS, 0.5);
  t.is(r?.target, 0.95);
});
