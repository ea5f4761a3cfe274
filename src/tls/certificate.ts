// One X.509 certificate read the way HAProxy presents it: DNs as
// `/C=FR/CN=www`, validity as ASN.1 time text (fetches) or as OpenSSL prints
// it (`show ssl cert`), the names SNI can select it by, its key type. Built
// on node:crypto's X509Certificate (parsing only, no I/O); every field is
// computed once, when the certificate is loaded or first asked about.

import { X509Certificate } from 'node:crypto';
import type { CertificateView } from '../acl/index.ts';
import type { KeyKind } from './sni-table.ts';

/** Bits of the named EC curves, as EVP_PKEY_bits reports them. */
const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  secp256k1: 256,
};

export class Certificate implements CertificateView {
  readonly x509: X509Certificate;
  readonly subject: ReadonlyArray<readonly [string, string]>;
  readonly issuer: ReadonlyArray<readonly [string, string]>;
  private serialBytes: Buffer | undefined;
  private sha1Bytes: Buffer | undefined;

  constructor(x: X509Certificate) {
    this.x509 = x;
    this.subject = parseDn(x.subject);
    this.issuer = parseDn(x.issuer);
  }

  static fromPem(pem: string): Certificate {
    return new Certificate(new X509Certificate(pem));
  }

  get serial(): Buffer {
    return (this.serialBytes ??= Buffer.from(evenHex(this.x509.serialNumber), 'hex'));
  }
  get serialHex(): string {
    return evenHex(this.x509.serialNumber).toUpperCase();
  }
  get sha1(): Buffer {
    return (this.sha1Bytes ??= Buffer.from(this.x509.fingerprint.replace(/:/g, ''), 'hex'));
  }
  get der(): Buffer {
    return this.x509.raw;
  }
  get notBefore(): string {
    return asn1Time(this.x509.validFromDate);
  }
  get notAfter(): string {
    return asn1Time(this.x509.validToDate);
  }
  get notAfterDate(): Date {
    return this.x509.validToDate;
  }
  get version(): number {
    // node:crypto does not say; every certificate with extensions is v3.
    return 3;
  }
  get keyAlg(): string {
    const t = this.x509.publicKey.asymmetricKeyType;
    return t === 'rsa' ? 'rsaEncryption' : t === 'ec' ? 'id-ecPublicKey' : t === 'rsa-pss' ? 'rsassaPss' : (t ?? 'unknown');
  }

  /** ECDSA, RSA or other: how SNI selection and `show ssl cert` sort it. */
  get keyKind(): KeyKind {
    const t = this.x509.publicKey.asymmetricKeyType;
    return t === 'ec' ? 'ecdsa' : t === 'rsa' || t === 'rsa-pss' ? 'rsa' : 'other';
  }

  /** `RSA2048`, `EC256` as HAProxy's cert_get_pkey_algo() prints it; '' for other key types. */
  get algorithm(): string {
    const k = this.x509.publicKey;
    const d = k.asymmetricKeyDetails;
    if (k.asymmetricKeyType === 'rsa' || k.asymmetricKeyType === 'rsa-pss') return `RSA${d?.modulusLength ?? 0}`;
    if (k.asymmetricKeyType === 'ec') return `EC${CURVE_BITS[d?.namedCurve ?? ''] ?? 0}`;
    if (k.asymmetricKeyType === 'dsa') return `DSA${d?.modulusLength ?? 0}`;
    return '';
  }

  /** The subject's CN values (certificate order). */
  get commonNames(): string[] {
    return this.subject.filter(([k]) => k === 'CN').map(([, v]) => v);
  }

  /** DNS names of the subjectAltName extension. */
  get dnsNames(): string[] {
    return sanEntries(this.x509.subjectAltName).filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4));
  }

  /** The names SNI selects this certificate by when no filter is given: CN then DNS SANs, as HAProxy adds them. */
  get sniNames(): string[] {
    return [...new Set([...this.commonNames, ...this.dnsNames].map((n) => n.toLowerCase()))];
  }

  /**
   * The subjectAltName line of `show ssl cert`: HAProxy 2.6 writes every
   * entry, the DNS ones as `DNS:name` and the others as nothing, joined
   * with ", " (so `DNS:a, , DNS:b, ` for DNS, IP, DNS, email).
   */
  get sanLine(): string {
    return sanEntries(this.x509.subjectAltName)
      .map((e) => (e.startsWith('DNS:') ? e : ''))
      .join(', ');
  }
}

/** "C=FR\nO=Hawser\\, Inc.\nCN=x" (node:crypto's multi-line RFC 2253 escaping) into pairs. */
export function parseDn(text: string | undefined): Array<[string, string]> {
  if (text === undefined || text === '') return [];
  const out: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out.push([line.slice(0, eq), unescapeRfc2253(line.slice(eq + 1))]);
  }
  return out;
}

function unescapeRfc2253(v: string): string {
  if (!v.includes('\\')) return v;
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && i + 1 < v.length) {
      const hex = v.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      i++;
      bytes.push(...Buffer.from(v[i]!, 'utf8'));
      continue;
    }
    bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** node:crypto's subjectAltName ("DNS:a, IP Address:1.2.3.4") split into entries; quoted values kept whole. */
export function sanEntries(san: string | undefined): string[] {
  if (san === undefined || san === '') return [];
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < san.length; i++) {
    const c = san[i]!;
    if (c === '"' && san[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && c === ',' && san[i + 1] === ' ') {
      out.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** RFC 5280: UTCTime (YYMMDDhhmmssZ) through 2049, GeneralizedTime (YYYYMMDDhhmmssZ) after. */
export function asn1Time(d: Date): string {
  const y = d.getUTCFullYear();
  const p = (n: number): string => String(n).padStart(2, '0');
  const rest = p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds()) + 'Z';
  return (y >= 1950 && y <= 2049 ? p(y % 100) : String(y)) + rest;
}

function evenHex(h: string): string {
  return h.length % 2 === 1 ? '0' + h : h;
}
