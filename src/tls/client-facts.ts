// The TLS facts of one client connection terminated here (ClientTlsFacts,
// what ssl_fc_* / ssl_c_* / ssl_f_* and %sslv %sslc read), answered from the
// TLSSocket when first asked and then kept.

import type { TLSSocket } from 'node:tls';
import type { CertificateView, ClientTlsFacts } from '../acl/index.ts';
import { Certificate } from './certificate.ts';

/** OpenSSL's X509_V_ERR_* numbers, by the names node:tls reports. */
const VERIFY_CODES: Readonly<Record<string, number>> = {
  UNSPECIFIED: 1,
  UNABLE_TO_GET_ISSUER_CERT: 2,
  UNABLE_TO_GET_CRL: 3,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 4,
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: 5,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 6,
  CERT_SIGNATURE_FAILURE: 7,
  CRL_SIGNATURE_FAILURE: 8,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  CRL_NOT_YET_VALID: 11,
  CRL_HAS_EXPIRED: 12,
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 13,
  ERROR_IN_CERT_NOT_AFTER_FIELD: 14,
  ERROR_IN_CRL_LAST_UPDATE_FIELD: 15,
  ERROR_IN_CRL_NEXT_UPDATE_FIELD: 16,
  OUT_OF_MEM: 17,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21,
  CERT_CHAIN_TOO_LONG: 22,
  CERT_REVOKED: 23,
  INVALID_CA: 24,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  CERT_UNTRUSTED: 27,
  CERT_REJECTED: 28,
  HOSTNAME_MISMATCH: 62,
};

export function verifyCode(name: string | undefined): number {
  if (name === undefined) return 0;
  return VERIFY_CODES[name] ?? 1;
}

/** Key bits of a cipher from its OpenSSL name. */
export function cipherBits(name: string): number {
  if (/AES_?256|CHACHA20|CAMELLIA_?256|ARIA_?256/.test(name)) return 256;
  if (/AES_?128|CAMELLIA_?128|ARIA_?128|SEED/.test(name)) return 128;
  if (/3DES|DES-CBC3/.test(name)) return 168;
  return 0;
}

export class ClientTls implements ClientTlsFacts {
  private readonly socket: TLSSocket;
  /** The SNI the client sent, if any. */
  readonly sni: string | undefined;
  private readonly verify: number;
  private readonly own: Certificate;
  private proto: string | undefined;
  private cipherName: string | undefined;
  private peer: Certificate | null | undefined;
  private local: Certificate | null | undefined;

  constructor(socket: TLSSocket, verify: number, own: Certificate) {
    this.socket = socket;
    const sn = (socket as { servername?: string | false | null }).servername;
    this.sni = typeof sn === 'string' && sn !== '' ? sn : undefined;
    this.verify = verify;
    this.own = own;
  }

  protocol(): string {
    return (this.proto ??= this.socket.getProtocol() ?? '');
  }

  cipher(): string {
    return (this.cipherName ??= this.socket.getCipher()?.name ?? '');
  }

  cipherBits(): number {
    return cipherBits(this.cipher());
  }

  alpn(): string | undefined {
    const p = this.socket.alpnProtocol;
    return typeof p === 'string' && p !== '' ? p : undefined;
  }

  resumed(): boolean {
    return this.socket.isSessionReused();
  }

  verifyResult(): number {
    return this.verify;
  }

  peerCertificate(): CertificateView | null {
    if (this.peer === undefined) {
      const x = this.socket.getPeerX509Certificate();
      this.peer = x === undefined ? null : new Certificate(x);
    }
    return this.peer;
  }

  localCertificate(): CertificateView | null {
    if (this.local === undefined) {
      const x = this.socket.getX509Certificate();
      this.local = x === undefined ? this.own : new Certificate(x);
    }
    return this.local;
  }
}
