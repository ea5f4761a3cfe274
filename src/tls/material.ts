// Everything TLS needs from the files a configuration names, read at
// start-up, at `-c` and at every reload (so renewed certificates are picked
// up): the certificates of each `bind ... ssl` (crt files, directories and
// crt-lists) with the SNI table that chooses among them, the client-side
// settings of each `server ... ssl`, and every problem as a diagnostic
// pointing at the line that named the file. Secure contexts are built here
// too, so a cipher list or curve OpenSSL refuses is a configuration error,
// never a failure at the first handshake.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:crypto';
import { createSecureContext, DEFAULT_CIPHERS, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { Backend, Bind, BindTls, Config, Diagnostic, GlobalSection, Server, SourcePos, TlsSettings, TlsVersion } from '../config/index.ts';
import { hostPort, tlsVersionRange } from '../config/index.ts';
import { Certificate } from './certificate.ts';
import { parseCrtList } from './crt-list.ts';
import { splitPem } from './pem.ts';
import { SniTable } from './sni-table.ts';

/** Stable codes of TLS configuration problems. */
export const TlsCode = {
  /** A certificate file (or its key) missing, unreadable or invalid. */
  CERT: 'HAWSER_TLS_CERT',
  /** A CA or CRL file missing or invalid. */
  CA: 'HAWSER_TLS_CA',
  /** A crt-list file missing, or one of its lines wrong. */
  CRT_LIST: 'HAWSER_TLS_CRT_LIST',
  /** Settings OpenSSL refuses or that contradict each other (ciphers, curves, verify without ca-file...). */
  SETTINGS: 'HAWSER_TLS_SETTINGS',
} as const;

/** A certificate file as loaded (HAProxy's ckch store): what `show ssl cert` lists. */
export interface CertFile {
  /** The path as HAProxy shows it (crt-base applied). */
  readonly path: string;
  readonly key: string;
  /** PEM blocks, leaf first. */
  readonly certs: readonly string[];
  readonly leaf: Certificate;
  readonly chain: readonly Certificate[];
}

/** One certificate of a bind line, with the settings it is served with. */
export interface TlsEntry {
  readonly file: CertFile;
  readonly settings: EffectiveBindSettings;
  readonly context: SecureContext;
}

export interface EffectiveBindSettings {
  readonly verify: 'none' | 'optional' | 'required';
  readonly alpn: readonly string[] | undefined;
  readonly options: SecureContextOptions;
}

/** A TLS bind line, ready to serve. */
export interface BindTlsPlan {
  readonly label: string;
  readonly entries: readonly TlsEntry[];
  readonly sni: SniTable;
  readonly strictSni: boolean;
  /** Client certificates are asked for (some entry verifies them). */
  readonly requestCert: boolean;
  /** Any entry negotiates ALPN. */
  readonly alpn: boolean;
  /** Session cache: capacity (0 = off) and lifetime. */
  readonly cacheSize: number;
  readonly cacheLifetimeMs: number;
  readonly noTickets: boolean;
  /** The context used when the ClientHello has no SNI (strict-sni: one without certificate). */
  readonly defaultContext: SecureContext;
  /**
   * The ClientHello is read before the handshake starts, and the entry
   * chosen from it: when ECDSA and RSA certificates are both present (which
   * one a client gets depends on what it can verify), and when crt-list
   * lines carry their own settings (versions and ciphers are settled by
   * OpenSSL before node's SNI callback runs, so the entry's context must be
   * the one the handshake starts with, as HAProxy's client-hello callback
   * does).
   */
  readonly helloFirst: boolean;
}

/** A `server ... ssl` (or `check-ssl`), ready to connect. */
export interface ServerTlsPlan {
  readonly context: SecureContext;
  readonly verify: boolean;
  /** `verifyhost`, or undefined: the SNI (when set) is checked. */
  readonly verifyhost: string | undefined;
  readonly alpn: readonly string[] | undefined;
  readonly checkAlpn: readonly string[] | undefined;
  /** Keep the last session to resume it (`no-ssl-reuse` off). */
  readonly reuseSessions: boolean;
  /** Traffic over TLS (`ssl`); false when only checks are (`check-ssl`). */
  readonly traffic: boolean;
  /** Health checks over TLS (`check-ssl`, or `ssl` when the check goes to the same port). */
  readonly checks: boolean;
}

export interface TlsMaterial {
  readonly binds: ReadonlyMap<Bind, BindTlsPlan>;
  readonly servers: ReadonlyMap<Server, ServerTlsPlan>;
  /** Every certificate file loaded, by path. */
  readonly files: ReadonlyMap<string, CertFile>;
}

export const NO_TLS: TlsMaterial = { binds: new Map(), servers: new Map(), files: new Map() };

const NODE_VERSION: Readonly<Record<TlsVersion, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'>> = {
  SSLv3: 'TLSv1',
  'TLSv1.0': 'TLSv1',
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
};

