// The PROXY protocol (haproxy.org/download/2.6/doc/proxy-protocol.txt),
// versions 1 (text) and 2 (binary): reading the header a load balancer in
// front of us sends (`bind ... accept-proxy`) and writing the one we send to
// servers (`send-proxy`, `send-proxy-v2`). Pure and strict: a header is
// accepted only as the specification writes it, anything else is an error
// with a reason, and the parser never reads past what it was given.

import { isIPv4, isIPv6 } from 'node:net';

/** The addresses a header carries; `local`: the sender's own connection (v2 LOCAL, v1 UNKNOWN): keep the real ones. */
export interface ProxyHeader {
  version: 1 | 2;
  local: boolean;
  family: 'tcp4' | 'tcp6' | 'unix' | 'unspec' | 'udp4' | 'udp6';
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** v2 TLVs (type, value), in order. */
  tlvs: Array<{ type: number; value: Buffer }>;
}

export type ProxyParse =
  | { kind: 'more' }
  | { kind: 'error'; reason: string }
  | { kind: 'ok'; header: ProxyHeader; length: number };

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
/** The longest v1 line, CRLF included (the specification's 107 bytes). */
export const V1_MAX = 107;
/** The largest v2 header we read: what fits HAProxy's default buffer. */
export const V2_MAX = 16 + 16384;

const NOT_PROXY = 'Received something which does not look like a PROXY protocol header';

/** Reads a header from the start of `buf`. */
export function parseProxyHeader(buf: Buffer): ProxyParse {
  if (buf.length === 0) return { kind: 'more' };
  if (buf[0] === 0x0d) {
    const n = Math.min(buf.length, V2_SIGNATURE.length);
    if (buf.compare(V2_SIGNATURE, 0, n, 0, n) !== 0) return { kind: 'error', reason: NOT_PROXY };
    if (buf.length < 16) return { kind: 'more' };
    return parseV2(buf);
  }
  const n = Math.min(buf.length, V1_PREFIX.length);
  if (buf.compare(V1_PREFIX, 0, n, 0, n) !== 0) return { kind: 'error', reason: NOT_PROXY };
  return parseV1(buf);
}

function parseV1(buf: Buffer): ProxyParse {
  const end = buf.indexOf('\r\n', 0, 'latin1');
  if (end < 0) {
    if (buf.length >= V1_MAX) return { kind: 'error', reason: 'PROXY v1 header too long (no CRLF within 107 bytes)' };
    // A lone LF is never acceptable: do not wait for more.
    if (buf.includes(0x0a)) return { kind: 'error', reason: 'PROXY v1 header ends without CR' };
    return { kind: 'more' };
  }
  if (end + 2 > V1_MAX) return { kind: 'error', reason: 'PROXY v1 header too long' };
  const line = buf.toString('latin1', 0, end);
  const words = line.split(' ');
  const base: Omit<ProxyHeader, 'family' | 'src' | 'srcPort' | 'dst' | 'dstPort' | 'local'> = { version: 1, tlvs: [] };
  if (words[1] === 'UNKNOWN') {
    // Anything may follow UNKNOWN; the receiver ignores it.
    return { kind: 'ok', length: end + 2, header: { ...base, local: true, family: 'unspec', src: '', srcPort: 0, dst: '', dstPort: 0 } };
  }
  if (words.length !== 6) return { kind: 'error', reason: 'PROXY v1 header: wrong number of fields' };
  const [, proto, src, dst, sp, dp] = words as [string, string, string, string, string, string];
  const v4 = proto === 'TCP4';
  if (!v4 && proto !== 'TCP6') return { kind: 'error', reason: `PROXY v1 header: unknown protocol '${proto}'` };
  if (v4 ? !(isIPv4(src) && isIPv4(dst)) : !(isIPv6(src) && isIPv6(dst))) {
    return { kind: 'error', reason: `PROXY v1 header: invalid ${proto} address` };
  }
  const srcPort = port(sp);
  const dstPort = port(dp);
  if (srcPort < 0 || dstPort < 0) return { kind: 'error', reason: 'PROXY v1 header: invalid port' };
  return { kind: 'ok', length: end + 2, header: { ...base, local: false, family: v4 ? 'tcp4' : 'tcp6', src, srcPort, dst, dstPort } };
}

