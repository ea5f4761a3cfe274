// Reads what a peers section's secret and TLS lines name (the I/O half of
// settings.ts): the shared secret, the listener's certificate and the CA it
// checks clients against, and each outgoing session's options. A file that
// cannot be read, or an empty secret, is a configuration problem at its line.

import { readFileSync } from 'node:fs';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { Diagnostic, PeersTls, SourcePos } from '../../src/config/index.ts';
import type { PeersSettings } from './settings.ts';

export interface PeersCredentials {
  readonly secret: Buffer | undefined;
  /** Options of the TLS listener, when the local peer listens with `ssl`. */
  readonly server: TlsOptions | undefined;
  /** Options of each TLS client session, by peer name (our own name: the hand-over to our successor). */
  readonly clients: ReadonlyMap<string, ConnectionOptions>;
}

export interface CredentialsResult {
  credentials?: PeersCredentials;
  diagnostics: Diagnostic[];
}

export function loadCredentials(s: PeersSettings): CredentialsResult {
  const diagnostics: Diagnostic[] = [];
  const problem = (pos: SourcePos, message: string): void => {
    diagnostics.push({ code: 'HAWSER_CFG_IO', severity: 'error', file: pos.file, line: pos.line, message: `peers '${s.section}': ${message}` });
  };
  const read = (pos: SourcePos, what: string, path: string): Buffer | undefined => {
    try {
      return readFileSync(path);
    } catch (err) {
      problem(pos, `cannot read ${what} '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return undefined;
    }
  };

  let secret: Buffer | undefined;
  if (s.secret !== undefined) {
    const raw = s.secret.text !== undefined ? Buffer.from(s.secret.text, 'utf8') : read(s.secret.pos, 'secret file', s.secret.file!);
    // A file written with `echo` ends with a newline that is not part of the secret.
    const text = raw?.toString('utf8').replace(/[\r\n]+$/, '');
    if (text === '') problem(s.secret.pos, 'the secret is empty');
    else if (text !== undefined) secret = Buffer.from(text, 'utf8');
  }

  const files = (t: PeersTls): { cert?: Buffer; key?: Buffer; ca?: Buffer } => {
    const out: { cert?: Buffer; key?: Buffer; ca?: Buffer } = {};
    if (t.crt !== undefined) {
      // HAProxy's crt is one PEM with the certificate and its key: OpenSSL picks each block.
      const pem = read(t.pos, 'certificate', t.crt);
      if (pem !== undefined) {
        out.cert = pem;
        out.key = pem;
      }
    }
    if (t.caFile !== undefined) {
      const ca = read(t.pos, 'CA file', t.caFile);
      if (ca !== undefined) out.ca = ca;
    }
    return out;
  };

  let server: TlsOptions | undefined;
  if (s.listenTls !== undefined) {
    const verify = s.listenTls.verify ?? 'none';
    server = { ...files(s.listenTls), requestCert: verify !== 'none', rejectUnauthorized: verify === 'required' };
  }
  const clients = new Map<string, ConnectionOptions>();
  for (const r of s.remotes) {
    if (r.tls === undefined) continue;
    clients.set(r.name, {
      ...files(r.tls),
      rejectUnauthorized: r.tls.verify !== 'none',
      // Peers are named by the section, not by DNS: the chain is checked against the CA, not a host name.
      checkServerIdentity: () => undefined,
    });
  }
  // A stopping process calls its successor on our own listener (the hand-over): with our certificate, checked against our CA.
  if (s.listenTls !== undefined) {
    clients.set(s.local, {
      ...files(s.listenTls),
      rejectUnauthorized: s.listenTls.caFile !== undefined && s.listenTls.verify !== 'none',
      checkServerIdentity: () => undefined,
    });
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { credentials: { secret, server, clients }, diagnostics };
}