const NO_VERSION_OPTION: Readonly<Record<TlsVersion, number>> = {
  SSLv3: 0,
  'TLSv1.0': constants.SSL_OP_NO_TLSv1,
  'TLSv1.1': constants.SSL_OP_NO_TLSv1_1,
  'TLSv1.2': constants.SSL_OP_NO_TLSv1_2,
  'TLSv1.3': constants.SSL_OP_NO_TLSv1_3,
};

/** Files in a `crt DIR` that are not certificates of their own. */
const RESERVED_EXTENSIONS = ['.key', '.issuer', '.ocsp', '.sctl'];

/**
 * Ticket keys by bind: generated once per process, so sessions resumed by
 * ticket survive a reload (the listener stays, the contexts are new).
 */
const ticketKeys = new Map<string, Buffer>();

/** The ticket keys made so far, by bind (nbthread: the main thread's, which every thread adopts). */
export function ticketKeyRing(): ReadonlyMap<string, Buffer> {
  return ticketKeys;
}

/** nbthread workers: encrypt tickets with the main thread's keys, so a ticket from one thread resumes in any. */
export function adoptTicketKeys(ring: ReadonlyMap<string, Uint8Array>): void {
  for (const [label, k] of ring) ticketKeys.set(label, Buffer.from(k.buffer, k.byteOffset, k.byteLength));
}

class Loader {
  readonly diagnostics: Diagnostic[] = [];
  readonly files = new Map<string, CertFile>();
  private readonly failed = new Map<string, string>();
  readonly global: GlobalSection;

  constructor(global: GlobalSection) {
    this.global = global;
  }

  error(code: string, pos: SourcePos, message: string): void {
    this.diagnostics.push({ code, severity: 'error', file: pos.file, line: pos.line, message });
  }

  warn(code: string, pos: SourcePos, message: string): void {
    this.diagnostics.push({ code, severity: 'warning', file: pos.file, line: pos.line, message });
  }

  resolve(path: string, base: string | undefined): string {
    return base !== undefined && base !== '' && !path.startsWith('/') ? `${base.replace(/\/$/, '')}/${path}` : path;
  }

  /** Loads one certificate file (cached per load); the problem text on failure. */
  certFile(path: string): CertFile | string {
    const done = this.files.get(path) ?? this.failed.get(path);
    if (done !== undefined) return done;
    const r = readCertFile(path);
    if (typeof r === 'string') this.failed.set(path, r);
    else this.files.set(path, r);
    return r;
  }

  readPemFile(path: string, what: string): string | { error: string } {
    try {
      const text = readFileSync(path, 'latin1');
      if (!text.includes('-----BEGIN ')) return { error: `unable to load ${what} '${path}': no PEM data` };
      return text;
    } catch (e) {
      return { error: `unable to load ${what} '${path}': ${errnoText(e)}` };
    }
  }
}

/** Reads and checks every TLS file of `config`. */
export function loadTlsMaterial(config: Config): { material: TlsMaterial; diagnostics: Diagnostic[] } {
  const l = new Loader(config.global);
  const binds = new Map<Bind, BindTlsPlan>();
  for (const fe of config.frontends.values()) {
    if (fe.disabled) continue;
    for (const b of fe.binds) {
      if (b.tls === undefined && b.ssl !== true) continue;
      const plan = loadBind(l, b, fe.name, config.global);
      if (plan !== undefined && b.ssl === true) binds.set(b, plan);
    }
  }
  const servers = new Map<Server, ServerTlsPlan>();
  for (const be of config.backends.values()) {
    if (be.disabled) continue;
    for (const s of be.servers) {
      const plan = loadServer(l, be, s, config.global);
      if (plan !== undefined) servers.set(s, plan);
    }
  }
  return { material: { binds, servers, files: l.files }, diagnostics: l.diagnostics };
}

