// sessionProtocolVersion on sessions a real TLS server serializes (node:tls
// on 127.0.0.1, a certificate made by openssl for the test), and on bytes
// that are not a session.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants } from 'node:crypto';
import { connect, createServer, type SecureVersion } from 'node:tls';
import { sessionProtocolVersion, TLS13_VERSION } from '../../../src/tls/index.ts';

function certificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-session-version-'));
  try {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '1', '-subj', '/CN=session.test'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return { key: readFileSync(join(dir, 'k'), 'utf8'), cert: readFileSync(join(dir, 'c'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The sessions the server hands its 'newSession' listeners during one
 * handshake at `version`. TLS 1.2 without tickets: with one, OpenSSL gives
 * the session no ID and stores nothing.
 */
async function serverSessions(version: SecureVersion, pem: { key: string; cert: string }): Promise<Buffer[]> {
  const sessions: Buffer[] = [];
  const server = createServer({ ...pem, minVersion: version, maxVersion: version, secureOptions: version === 'TLSv1.2' ? constants.SSL_OP_NO_TICKET : 0 }, (s) => s.end('x'));
  server.on('newSession', (_id: Buffer, data: Buffer, done: () => void) => {
    sessions.push(data);
    done();
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const port = (server.address() as { port: number }).port;
  try {
    await new Promise<void>((res, rej) => {
      const c = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: version, maxVersion: version });
      const timer = setTimeout(() => c.destroy(new Error('no answer in 5 s')), 5000);
      c.on('data', () => {});
      c.on('end', () => {
        clearTimeout(timer);
        c.end();
        res();
      });
      c.on('error', (e) => {
        clearTimeout(timer);
        rej(e);
      });
    });
  } finally {
    await new Promise<void>((res) => server.close(() => res()));
  }
  return sessions;
}

test('reads the protocol version of sessions a TLS 1.2 and a TLS 1.3 server store', async (t) => {
  const pem = certificate();
  const v12 = await serverSessions('TLSv1.2', pem);
  const v13 = await serverSessions('TLSv1.3', pem);
  t.true(v12.length >= 1, 'a TLS 1.2 handshake stores a session');
  t.true(v13.length >= 1, 'a TLS 1.3 handshake stores its ticket sessions');
  for (const s of v12) t.is(sessionProtocolVersion(s), 0x0303);
  for (const s of v13) t.is(sessionProtocolVersion(s), TLS13_VERSION);
});

test('anything that does not start like an SSL_SESSION gives null', (t) => {
  t.is(sessionProtocolVersion(Buffer.alloc(0)), null);
  t.is(sessionProtocolVersion(Buffer.from('hello world, not DER')), null);
  // A SEQUENCE whose first INTEGER is not 1.
  t.is(sessionProtocolVersion(Buffer.from([0x30, 0x08, 0x02, 0x01, 0x02, 0x02, 0x02, 0x03, 0x04, 0x00])), null);
  // Cut short inside ssl_version.
  t.is(sessionProtocolVersion(Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x02, 0x03])), null);
  // Long-form length with too many length bytes.
  t.is(sessionProtocolVersion(Buffer.from([0x30, 0x85, 0, 0, 0, 0, 1, 0x02, 0x01, 0x01, 0x02, 0x02, 0x03, 0x04])), null);
  // The smallest well-formed start.
  t.is(sessionProtocolVersion(Buffer.from([0x30, 0x81, 0x80, 0x02, 0x01, 0x01, 0x02, 0x02, 0x03, 0x03])), 0x0303);
});
