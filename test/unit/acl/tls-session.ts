// TLS inputs of the ssl fetch tests: a session as ssl_fc_* / ssl_c_* /
// ssl_f_* read it (ClientTlsFacts) holding real certificates parsed by
// src/tls, and the ClientHello bytes of a real openssl client for req.ssl_*.
// The files are in test/fixtures/acl/ (its README says how they were made).

import { readFileSync } from 'node:fs';
import type { ClientTlsFacts } from '../../../src/acl/index.ts';
import { Certificate, cipherBits } from '../../../src/tls/index.ts';

const FIXTURES = new URL('../../fixtures/acl/', import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'latin1');
}

/** A certificate's DER bytes straight from its PEM armor (what ssl_c_der / ssl_f_der must give). */
export function derOf(file: 'client.crt' | 'server.crt'): Buffer {
  return Buffer.from(fixture(file).replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
}

/** The client's certificate: EC, /C=FR/O=Hawser Test, Inc./OU=Ops/OU=Night Shift/CN=alice. */
export const CLIENT_CERT = Certificate.fromPem(fixture('client.crt'));
/** Ours: RSA, /C=FR/O=Hawser Test, Inc./CN=www.example.com. */
export const SERVER_CERT = Certificate.fromPem(fixture('server.crt'));

/** The ClientHello openssl s_client sent (SNI www.example.com, ALPN h2,http/1.1). */
export const CLIENT_HELLO: Buffer = Buffer.from(
  fixture('client-hello-openssl.hex')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('')
    .replace(/\s+/g, ''),
  'hex',
);

export interface SessionFacts {
  protocol: string;
  cipher: string;
  alpn: string | undefined;
  resumed: boolean;
  verify: number;
  peer: Certificate | null;
}

/** A terminated TLS session; by default TLS 1.3 with ALPN h2 and the client certificate. */
export function tlsSession(over: Partial<SessionFacts> = {}): ClientTlsFacts {
  const f: SessionFacts = {
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    alpn: 'h2',
    resumed: false,
    verify: 0,
    peer: CLIENT_CERT,
    ...over,
  };
  return {
    protocol: () => f.protocol,
    cipher: () => f.cipher,
    cipherBits: () => cipherBits(f.cipher),
    alpn: () => f.alpn,
    resumed: () => f.resumed,
    verifyResult: () => f.verify,
    peerCertificate: () => f.peer,
    localCertificate: () => SERVER_CERT,
  };
}
