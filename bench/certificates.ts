// Self-signed certificates the bench makes for its run (openssl from apt),
// each with its key in one combined PEM file, as haproxy and hawser read it.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type CertKind = 'ecdsa' | 'rsa';

const KEY_ARGS: Readonly<Record<CertKind, readonly string[]>> = {
  ecdsa: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
  rsa: ['-newkey', 'rsa:2048'],
};

/** An ECDSA P-256 or RSA 2048 certificate for CN=bench.test in `dir`; returns the combined PEM's path. */
export function makeCertificate(dir: string, kind: CertKind, name: string = kind): string {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  const r = spawnSync('openssl', ['req', '-x509', ...KEY_ARGS[kind], '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=bench.test'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: openssl could not make the ${kind} certificate: ${r.error?.message ?? r.stderr}`);
  const pem = join(dir, `${name}.pem`);
  writeFileSync(pem, readFileSync(crt, 'utf8') + readFileSync(key, 'utf8'));
  return pem;
}
