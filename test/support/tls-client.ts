// A real TLS client for the tests (node:tls): one handshake, optionally one
// HTTP/1.1 request over it, and what the client saw: the certificate it was
// given, the protocol, cipher, ALPN, whether its session was resumed.

import { readFileSync } from 'node:fs';
import tls from 'node:tls';

export interface TlsClientOptions {
  host?: string;
  port: number;
  servername?: string;
  alpn?: string[];
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  /** The client certificate: a combined PEM file (cert + key). */
  clientPem?: string;
  /** Trust this CA file and verify the server (off by default: the tests look at what was presented). */
  ca?: string;
  session?: Buffer;
  sigalgs?: string;
  /** Send `GET path` and read the response until the server closes. */
  get?: string;
  timeoutMs?: number;
}

export interface TlsClientResult {
  /** Subject CN of the certificate the server presented. */
  cn: string;
  serial: string;
  protocol: string;
  cipher: string;
  alpn: string | false;
  resumed: boolean;
  /** The session to resume later (TLS 1.3: arrives after the handshake). */
  session: Buffer | undefined;
  /** The whole HTTP response when `get` was given. */
  response: string;
  authorized: boolean;
  authorizationError: string | undefined;
}

export function tlsClient(o: TlsClientOptions): Promise<TlsClientResult> {
  return new Promise((resolve, reject) => {
    let key: string | undefined;
    let cert: string | undefined;
    if (o.clientPem !== undefined) {
      const pem = readFileSync(o.clientPem, 'latin1');
      key = pem;
      cert = pem;
    }
    const s = tls.connect({
      host: o.host ?? '127.0.0.1',
      port: o.port,
      servername: o.servername,
      ALPNProtocols: o.alpn,
      minVersion: o.minVersion,
      maxVersion: o.maxVersion,
      key,
      cert,
      ca: o.ca !== undefined ? readFileSync(o.ca) : undefined,
      rejectUnauthorized: o.ca !== undefined,
      session: o.session,
      sigalgs: o.sigalgs,
    });
    let session: Buffer | undefined;
    let response = '';
    let result: Omit<TlsClientResult, 'response' | 'session'> | null = null;
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('tls client timed out'));
    }, o.timeoutMs ?? 5000);
    s.on('session', (b: Buffer) => {
      session = b;
    });
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('secureConnect', () => {
      const peer = s.getPeerX509Certificate();
      const cn = /CN=([^\n]*)/.exec(peer?.subject ?? '')?.[1] ?? '';
      result = {
        cn,
        serial: peer?.serialNumber ?? '',
        protocol: s.getProtocol() ?? '',
        cipher: s.getCipher().name,
        alpn: s.alpnProtocol ?? false,
        resumed: s.isSessionReused(),
        authorized: s.authorized,
        authorizationError: s.authorizationError === undefined ? undefined : String(s.authorizationError),
      };
      if (o.get !== undefined) {
        s.write(`GET ${o.get} HTTP/1.1\r\nHost: ${o.servername ?? 'localhost'}\r\nConnection: close\r\n\r\n`);
      } else {
        // Give a TLS 1.3 ticket a moment to arrive, then leave.
        setTimeout(() => s.end(), 30);
      }
    });
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      response += d;
    });
    s.on('close', () => {
      clearTimeout(timer);
      if (result === null) reject(new Error('closed before the handshake completed'));
      else resolve({ ...result, response, session });
    });
  });
}

/** The body of an HTTP/1.1 response text. */
export function bodyOf(response: string): string {
  const i = response.indexOf('\r\n\r\n');
  return i < 0 ? '' : response.slice(i + 4);
}