// ---- bind lines

function loadBind(l: Loader, b: Bind, proxy: string, g: GlobalSection): BindTlsPlan | undefined {
  const label = `bind ${addressText(b)}`;
  const tls: BindTls = b.tls ?? { certs: [] };
  if (b.ssl === true && tls.certs.length === 0) {
    l.error(TlsCode.SETTINGS, b.pos, `Proxy '${proxy}': no SSL certificate specified for ${label} (use 'crt')`);
    return undefined;
  }
  const sources: Array<{ path: string; settings: TlsSettings & Pick<BindTls, 'verify'>; filters: string[]; pos: SourcePos }> = [];
  let ok = true;
  for (const c of tls.certs) {
    const path = l.resolve(c.path, g.crtBase);
    if (c.kind === 'crt-list') {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        l.error(TlsCode.CRT_LIST, b.pos, `${label}: cannot open crt-list '${path}': ${errnoText(e)}`);
        ok = false;
        continue;
      }
      const list = parseCrtList(text);
      for (const p of list.problems) l.error(TlsCode.CRT_LIST, { file: path, line: p.line }, `crt-list: ${p.message}`);
      if (list.problems.length > 0) ok = false;
      for (const e of list.entries) {
        sources.push({ path: l.resolve(e.path, g.crtBase), settings: e.settings, filters: e.filters, pos: { file: path, line: e.line } });
      }
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch (e) {
      l.error(TlsCode.CERT, b.pos, `${label}: unable to stat SSL certificate from file '${path}': ${errnoText(e)}`);
      ok = false;
      continue;
    }
    if (!isDir) {
      sources.push({ path, settings: {}, filters: [], pos: b.pos });
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch (e) {
      l.error(TlsCode.CERT, b.pos, `${label}: unable to read directory '${path}': ${errnoText(e)}`);
      ok = false;
      continue;
    }
    for (const n of names) {
      if (n.startsWith('.') || RESERVED_EXTENSIONS.some((x) => n.endsWith(x))) continue;
      const file = `${path.replace(/\/$/, '')}/${n}`;
      try {
        if (!statSync(file).isFile()) continue;
      } catch {
        continue;
      }
      sources.push({ path: file, settings: {}, filters: [], pos: b.pos });
    }
  }
  if (!ok) return undefined;
  if (sources.length === 0) {
    l.error(TlsCode.CERT, b.pos, `${label}: no certificate found in ${tls.certs.map((c) => `'${c.path}'`).join(', ')}`);
    return undefined;
  }

  const keys = ticketKeyFor(l, b, tls, label);
  if (keys === undefined) return undefined;
  const sessionIdContext = createHash('sha1').update(label).digest('hex').slice(0, 32);
  const defaults = g.sslDefaultBind ?? {};
  const entries: TlsEntry[] = [];
  const sni = new SniTable();
  for (const src of sources) {
    const file = l.certFile(src.path);
    if (typeof file === 'string') {
      l.error(TlsCode.CERT, src.pos, `${label}: ${file}`);
      ok = false;
      continue;
    }
    const settings = effectiveBind(l, src.settings, tls, defaults, src.pos, label, sessionIdContext);
    if (settings === undefined) {
      ok = false;
      continue;
    }
    let context: SecureContext;
    try {
      context = createSecureContext({ ...settings.options, key: file.key, cert: file.certs.join('') });
    } catch (e) {
      l.error(contextErrorCode(e), src.pos, `${label}: ${contextError(e, file.path, settings.options)}`);
      ok = false;
      continue;
    }
    setTicketKeys(context, keys);
    const index = entries.length;
    entries.push({ file, settings, context });
    const positive = src.filters.filter((f) => !f.startsWith('!'));
    const negative = src.filters.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
    sni.add(index, file.leaf.keyKind, src.filters.length > 0 ? positive : file.leaf.sniNames, negative);
  }
  if (!ok || entries.length === 0) return undefined;

  let defaultContext = entries[0]!.context;
  if (tls.strictSni === true) {
    // No certificate: a ClientHello without a matching SNI cannot complete.
    defaultContext = createSecureContext({ ...entries[0]!.settings.options });
    setTicketKeys(defaultContext, keys);
  }
  const ttlSeconds = Math.max(1, Math.round((g.sslLifetime ?? 300_000) / 1000));
  return {
    label,
    entries,
    sni,
    strictSni: tls.strictSni === true,
    requestCert: entries.some((e) => e.settings.verify !== 'none'),
    alpn: entries.some((e) => e.settings.alpn !== undefined),
    cacheSize: g.sslCacheSize ?? 20_000,
    cacheLifetimeMs: ttlSeconds * 1000,
    noTickets: entries[0]!.settings.options.secureOptions !== undefined && (entries[0]!.settings.options.secureOptions & constants.SSL_OP_NO_TICKET) !== 0,
    defaultContext,
    helloFirst:
      (entries.some((e) => e.file.leaf.keyKind === 'ecdsa') && entries.some((e) => e.file.leaf.keyKind === 'rsa')) ||
      sources.some((src) => Object.keys(src.settings).length > 0),
  };
}

/** Node's secure-context options for one certificate of a bind: crt-list settings, then the bind's, then the global defaults. */
function effectiveBind(
  l: Loader,
  own: TlsSettings & Pick<BindTls, 'verify'>,
  bind: BindTls,
  defaults: TlsSettings & { preferClientCiphers?: boolean },
  pos: SourcePos,
  label: string,
  sessionIdContext: string,
): EffectiveBindSettings | undefined {
  const pick = <K extends keyof TlsSettings>(k: K): TlsSettings[K] => own[k] ?? bind[k] ?? defaults[k];
  const verify = own.verify ?? bind.verify ?? 'none';
  const options: SecureContextOptions = { sessionIdContext };
  const versions = { minVer: pick('minVer'), maxVer: pick('maxVer'), noVersions: pick('noVersions') };
  const range = tlsVersionRange(versions);
  if (range === undefined) {
    l.error(TlsCode.SETTINGS, pos, `${label}: every TLS version is disabled`);
    return undefined;
  }
  if (range.min === 'SSLv3' && range.max === 'SSLv3') {
    l.error(TlsCode.SETTINGS, pos, `${label}: SSLv3 is not available (the TLS library has no SSLv3)`);
    return undefined;
  }
  options.minVersion = NODE_VERSION[range.min];
  options.maxVersion = NODE_VERSION[range.max];
  let secureOptions = 0;
  for (const v of versions.noVersions ?? []) secureOptions |= NO_VERSION_OPTION[v];
  if (pick('noTlsTickets') === true) secureOptions |= constants.SSL_OP_NO_TICKET;
  if (secureOptions !== 0) options.secureOptions = secureOptions;
  options.ciphers = cipherString(pick('ciphers'), pick('ciphersuites'));
  const curves = pick('curves');
  if (curves !== undefined) options.ecdhCurve = curves;
  options.honorCipherOrder = !(bind.preferClientCiphers === true || defaults.preferClientCiphers === true);
  const caFile = own.caFile ?? bind.caFile;
  const crlFile = own.crlFile ?? bind.crlFile;
  if (verify !== 'none') {
    if (caFile === undefined) {
      l.error(TlsCode.SETTINGS, pos, `${label}: verify is enabled but no CA file specified (use 'ca-file')`);
      return undefined;
    }
  }
  if (caFile !== undefined) {
    const ca = l.readPemFile(l.resolve(caFile, l.global.caBase), 'CA file');
    if (typeof ca !== 'string') {
      l.error(TlsCode.CA, pos, `${label}: ${ca.error}`);
      return undefined;
    }
    options.ca = ca;
  }
  if (crlFile !== undefined) {
    const crl = l.readPemFile(l.resolve(crlFile, l.global.caBase), 'CRL file');
    if (typeof crl !== 'string') {
      l.error(TlsCode.CA, pos, `${label}: ${crl.error}`);
      return undefined;
    }
    options.crl = crl;
  }
  return { verify, alpn: own.alpn ?? bind.alpn, options };
}

/** HAProxy's `ciphers` (TLS 1.2 and below) and `ciphersuites` (TLS 1.3) as Node's single list; Node's defaults fill what is not set. */
export function cipherString(ciphers: string | undefined, suites: string | undefined): string {
  const defaults = DEFAULT_CIPHERS.split(':');
  const tls13 = suites ?? defaults.filter((c) => c.startsWith('TLS_')).join(':');
  const tls12 = ciphers ?? defaults.filter((c) => !c.startsWith('TLS_')).join(':');
  return [tls13, tls12].filter((s) => s !== '').join(':');
}

function ticketKeyFor(l: Loader, b: Bind, tls: BindTls, label: string): Buffer | undefined {
  if (tls.ticketKeysFile !== undefined) {
    const path = l.resolve(tls.ticketKeysFile, undefined);
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (e) {
      l.error(TlsCode.SETTINGS, b.pos, `${label}: unable to load tls-ticket-keys '${path}': ${errnoText(e)}`);
      return undefined;
    }
    const keys = text.split('\n').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('#')).map((s) => Buffer.from(s, 'base64'));
    const bad = keys.findIndex((k) => k.length !== 48 && k.length !== 80);
    if (keys.length === 0 || bad >= 0) {
      l.error(TlsCode.SETTINGS, b.pos, `${label}: tls-ticket-keys '${path}': each line must be a base64 key of 48 or 80 bytes`);
      return undefined;
    }
    // HAProxy encrypts with the last key but one of its ring; with one key, that key.
    const k = keys.length >= 2 ? keys[keys.length - 2]! : keys[0]!;
    // node:tls takes 48 bytes: name (16), HMAC secret (16), AES key (16).
    return k.length === 48 ? k : Buffer.concat([k.subarray(0, 16), k.subarray(16, 32), k.subarray(48, 64)]);
  }
  let k = ticketKeys.get(label);
  if (k === undefined) ticketKeys.set(label, (k = randomBytes(48)));
  return k;
}