/** A decimal port, 0-65535, no sign, no leading zero. */
function port(s: string): number {
  if (!/^(0|[1-9]\d{0,4})$/.test(s)) return -1;
  const n = Number(s);
  return n <= 65535 ? n : -1;
}

function parseV2(buf: Buffer): ProxyParse {
  const verCmd = buf[12]!;
  if (verCmd >> 4 !== 2) return { kind: 'error', reason: `PROXY v2 header: unsupported version ${verCmd >> 4}` };
  const cmd = verCmd & 0x0f;
  if (cmd > 1) return { kind: 'error', reason: `PROXY v2 header: unknown command ${cmd}` };
  const fam = buf[13]!;
  const len = buf.readUInt16BE(14);
  if (16 + len > V2_MAX) return { kind: 'error', reason: 'PROXY v2 header too long' };
  if (buf.length < 16 + len) return { kind: 'more' };
  const total = 16 + len;
  const body = buf.subarray(16, total);
  let family: ProxyHeader['family'];
  let addrLen: number;
  switch (fam) {
    case 0x00:
      family = 'unspec';
      addrLen = 0;
      break;
    case 0x11:
    case 0x12:
      family = fam === 0x11 ? 'tcp4' : 'udp4';
      addrLen = 12;
      break;
    case 0x21:
    case 0x22:
      family = fam === 0x21 ? 'tcp6' : 'udp6';
      addrLen = 36;
      break;
    case 0x31:
    case 0x32:
      family = 'unix';
      addrLen = 216;
      break;
    default:
      return { kind: 'error', reason: `PROXY v2 header: unknown address family 0x${fam.toString(16).padStart(2, '0')}` };
  }
  const local = cmd === 0;
  const header: ProxyHeader = { version: 2, local, family, src: '', srcPort: 0, dst: '', dstPort: 0, tlvs: [] };
  // LOCAL may carry anything (the receiver ignores the addresses); PROXY must carry its family's block.
  if (!local) {
    if (family === 'unspec') return { kind: 'ok', length: total, header: { ...header, local: true } };
    if (len < addrLen) return { kind: 'error', reason: 'PROXY v2 header: address block truncated' };
    if (family === 'tcp4' || family === 'udp4') {
      header.src = ipv4(body, 0);
      header.dst = ipv4(body, 4);
      header.srcPort = body.readUInt16BE(8);
      header.dstPort = body.readUInt16BE(10);
    } else if (family === 'tcp6' || family === 'udp6') {
      header.src = ipv6(body, 0);
      header.dst = ipv6(body, 16);
      header.srcPort = body.readUInt16BE(32);
      header.dstPort = body.readUInt16BE(34);
    } else {
      header.src = cString(body.subarray(0, 108));
      header.dst = cString(body.subarray(108, 216));
    }
    const tlvs = parseTlvs(body.subarray(addrLen));
    if (typeof tlvs === 'string') return { kind: 'error', reason: tlvs };
    header.tlvs = tlvs;
  }
  return { kind: 'ok', length: total, header };
}

function parseTlvs(b: Buffer): ProxyHeader['tlvs'] | string {
  const out: ProxyHeader['tlvs'] = [];
  let o = 0;
  // Each TLV takes at least 3 bytes: bounded by the block's length.
  while (o < b.length) {
    if (o + 3 > b.length) return 'PROXY v2 header: truncated TLV';
    const type = b[o]!;
    const len = b.readUInt16BE(o + 1);
    if (o + 3 + len > b.length) return 'PROXY v2 header: TLV longer than the header';
    out.push({ type, value: Buffer.from(b.subarray(o + 3, o + 3 + len)) });
    o += 3 + len;
  }
  return out;
}

