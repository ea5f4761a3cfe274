// The first bytes of a TLS connection, read without terminating it: the
// record and handshake headers (req.ssl_hello_type, req.ssl_ver) and the
// ClientHello's server name, ALPN list, signature algorithms and cipher
// suites (req.ssl_sni, req.ssl_alpn; SNI routing in mode tcp; and which of
// an ECDSA or RSA certificate a client can verify). Pure and bounded: every
// read is checked against the buffer, garbage gives `invalid`, a prefix of
// a valid message gives `more`, and nothing here throws.

export interface ClientHello {
  /** Record layer version, 0x0301 for TLS 1.0 records. */
  recordVersion: number;
  /** The hello's legacy_version (0x0303 for TLS 1.2 and 1.3). */
  version: number;
  /** server_name host_name, as sent (not lowercased). */
  sni: string | undefined;
  /** ALPN protocol names, client's order. */
  alpn: string[];
  /** signature_algorithms code points. */
  sigalgs: number[];
  cipherSuites: number[];
  /** supported_versions (TLS 1.3 clients). */
  supportedVersions: number[];
}

export type HelloParse = { status: 'more' } | { status: 'invalid' } | { status: 'ok'; hello: ClientHello; length: number };

const MORE: HelloParse = { status: 'more' };
const INVALID: HelloParse = { status: 'invalid' };

/** A record never carries more than 2^14 bytes (plus expansion HAProxy tolerates). */
const MAX_RECORD = (1 << 14) + 2048;