function setTicketKeys(ctx: SecureContext, keys: Buffer): void {
  // The native context's own method: what tls.Server.setTicketKeys() calls.
  const native = (ctx as { context?: { setTicketKeys?: (k: Buffer) => void } }).context;
  native?.setTicketKeys?.(keys);
}

// ---- certificate files

/** Reads a combined PEM (HAProxy's rules: first certificate is the leaf, key anywhere, else in FILE.key). */
export function readCertFile(path: string): CertFile | string {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (e) {
    return `unable to stat SSL certificate from file '${path}': ${errnoText(e)}`;
  }
  const pem = splitPem(text);
  if (pem.certs.length === 0) return `unable to load certificate from file '${path}'`;
  let key = pem.keys[0];
  let encrypted = pem.encryptedKey;
  if (key === undefined) {
    const keyPath = `${path}.key`;
    let keyText: string;
    try {
      keyText = readFileSync(keyPath, 'latin1');
    } catch {
      return `No Private Key found in '${keyPath}'`;
    }
    const k = splitPem(keyText);
    if (k.keys.length === 0) return `No Private Key found in '${keyPath}'`;
    key = k.keys[0]!;
    encrypted = k.encryptedKey;
  }
  if (encrypted) return `unable to load the private key of '${path}': it is encrypted (HAProxy and Hawser need an unencrypted key)`;
  let leaf: Certificate;
  let chain: Certificate[];
  try {
    leaf = Certificate.fromPem(pem.certs[0]!);
    chain = pem.certs.slice(1).map((c) => Certificate.fromPem(c));
  } catch {
    return `unable to load certificate from file '${path}'`;
  }
  try {
    createSecureContext({ key, cert: pem.certs.join('') });
  } catch (e) {
    const m = (e as Error).message;
    if (/mismatch/i.test(m)) return `inconsistencies between private key and certificate loaded from PEM file '${path}'`;
    return `unable to load SSL private key from PEM file '${path}': ${m}`;
  }
  return { path, key, certs: pem.certs, leaf, chain };
}

