// `show ssl cert [FILE]` on the runtime API, in HAProxy 2.6's words: the
// list of certificate files in use, or one file's details (serial,
// validity, names, key, fingerprint, subject and issuer, the chain).

import type { Certificate } from './certificate.ts';
import type { CertFile } from './material.ts';

export function showCertList(files: Iterable<string>): string {
  let out = '# filename\n';
  for (const f of [...files].sort()) out += f + '\n';
  return out;
}

export function showCertDetail(file: CertFile, used: boolean): string {
  const c = file.leaf;
  let out = `Filename: ${file.path}\n`;
  out += `Status: ${used ? 'Used' : 'Unused'}\n`;
  out += `Serial: ${c.serialHex}\n`;
  out += `notBefore: ${c.x509.validFrom}\n`;
  out += `notAfter: ${c.x509.validTo}\n`;
  out += `Subject Alternative Name: ${c.sanLine}\n`;
  out += `Algorithm: ${c.algorithm}\n`;
  out += `SHA1 FingerPrint: ${c.sha1.toString('hex').toUpperCase()}\n`;
  out += `Subject: ${oneline(c.subject)}\n`;
  out += `Issuer: ${oneline(c.issuer)}\n`;
  for (const ca of file.chain) out += chainLines(ca);
  out += 'OCSP Response Key: \n';
  return out;
}

function chainLines(ca: Certificate): string {
  return `Chain Subject: ${oneline(ca.subject)}\nChain Issuer: ${oneline(ca.issuer)}\n`;
}

function oneline(dn: ReadonlyArray<readonly [string, string]>): string {
  let s = '';
  for (const [k, v] of dn) s += '/' + k + '=' + v;
  return s;
}

export const CERT_NOT_FOUND = "Can't display the certificate: Not found or the certificate is a bundle!\n";