function u16(b: Buffer, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function isSslv3Record(first: number): boolean {
  return (first >= 0x14 && first <= 0x17) || first === 0xff;
}

/**
 * req.ssl_hello_type: the handshake type of the first message when the
 * buffer starts with an SSLv3/TLS record holding it whole; `more` when it
 * may come, undefined when this is not SSL.
 */
export function helloType(b: Buffer): number | 'more' | undefined {
  if (b.length === 0) return 'more';
  if (!isSslv3Record(b[0]!)) return undefined;
  if (b.length < 9) return 'more';
  if (((b[1]! << 16) | b[2]!) < 0x30000) return undefined;
  if (u16(b, 3) < 4) return undefined;
  const hsLen = (b[6]! << 16) | (b[7]! << 8) | b[8]!;
  if (b.length < 9 + hsLen) return 'more';
  return b[5]!;
}

/**
 * req.ssl_ver: major * 65536 + minor of the client's hello (an SSLv3/TLS
 * record, or an SSLv2-format hello), once the whole first message (up to a
 * buffer, `limit` bytes) is there.
 */
export function helloVersion(b: Buffer, limit = 16384): number | 'more' | undefined {
  if (b.length === 0) return 'more';
  let version: number;
  let need: number;
  if (isSslv3Record(b[0]!)) {
    if (b.length < 11) return 'more';
    if (((b[1]! << 16) | b[2]!) < 0x30000) return undefined;
    const msgLen = u16(b, 3);
    if (msgLen < 6 || msgLen > MAX_RECORD) return undefined;
    version = (b[9]! << 16) | b[10]!;
    need = 5 + msgLen;
  } else {
    // SSLv2 header: 2 bytes (short form) or 3 (with padding), then a hello.
    let o: number;
    let rlen: number;
    let pad: number;
    if (b[0]! & 0x80) {
      if (b.length < 3) return 'more';
      rlen = ((b[0]! & 0x7f) << 8) | b[1]!;
      pad = 0;
      o = 2;
    } else {
      if (b.length < 4) return 'more';
      rlen = ((b[0]! & 0x3f) << 8) | b[1]!;
      pad = b[2]!;
      o = 3;
    }
    if (b[o] !== 0x01) return undefined;
    o++;
    if (b.length < o + 8) return 'more';
    version = (b[o]! << 16) | b[o + 1]!;
    const cipherLen = u16(b, o + 2);
    const sidLen = u16(b, o + 4);
    const challengeLen = u16(b, o + 6);
    if (cipherLen % 3 !== 0 || (sidLen !== 0 && sidLen !== 16) || challengeLen < 16 || challengeLen > 32) return undefined;
    if (rlen !== 9 + cipherLen + sidLen + challengeLen) return undefined;
    need = o + 8 + cipherLen + sidLen + challengeLen + pad;
  }
  if (need > limit) need = limit;
  if (b.length < need) return 'more';
  return version;
}

/**
 * The ClientHello at the start of `b` (one handshake record, as every
 * client sends it), or why not.
 */
export function parseClientHello(b: Buffer): HelloParse {
  if (b.length === 0) return MORE;
  if (b[0] !== 0x16) return INVALID;
  if (b.length < 3) return MORE;
  if (b[1]! < 3) return INVALID;
  if (b.length < 5) return MORE;
  const recLen = u16(b, 3);
  if (recLen < 4 || recLen > MAX_RECORD) return INVALID;
  if (b.length < 6) return MORE;
  if (b[5] !== 0x01) return INVALID;
  if (b.length < 9) return MORE;
  const hsLen = (b[6]! << 16) | (b[7]! << 8) | b[8]!;
  // The hello must fit its record (fragmented hellos are not routed, as in HAProxy).
  if (hsLen + 4 > recLen || hsLen < 38) return INVALID;
  const end = 9 + hsLen;
  if (b.length < end) return MORE;
  const hello: ClientHello = {
    recordVersion: u16(b, 1),
    version: u16(b, 9),
    sni: undefined,
    alpn: [],
    sigalgs: [],
    cipherSuites: [],
    supportedVersions: [],
  };
  if (b[9]! < 3) return INVALID;
  let o = 9 + 2 + 32;
  const sidLen = b[o]!;
  if (sidLen > 32) return INVALID;
  o += 1 + sidLen;
  if (o + 2 > end) return INVALID;
  const csLen = u16(b, o);
  o += 2;
  if (csLen < 2 || csLen % 2 !== 0 || o + csLen > end) return INVALID;
  for (let i = 0; i < csLen; i += 2) hello.cipherSuites.push(u16(b, o + i));
  o += csLen;
  if (o + 1 > end) return INVALID;
  const compLen = b[o]!;
  if (compLen < 1 || o + 1 + compLen > end) return INVALID;
  o += 1 + compLen;
  if (o === end) return { status: 'ok', hello, length: 5 + recLen };
  if (o + 2 > end) return INVALID;
  const extLen = u16(b, o);
  o += 2;
  if (o + extLen > end) return INVALID;
  const extEnd = o + extLen;
  while (o < extEnd) {
    if (o + 4 > extEnd) return INVALID;
    const type = u16(b, o);
    const len = u16(b, o + 2);
    o += 4;
    if (o + len > extEnd) return INVALID;
    if (!readExtension(b, o, len, type, hello)) return INVALID;
    o += len;
  }
  return { status: 'ok', hello, length: 5 + recLen };
}

function readExtension(b: Buffer, o: number, len: number, type: number, h: ClientHello): boolean {
  const end = o + len;
  switch (type) {
    case 0x0000: {
      // server_name: a list of (type, name); only host_name (0) is defined.
      if (len < 2) return false;
      const listLen = u16(b, o);
      if (o + 2 + listLen > end) return false;
      let p = o + 2;
      while (p < o + 2 + listLen) {
        if (p + 3 > end) return false;
        const nameType = b[p]!;
        const nameLen = u16(b, p + 1);
        if (p + 3 + nameLen > end) return false;
        if (nameType === 0 && h.sni === undefined) h.sni = b.toString('latin1', p + 3, p + 3 + nameLen);
        p += 3 + nameLen;
      }
      return true;
    }
    case 0x0010: {
      // application_layer_protocol_negotiation
      if (len < 2) return false;
      const listLen = u16(b, o);
      if (o + 2 + listLen > end) return false;
      let p = o + 2;
      while (p < o + 2 + listLen) {
        const n = b[p]!;
        if (n === 0 || p + 1 + n > end) return false;
        h.alpn.push(b.toString('latin1', p + 1, p + 1 + n));
        p += 1 + n;
      }
      return true;
    }
    case 0x000d: {
      // signature_algorithms
      if (len < 2) return false;
      const n = u16(b, o);
      if (n % 2 !== 0 || o + 2 + n > end) return false;
      for (let i = 0; i < n; i += 2) h.sigalgs.push(u16(b, o + 2 + i));
      return true;
    }
    case 0x002b: {
      // supported_versions
      if (len < 1) return false;
      const n = b[o]!;
      if (n % 2 !== 0 || o + 1 + n > end) return false;
      for (let i = 0; i < n; i += 2) h.supportedVersions.push(u16(b, o + 1 + i));
      return true;
    }
    default:
      return true;
  }
}

/**
 * Whether the client can verify an ECDSA certificate, and an RSA one: from
 * its signature algorithms, else (old clients) from its cipher suites.
 */
export function helloKeyTypes(h: ClientHello): { ecdsa: boolean; rsa: boolean } {
  if (h.sigalgs.length > 0) {
    let ecdsa = false;
    let rsa = false;
    for (const s of h.sigalgs) {
      const sig = s & 0xff;
      // TLS 1.2 pairs (hash, sig): sig 1 RSA, 3 ECDSA; TLS 1.3 schemes 0x04xx-0x06xx end in 01/03, 0x0804-0x0806 and 0x0809-0x080b are RSA-PSS.
      if (sig === 3 && s >> 8 <= 0x06) ecdsa = true;
      else if (sig === 1 && s >> 8 <= 0x06) rsa = true;
      else if ((s >= 0x0804 && s <= 0x0806) || (s >= 0x0809 && s <= 0x080b)) rsa = true;
    }
    return { ecdsa, rsa };
  }
  // No signature_algorithms: TLS 1.0/1.1; ECDSA only with an ECDHE_ECDSA suite (0xC0xx, odd auth group).
  const ecdsa = h.cipherSuites.some((c) => ECDSA_SUITES.has(c));
  return { ecdsa, rsa: true };
}

/** The ECDHE_ECDSA suites of TLS 1.0-1.2 (RFC 4492, 5289, 7905, 7251). */
const ECDSA_SUITES = new Set([
  0xc006, 0xc007, 0xc008, 0xc009, 0xc00a, 0xc023, 0xc024, 0xc02b, 0xc02c, 0xc0ac, 0xc0ad, 0xc0ae, 0xc0af, 0xcca9,
]);