// ---- servers

function loadServer(l: Loader, be: Backend, s: Server, g: GlobalSection): ServerTlsPlan | undefined {
  const tls = s.ssl ?? {};
  const traffic = tls.enabled === true;
  const sameCheckPort = s.checkPort === undefined && s.checkAddr === undefined;
  const checks = s.checkSsl ?? (traffic && sameCheckPort);
  if (!traffic && !checks) return undefined;
  const label = `'server ${be.name}/${s.name}'`;
  const verify = tls.verify ?? g.sslServerVerify ?? 'required';
  if (verify === 'required' && tls.caFile === undefined) {
    l.error(
      TlsCode.SETTINGS,
      s.pos,
      `${label} : verify is enabled by default but no CA file specified. If you're running on a LAN where you're certain to trust the server's certificate, please set an explicit 'verify none' statement on the 'server' line, or use 'ssl-server-verify none' in the global section to disable server-side verifications by default.`,
    );
    return undefined;
  }
  const d = g.sslDefaultServer ?? {};
  const pick = <K extends keyof TlsSettings>(k: K): TlsSettings[K] => tls[k] ?? d[k];
  const versions = { minVer: pick('minVer'), maxVer: pick('maxVer'), noVersions: pick('noVersions') };
  const range = tlsVersionRange(versions);
  if (range === undefined) {
    l.error(TlsCode.SETTINGS, s.pos, `${label} : every TLS version is disabled`);
    return undefined;
  }
  const options: SecureContextOptions = {
    minVersion: NODE_VERSION[range.min],
    maxVersion: NODE_VERSION[range.max],
    ciphers: cipherString(pick('ciphers'), pick('ciphersuites')),
  };
  let secureOptions = 0;
  for (const v of versions.noVersions ?? []) secureOptions |= NO_VERSION_OPTION[v];
  if (pick('noTlsTickets') === true) secureOptions |= constants.SSL_OP_NO_TICKET;
  if (secureOptions !== 0) options.secureOptions = secureOptions;
  if (tls.caFile !== undefined) {
    const ca = l.readPemFile(l.resolve(tls.caFile, g.caBase), 'CA file');
    if (typeof ca !== 'string') {
      l.error(TlsCode.CA, s.pos, `${label} : ${ca.error}`);
      return undefined;
    }
    options.ca = ca;
  }
  if (tls.crlFile !== undefined) {
    const crl = l.readPemFile(l.resolve(tls.crlFile, g.caBase), 'CRL file');
    if (typeof crl !== 'string') {
      l.error(TlsCode.CA, s.pos, `${label} : ${crl.error}`);
      return undefined;
    }
    options.crl = crl;
  }
  if (tls.crt !== undefined) {
    const file = l.certFile(l.resolve(tls.crt, g.crtBase));
    if (typeof file === 'string') {
      l.error(TlsCode.CERT, s.pos, `${label} : ${file}`);
      return undefined;
    }
    options.key = file.key;
    options.cert = file.certs.join('');
  }
  let context: SecureContext;
  try {
    context = createSecureContext(options);
  } catch (e) {
    l.error(contextErrorCode(e), s.pos, `${label} : ${contextError(e, tls.crt ?? '', options)}`);
    return undefined;
  }
  return {
    context,
    verify: verify === 'required',
    verifyhost: tls.verifyhost === '' ? undefined : tls.verifyhost,
    alpn: tls.alpn,
    checkAlpn: s.checkAlpn,
    reuseSessions: tls.noSslReuse !== true,
    traffic,
    checks,
  };
}

// ---- messages

function contextErrorCode(e: unknown): string {
  const m = (e as Error).message ?? '';
  return /cipher|curve|group|ecdh/i.test(m) ? TlsCode.SETTINGS : TlsCode.CERT;
}

function contextError(e: unknown, path: string, o: SecureContextOptions): string {
  const m = (e as Error).message ?? String(e);
  if (/no cipher match|cipher/i.test(m)) return `unable to set SSL cipher list to '${o.ciphers}' (${m})`;
  if (/curve|group|ecdh/i.test(m)) return `unable to set elliptic named curve list to '${o.ecdhCurve}' (${m})`;
  if (/mismatch/i.test(m)) return `inconsistencies between private key and certificate loaded from PEM file '${path}'`;
  return `unable to use certificate '${path}': ${m}`;
}

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    default:
      return err.message ?? String(e);
  }
}

function addressText(b: Bind): string {
  const a = b.address;
  if (a.kind === 'fd') return `fd@${a.fd}`;
  if (a.kind === 'unix') return a.path;
  return hostPort(a.host, a.port);
}
