// TLS termination for one `bind ... ssl`: wraps each accepted socket in a
// server TLSSocket that picks its certificate by SNI (the bind's table),
// negotiates ALPN per certificate, resumes sessions by ticket or from the
// session cache, and checks client certificates the way HAProxy does (a
// certificate that fails verification ends the connection whatever
// `verify` says; `verify required` also refuses a client without one).
// The session starts only once the handshake is done.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { ClientTls, verifyCode } from './client-facts.ts';
import type { BindTlsPlan } from './material.ts';
import { SessionCache, registerSessionCache, storeSession } from './session-cache.ts';
import { sessionProtocolVersion, TLS13_VERSION } from './session-version.ts';
import { chooseEntry, type SniCandidates } from './sni-table.ts';
import { helloKeyTypes, parseClientHello } from '../acl/index.ts';

/** What a ClientHello says the client can verify (unknown: null). */
type KeyTypes = { ecdsa: boolean; rsa: boolean } | null;

/** The most we read of a ClientHello before the handshake: one record. */
const MAX_HELLO = 16384 + 5;

export interface HandshakeDone {
  (socket: TLSSocket, facts: ClientTls): void;
}

export interface HandshakeFailed {
  /** `why` is short and stable enough for a log line. */
  (why: string): void;
}

type SniCallback = (this: TLSSocket, servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;
type AlpnCallback = (this: TLSSocket, arg: { servername: string; protocols: string[] }) => string | undefined;

export class TlsTerminator {
  readonly plan: BindTlsPlan;
  /** Handshakes that failed (bad client, no shared protocol, timeout...). */
  failures = 0;
  handshakes = 0;
  readonly cache: SessionCache | null;
  private readonly sessions: EventEmitter | null;
  /** Which entry SNI chose, per socket (absent: the default, entry 0). */
  private readonly chosen = new WeakMap<TLSSocket, number>();
  /** What each socket's ClientHello allows, when it was read first (mixed key types). */
  private readonly keyTypes = new WeakMap<TLSSocket, KeyTypes>();
  /**
   * Absent with one certificate and no strict-sni: the default context is
   * then the only answer, and each handshake saves a call into JavaScript.
   */
  private readonly sniCallback: SniCallback | undefined;
  private readonly alpnCallback: AlpnCallback | undefined;

  constructor(plan: BindTlsPlan) {
    this.plan = plan;
    this.cache = plan.cacheSize > 0 ? new SessionCache(plan.cacheSize, plan.cacheLifetimeMs) : null;
    if (this.cache !== null) {
      const cache = this.cache;
      const em = new EventEmitter();
      registerSessionCache(plan.label, cache);
      em.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
        // TLS 1.3 hands over two sessions per handshake that no session ID can resume: not kept, not shared.
        if (sessionProtocolVersion(data) !== TLS13_VERSION) storeSession(plan.label, cache, id, data, Date.now());
        done();
      });
      em.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
        done(null, cache.get(id, Date.now()) ?? null);
      });
      this.sessions = em;
    } else {
      this.sessions = null;
    }
    const candidates: SniCandidates = { ecdsa: -1, rsa: -1, other: -1 };
    const chosen = this.chosen;
    const keyTypes = this.keyTypes;
    // node:tls calls these as methods of the socket being handshaken. It
    // installs one certificate from the context it is given, so ECDSA or
    // RSA is decided here, from the ClientHello read beforehand.
    const sniCallback: SniCallback = function (this: TLSSocket, servername, cb) {
      const i = chooseEntry(plan.sni.lookup(servername, candidates), keyTypes.get(this) ?? null);
      if (i < 0) {
        if (plan.strictSni) cb(new Error('no certificate for this server name (strict-sni)'));
        else cb(null, plan.entries[0]!.context);
        return;
      }
      chosen.set(this, i);
      cb(null, plan.entries[i]!.context);
    };
    this.sniCallback = plan.entries.length > 1 || plan.strictSni ? sniCallback : undefined;
    // With TLS 1.3 OpenSSL selects ALPN before the SNI callback (node's
    // certificate callback) has run, so the entry is looked up again here
    // from the server name rather than read from `chosen`.
    this.alpnCallback = plan.alpn
      ? function (this: TLSSocket, { servername, protocols }) {
          const i = typeof servername !== 'string' || servername === '' ? -1 : chooseEntry(plan.sni.lookup(servername, candidates), keyTypes.get(this) ?? null);
          const entry = plan.entries[i < 0 ? 0 : i]!;
          const ours = entry.settings.alpn ?? plan.entries[0]!.settings.alpn ?? ['http/1.1'];
          // The server's order decides, as OpenSSL's SSL_select_next_proto does for HAProxy.
          for (const p of ours) if (protocols.includes(p)) return p;
          return undefined;
        }
      : undefined;
  }

  /**
   * Starts the handshake on `raw` (whatever it already read stays: node:tls
   * takes the socket's buffered bytes first). `timeoutMs` bounds it.
   */
  wrap(raw: Socket, timeoutMs: number, done: HandshakeDone, failed: HandshakeFailed): void {
    if (!this.plan.helloFirst) {
      this.handshake(raw, null, undefined, timeoutMs, done, failed);
      return;
    }
    readHello(raw, timeoutMs, (types, sni) => this.handshake(raw, types, sni, timeoutMs, done, failed), (why) => {
      this.failures++;
      failed(why);
    });
  }

  private handshake(raw: Socket, types: KeyTypes, sni: string | undefined, timeoutMs: number, done: HandshakeDone, failed: HandshakeFailed): void {
    const plan = this.plan;
    // The server name read beforehand chooses the context the handshake starts with.
    const first = sni === undefined ? -1 : chooseEntry(plan.sni.lookup(sni), types);
    const s = new TLSSocket(raw, {
      isServer: true,
      secureContext: first < 0 ? plan.defaultContext : plan.entries[first]!.context,
      SNICallback: this.sniCallback,
      ALPNCallback: this.alpnCallback,
      requestCert: plan.requestCert,
      // OpenSSL refuses a client without certificate only when every certificate requires one.
      rejectUnauthorized: plan.requestCert && plan.entries.every((e) => e.settings.verify === 'required'),
      // node:tls reads session-cache events from `server`: an emitter is all it needs.
      server: (this.sessions ?? undefined) as never,
    });
    if (types !== null) this.keyTypes.set(s, types);
    if (first >= 0) this.chosen.set(s, first);
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      this.failures++;
      s.removeListener('secure', onSecure);
      s.destroy();
      raw.destroy();
      failed(why);
    };
    // HAProxy's connection error texts; the library's reason follows in brackets.
    const onError = (err: NodeJS.ErrnoException): void => fail(`SSL handshake failure (${err.code ?? err.message})`);
    const onClose = (): void => fail('Connection closed during SSL handshake');
    const onTimeout = (): void => fail('Timeout during SSL handshake');
    const onSecure = (): void => {
      if (settled) return;
      const entry = plan.entries[this.chosen.get(s) ?? 0]!;
      let verify = 0;
      if (plan.requestCert) {
        const peer = s.getPeerX509Certificate();
        if (peer === undefined) {
          if (entry.settings.verify === 'required' && !s.isSessionReused()) return fail('SSL handshake failure (no client certificate)');
        } else {
          const err = verifyErrorOf(s);
          if (err !== null) {
            verify = verifyCode(err);
            if (entry.settings.verify !== 'none') return fail(`SSL client certificate not trusted (${err})`);
          }
        }
      }
      settled = true;
      this.handshakes++;
      s.removeListener('error', onError);
      s.removeListener('close', onClose);
      s.removeListener('timeout', onTimeout);
      s.setTimeout(0);
      done(s, new ClientTls(s, verify, entry.file.leaf));
    };
    s.on('secure', onSecure);
    s.on('error', onError);
    s.on('close', onClose);
    s.on('timeout', onTimeout);
    // The raw socket's errors surface through the TLS socket; this one only keeps them from being unhandled.
    raw.on('error', noop);
    if (timeoutMs > 0) s.setTimeout(timeoutMs);
  }
}

