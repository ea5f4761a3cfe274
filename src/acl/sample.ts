// What a request exposes to sample fetches (SampleContext), and the typed
// value a fetch produces (Sample): HAProxy's sample types bool, int, ip (v4 or
// v6), str, bin and the method type.
//
// SampleContext is designed so that the HTTP and TCP sessions can implement it
// themselves (its names do not clash with PickInput's) without computing
// anything up front: every method is asked only when a fetch needs it, and
// header access hands out the parsed head's own flat [name, value, ...]
// array, so a header fetch costs no copy. Strings hold one
// byte per character (latin1), the way the HTTP parser produces them.
//
// A Sample is mutable and reused: each compiled expression owns one, so
// evaluating a condition allocates nothing for ints, bools and addresses, and
// only the strings a fetch or converter genuinely builds.

import type { StickCounters } from '../stick/index.ts';

/** Sample types, numbered like HAProxy's SMP_T_* (used as indexes in the cast matrix). */
export const SMP_ANY = 0;
export const SMP_BOOL = 1;
export const SMP_INT = 2;
/** "an IPv4 or IPv6 address", only as an expected type: samples are IPV4 or IPV6. */
export const SMP_ADDR = 3;
export const SMP_IPV4 = 4;
export const SMP_IPV6 = 5;
export const SMP_STR = 6;
export const SMP_BIN = 7;
/** An HTTP method: its text in `str` (HAProxy matches known methods by identity). */
export const SMP_METH = 8;

export type SampleType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** HAProxy's names for the types, as its messages print them. */
export const SAMPLE_TYPE_NAMES: readonly string[] = ['any', 'bool', 'sint', 'addr', 'ipv4', 'ipv6', 'str', 'bin', 'meth'];

const EMPTY = Buffer.alloc(0);

export class Sample {
  type: SampleType = SMP_ANY;
  /** BOOL (0 or 1), INT, or IPV4 (the address as an unsigned 32-bit number). */
  int = 0;
  /** STR and METH. */
  str = '';
  /** BIN. */
  bin: Buffer = EMPTY;
  /** IPV6: the address as four 32-bit words, most significant first. */
  readonly v6 = new Uint32Array(4);

  // Iteration state, owned by the fetch that filled the sample. An ACL asks a
  // fetch for every value it has (all occurrences of a header...); the fetch
  // sets `notLast` while more may follow and keeps its cursor here.
  notLast = false;
  /**
   * Set by a fetch over data still arriving (req.len, req.payload, a TLS
   * ClientHello, an HTTP head in a TCP buffer) when its answer, or its
   * absence, could change with more bytes: content rules then wait for the
   * inspect-delay instead of deciding (HAProxy's SMP_F_MAY_CHANGE). Fetches
   * set it only while ctx.requestMayGrow() is true.
   */
  mayChange = false;
  i0 = 0;
  i1 = 0;
  i2 = 0;

  /** Forget the value and the iteration state (before a new evaluation). */
  reset(): void {
    this.type = SMP_ANY;
    this.notLast = false;
    this.mayChange = false;
    this.i0 = 0;
    this.i1 = 0;
    this.i2 = 0;
  }

  setStr(s: string): void {
    this.type = SMP_STR;
    this.str = s;
  }

  setInt(n: number): void {
    this.type = SMP_INT;
    this.int = n;
  }

  setBool(b: boolean): void {
    this.type = SMP_BOOL;
    this.int = b ? 1 : 0;
  }

  setIPv4(a: number): void {
    this.type = SMP_IPV4;
    this.int = a >>> 0;
  }

  setIPv6(w0: number, w1: number, w2: number, w3: number): void {
    this.type = SMP_IPV6;
    const v = this.v6;
    v[0] = w0;
    v[1] = w1;
    v[2] = w2;
    v[3] = w3;
  }

  setBin(b: Buffer): void {
    this.type = SMP_BIN;
    this.bin = b;
  }

  /** Copies the value (not the iteration state) of `o`. */
  copyValue(o: Sample): void {
    this.type = o.type;
    this.int = o.int;
    this.str = o.str;
    this.bin = o.bin;
    this.v6.set(o.v6);
  }
}

/**
 * What a request (or connection) exposes to fetches. Every method is called
 * only when a condition or expression needs it, at most a few times per
 * evaluation; implementations should return what they already hold.
 */
export interface SampleContext {
  // ---- layer 4 (always available)
  /** `src`: the client address as text, "192.0.2.1" or "2001:db8::1" (v4-mapped as v4, as Txn shows it). */
  clientAddress(): string;
  /** `src_port` */
  clientPort(): number;
  /** `dst`: the local address the client connected to. */
  localAddress(): string;
  /** `dst_port` */
  localPort(): number;
  /** TLS on the client connection (terminated here). */
  ssl(): boolean;
  /** SNI sent by a TLS client; undefined without TLS or SNI. */
  sni(): string | undefined;
  /** The client connection's TLS facts (ssl_fc_*, ssl_c_*, ssl_f_*); undefined without TLS. */
  clientTls(): ClientTlsFacts | undefined;