function ipv4(b: Buffer, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/** RFC 5952 text (zeros compressed, lowercase); v4-mapped addresses as Node prints them. */
function ipv6(b: Buffer, o: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(b.readUInt16BE(o + 2 * i));
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${w[6]! >> 8}.${w[6]! & 255}.${w[7]! >> 8}.${w[7]! & 255}`;
  }
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

function cString(b: Buffer): string {
  const z = b.indexOf(0);
  return b.toString('latin1', 0, z < 0 ? b.length : z);
}

// ---- writing

/** What a header we send says: the client's connection as we see it. */
export interface ProxyAddresses {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

/** A v1 line: TCP4 or TCP6 when both addresses share a family, else UNKNOWN (as HAProxy writes it). */
export function encodeProxyV1(a: ProxyAddresses | null): Buffer {
  if (a !== null) {
    if (isIPv4(a.src) && isIPv4(a.dst)) return Buffer.from(`PROXY TCP4 ${a.src} ${a.dst} ${a.srcPort} ${a.dstPort}\r\n`, 'latin1');
    if (isIPv6(a.src) && isIPv6(a.dst)) return Buffer.from(`PROXY TCP6 ${a.src} ${a.dst} ${a.srcPort} ${a.dstPort}\r\n`, 'latin1');
  }
  return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
}

/**
 * A v2 header: PROXY over TCP4 or TCP6 (an IPv4 address beside an IPv6 one
 * is written v4-mapped), LOCAL without addresses otherwise (a health check,
 * a UNIX-socket client). `tlvs` are appended as given.
 */
export function encodeProxyV2(a: ProxyAddresses | null, tlvs: ReadonlyArray<{ type: number; value: Buffer }> = []): Buffer {
  let fam = 0x00;
  let addr = Buffer.alloc(0);
  if (a !== null && (isIPv4(a.src) || isIPv6(a.src)) && (isIPv4(a.dst) || isIPv6(a.dst))) {
    if (isIPv4(a.src) && isIPv4(a.dst)) {
      fam = 0x11;
      addr = Buffer.alloc(12);
      writeV4(addr, 0, a.src);
      writeV4(addr, 4, a.dst);
      addr.writeUInt16BE(a.srcPort, 8);
      addr.writeUInt16BE(a.dstPort, 10);
    } else {
      fam = 0x21;
      addr = Buffer.alloc(36);
      writeV6(addr, 0, a.src);
      writeV6(addr, 16, a.dst);
      addr.writeUInt16BE(a.srcPort, 32);
      addr.writeUInt16BE(a.dstPort, 34);
    }
  }
  let tlvLen = 0;
  for (const t of tlvs) tlvLen += 3 + t.value.length;
  const out = Buffer.alloc(16 + addr.length + tlvLen);
  V2_SIGNATURE.copy(out, 0);
  out[12] = fam === 0 ? 0x20 : 0x21;
  out[13] = fam;
  out.writeUInt16BE(addr.length + tlvLen, 14);
  addr.copy(out, 16);
  let o = 16 + addr.length;
  for (const t of tlvs) {
    out[o] = t.type;
    out.writeUInt16BE(t.value.length, o + 1);
    t.value.copy(out, o + 3);
    o += 3 + t.value.length;
  }
  return out;
}

function writeV4(b: Buffer, o: number, ip: string): void {
  const p = ip.split('.');
  for (let i = 0; i < 4; i++) b[o + i] = Number(p[i]);
}

function writeV6(b: Buffer, o: number, ip: string): void {
  if (isIPv4(ip)) {
    b.fill(0, o, o + 10);
    b[o + 10] = 0xff;
    b[o + 11] = 0xff;
    writeV4(b, o + 12, ip);
    return;
  }
  let text = ip;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = text.slice(lastColon + 1).split('.').map(Number);
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const hw = head === '' ? [] : head.split(':').map((h) => parseInt(h, 16));
  const rw = rest === undefined || rest === '' ? [] : rest.split(':').map((h) => parseInt(h, 16));
  const words = rest === undefined ? hw : [...hw, ...new Array<number>(8 - hw.length - rw.length).fill(0), ...rw];
  if (tail.length === 2) {
    words[6] = tail[0]!;
    words[7] = tail[1]!;
  }
  for (let i = 0; i < 8; i++) b.writeUInt16BE(words[i] ?? 0, o + 2 * i);
}