/**
 * Reads the ClientHello off `raw` (bounded by one record and `timeoutMs`),
 * leaves every byte in the socket for the handshake, and says which key
 * types the client can verify and which server name it asks for. Not a valid hello: the handshake will say so.
 */
function readHello(raw: Socket, timeoutMs: number, ready: (t: KeyTypes, sni: string | undefined) => void, failed: (why: string) => void): void {
  let buf: Buffer | null = null;
  let settled = false;
  const finish = (): void => {
    settled = true;
    raw.removeListener('data', onData);
    raw.removeListener('end', onGone);
    raw.removeListener('close', onGone);
    raw.removeListener('timeout', onTimeout);
    if (timeoutMs > 0) raw.setTimeout(0);
  };
  const onData = (chunk: Buffer): void => {
    buf = buf === null ? chunk : Buffer.concat([buf, chunk]);
    const r = parseClientHello(buf);
    if (r.status === 'more' && buf.length < MAX_HELLO) return;
    raw.pause();
    finish();
    raw.unshift(buf);
    if (r.status === 'ok') ready(helloKeyTypes(r.hello), r.hello.sni);
    else ready(null, undefined);
  };
  const onGone = (): void => {
    if (settled) return;
    finish();
    raw.destroy();
    failed('Connection closed during SSL handshake');
  };
  const onTimeout = (): void => {
    if (settled) return;
    finish();
    raw.destroy();
    failed('Timeout during SSL handshake');
  };
  raw.on('data', onData);
  raw.on('end', onGone);
  raw.on('close', onGone);
  raw.on('timeout', onTimeout);
  raw.on('error', noop);
  if (timeoutMs > 0) raw.setTimeout(timeoutMs);
}

/**
 * The verification result of the peer's certificate, as node:tls computes
 * it for its own servers (the code of an X509_V_ERR_*), or null when it
 * verified. Read through the socket's `ssl` handle, the one node:tls keeps
 * for compatibility: there is no other way to get it on a socket that a
 * tls.Server did not create.
 */
function verifyErrorOf(s: TLSSocket): string | null {
  const ssl = (s as unknown as { ssl?: { verifyError?: () => (Error & { code?: string }) | null } }).ssl;
  if (ssl?.verifyError === undefined) return 'UNSPECIFIED';
  const e = ssl.verifyError();
  return e === null ? null : (e.code ?? 'UNSPECIFIED');
}

function noop(): void {}