  // ---- HTTP request (undefined when there is none: tcp mode, or not parsed yet)
  /** True while response rules run: `hdr()` and `cookie()` then read the response. */
  isResponse(): boolean;
  method(): string | undefined;
  /** The request target exactly as received (origin-form "/a?b", absolute-form, "*"). */
  url(): string | undefined;
  /** "1.0" or "1.1". */
  httpVersion(): string | undefined;
  /** Request header fields as received, flat: [name, value, name, value, ...], names in any case. */
  requestHeaders(): readonly string[] | undefined;
  /** The request body bytes buffered so far (bounded by the caller); undefined when nothing is buffered. */
  requestBody(): Buffer | undefined;
  /** Bytes in the request buffer (`req.len`): head plus buffered body in HTTP, bytes received in TCP. */
  requestLength(): number;
  /** First request on this client connection. */
  firstRequest(): boolean;
  /**
   * The raw request bytes buffered and not forwarded yet, for fetches that
   * read the byte stream (req.payload, TLS ClientHello fetches): what a TCP
   * session holds while its content rules inspect it. Undefined in HTTP
   * mode (the request is parsed there) and once the data has been forwarded.
   */
  requestPayload(): Buffer | undefined;
  /**
   * True while content inspection may still receive request bytes before
   * its rules must decide (inspect-delay running, buffer not full, client
   * still sending). A fetch whose result could change with more bytes then
   * sets smp.mayChange.
   */
  requestMayGrow(): boolean;

  // ---- HTTP response (undefined / 0 before one)
  status(): number;
  /** "1.0" or "1.1". */
  responseVersion(): string | undefined;
  responseHeaders(): readonly string[] | undefined;

  // ---- internal state
  frontendName(): string;
  /** The backend chosen so far ("" before one is). */
  backendName(): string;
  /** `env(NAME)`: the process environment (HAProxy reads it at run time; setenv/presetenv apply). */
  env(name: string): string | undefined;
  /**
   * `nbsrv([backend])`: usable servers of `backend` (undefined: the current
   * proxy): the active servers UP, or when none, the backups UP (1 when only
   * the first backup is used, as without `option allbackups`). 0 when unknown.
   */
  nbsrv(backend: string | undefined): number;
  /** `be_conn([backend])`: connections currently established on the backend (undefined: the current proxy). */
  beConn(backend: string | undefined): number;
  /** `srv_is_up([backend/]server)`: the server is UP (not DOWN, not in maintenance). */
  srvIsUp(backend: string | undefined, server: string): boolean;
  /**
   * Fills `out` (setStr, setInt, setBool, setIPv4...) with variable `name`
   * as written in the configuration ("txn.foo", "req.x", "sess.y",
   * "proc.z"); false when unset.
   */
  getVar(name: string, out: Sample): boolean;

  // ---- stick tables (optional: contexts without sessions track nothing)
  /** The session's stick counters (track-sc0..2); null when it tracks nothing. */
  stickCounters?(): StickCounters | null;
}

/**
 * A TLS connection terminated here, as the ssl_fc_* / ssl_c_* / ssl_f_*
 * fetches read it. Implementations compute each answer when asked.
 */
export interface ClientTlsFacts {
  /** "TLSv1.3", "TLSv1.2"... */
  protocol(): string;
  /** The cipher's OpenSSL name ("TLS_AES_256_GCM_SHA384", "ECDHE-RSA-AES128-GCM-SHA256"). */
  cipher(): string;
  /** Symmetric key size of the cipher, in bits. */
  cipherBits(): number;
  /** The protocol ALPN chose; undefined when none was. */
  alpn(): string | undefined;
  /** The session was resumed (session cache or ticket). */
  resumed(): boolean;
  /** X509_V_* result of verifying the client certificate (0: OK or none). */
  verifyResult(): number;
  /** The certificate the client presented (ssl_c_*), null when none. */
  peerCertificate(): CertificateView | null;
  /** The certificate this side presented (ssl_f_*), null when unknown. */
  localCertificate(): CertificateView | null;
}

/** One X.509 certificate as fetches read it. */
export interface CertificateView {
  /** Distinguished names as [attribute, value] pairs in certificate order ("CN", "example.com"). */
  readonly subject: ReadonlyArray<readonly [string, string]>;
  readonly issuer: ReadonlyArray<readonly [string, string]>;
  /** The serial number's bytes. */
  readonly serial: Buffer;
  /** Validity as ASN.1 time text, HAProxy's YYMMDDhhmmssZ (or YYYYMMDDhhmmssZ after 2049). */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly sha1: Buffer;
  readonly der: Buffer;
  /** X.509 version (3 for v3). */
  readonly version: number;
  /** Key algorithm as HAProxy names it ("rsaEncryption", "id-ecPublicKey"). */
  readonly keyAlg: string;
}
