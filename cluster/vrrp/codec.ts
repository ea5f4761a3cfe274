// VRRP advertisements as bytes: RFC 3768 (v2, IPv4) and RFC 5798 (v3, IPv4
// and IPv6), compatible with keepalived on the wire.
//
//   v2: ver|type vrid prio count | authtype adver-int(s) checksum | addrs | auth data (8)
//   v3: ver|type vrid prio count | rsvd(4) max-adver-int(12, cs) checksum | addrs
//
// Decoding never throws: any input gives either an advert or a drop with a
// stable code. Encoding throws VrrpCodecError only when the caller passes
// fields that cannot be put on the wire (a bug, not a network event).
//
// @example
//   const bytes = encodeAdvert(
//     { version: 3, vrid: 51, priority: 150, interval: 1000, addresses: ['10.99.0.100'] },
//     { source: '10.99.0.11', destination: VRRP_MULTICAST_IPV4 },
//   );
//   const r = decodeIPv4Packet(packetFromRawSocket);
//   if (r.ok) machine.handle({ kind: 'advert', priority: r.advert.priority, maxAdvertInterval: r.advert.interval, srcAddr: r.source });

import { vrrpChecksum, IPPROTO_VRRP } from './checksum.ts';
import { VrrpDropCode, type VrrpDrop } from './drop.ts';
import { formatIPv4, formatIPv6, parseIP } from './ip-address.ts';

export { IPPROTO_VRRP };
export const VRRP_MULTICAST_IPV4 = '224.0.0.18';
export const VRRP_MULTICAST_IPV6 = 'ff02::12';
/** Adverts are sent with TTL / hop limit 255 and refused with any other (they must not cross a router). */
export const VRRP_TTL = 255;
/** The only packet type. */
export const VRRP_TYPE_ADVERTISEMENT = 1;
/** v2 authentication types (RFC 2338; RFC 3768 keeps them reserved). */
export const VRRP_AUTH_NONE = 0;
export const VRRP_AUTH_PASS = 1;

const HEADER = 8;
const V2_AUTH_DATA = 8;

/** A decoded advertisement. */
export interface VrrpAdvert {
  version: 2 | 3;
  vrid: number;
  /** 0 (the master is stopping) to 255 (the address owner). */
  priority: number;
  /** In ms: v3 Max Advertise Interval (centiseconds on the wire), v2 Advertisement Interval (seconds). */
  interval: number;
  family: 4 | 6;
  /** Canonical text (see ip-address.ts). */
  addresses: string[];
  /** v2: 0 none, 1 simple password; v3: always 0. */
  authType: number;
  /** v2 with authType 1: the password, trailing NULs removed. */
  authPassword?: string;
  checksum: number;
}

export type VrrpDecodeResult =
  | {
      ok: true;
      advert: VrrpAdvert;
      /** The sender's address: its primary address, compared on a priority tie. */
      source: string;
      destination: string;
      /** TTL / hop limit when the transport can read it. */
      ttl: number | undefined;
    }
  | { ok: false; drop: VrrpDrop };

export interface DecodeOptions {
  /** v3: the checksum covers the IPv4/IPv6 pseudo-header (RFC 5798, keepalived; the default) or not (Cisco/Juniper IPv4). */
  pseudoHeader?: boolean;
}

function drop(code: VrrpDrop['code'], message: string): VrrpDecodeResult {
  return { ok: false, drop: { code, message, error: true } };
}

/**
 * Decodes an IPv4 packet as a raw socket for protocol 112 delivers it (IPv4
 * header included), checking the header's lengths, protocol 112 and TTL 255.
 */
export function decodeIPv4Packet(packet: Uint8Array, options?: DecodeOptions): VrrpDecodeResult {
  if (packet.length < 20) return drop(VrrpDropCode.TRUNCATED, `${packet.length}-byte packet is shorter than an IPv4 header`);
  const version = packet[0]! >> 4;
  if (version !== 4) return drop(VrrpDropCode.BAD_IP_HEADER, `IP version ${version}, expected 4`);
  const ihl = (packet[0]! & 0x0f) * 4;
  if (ihl < 20) return drop(VrrpDropCode.BAD_IP_HEADER, `IPv4 header length ${ihl} is below 20`);
  const total = (packet[2]! << 8) | packet[3]!;
  if (total < ihl) return drop(VrrpDropCode.BAD_IP_HEADER, `IPv4 total length ${total} is below the header length ${ihl}`);
  if (total > packet.length) {
    return drop(VrrpDropCode.TRUNCATED, `IPv4 total length ${total} but ${packet.length} bytes received`);
  }
  const protocol = packet[9]!;
  if (protocol !== IPPROTO_VRRP) return drop(VrrpDropCode.BAD_PROTOCOL, `IP protocol ${protocol}, expected ${IPPROTO_VRRP}`);
  const ttl = packet[8]!;
  if (ttl !== VRRP_TTL) return drop(VrrpDropCode.BAD_TTL, `TTL ${ttl}, expected ${VRRP_TTL}`);
  const source = packet.subarray(12, 16);
  const destination = packet.subarray(16, 20);
  return decodeMessage(packet, ihl, total, 4, source, destination, ttl, options);
}

/** Where a payload came from, for transports that strip the IP header (IPv6 raw sockets, UDP). */
export interface PayloadMeta {
  source: string;
  destination: string;
  /** The TTL / hop limit when the transport can read it; undefined skips the check. */
  ttl?: number;
}

/** Decodes a bare VRRP message; the family is the source's, the pseudo-header is built from `meta`. */
export function decodeVrrpPayload(payload: Uint8Array, meta: PayloadMeta, options?: DecodeOptions): VrrpDecodeResult {
  const source = typeof meta.source === 'string' ? parseIP(meta.source) : undefined;
  const destination = typeof meta.destination === 'string' ? parseIP(meta.destination) : undefined;
  if (source === undefined || destination === undefined || source.length !== destination.length) {
    return drop(VrrpDropCode.BAD_ADDRESS, `source '${String(meta.source)}' and destination '${String(meta.destination)}' are not two addresses of one family`);
  }
  if (meta.ttl !== undefined && meta.ttl !== VRRP_TTL) {
    return drop(VrrpDropCode.BAD_TTL, `${source.length === 4 ? 'TTL' : 'hop limit'} ${meta.ttl}, expected ${VRRP_TTL}`);
  }
  return decodeMessage(payload, 0, payload.length, source.length === 4 ? 4 : 6, source, destination, meta.ttl, options);
}

function decodeMessage(
  buf: Uint8Array,
  start: number,
  end: number,
  family: 4 | 6,
  source: Uint8Array,
  destination: Uint8Array,
  ttl: number | undefined,
  options: DecodeOptions | undefined,
): VrrpDecodeResult {
  const length = end - start;
  if (length < HEADER) return drop(VrrpDropCode.TRUNCATED, `${length}-byte VRRP message is shorter than its 8-byte header`);
  const version = buf[start]! >> 4;
  const type = buf[start]! & 0x0f;
  if (version !== 2 && version !== 3) return drop(VrrpDropCode.BAD_VERSION, `VRRP version ${version}, expected 2 or 3`);
  if (version === 2 && family === 6) return drop(VrrpDropCode.BAD_VERSION, 'VRRPv2 over IPv6 (v2 is IPv4 only)');
  if (type !== VRRP_TYPE_ADVERTISEMENT) return drop(VrrpDropCode.BAD_TYPE, `VRRP type ${type}, expected 1 (ADVERTISEMENT)`);
  const count = buf[start + 3]!;
  const addrLen = family === 4 ? 4 : 16;
  const expected = HEADER + count * addrLen + (version === 2 ? V2_AUTH_DATA : 0);
  if (length !== expected) {
    return drop(
      VrrpDropCode.BAD_LENGTH,
      `VRRPv${version} message of ${length} bytes for ${count} IPv${family} address(es), expected ${expected}`,
    );
  }
  const withPseudo = version === 3 && options?.pseudoHeader !== false;
  const sum = withPseudo ? vrrpChecksum(buf, start, end, source, destination) : vrrpChecksum(buf, start, end);
  const checksum = (buf[start + 6]! << 8) | buf[start + 7]!;
  if (sum !== 0) {
    const how = version === 2 ? '' : withPseudo ? ' (with the pseudo-header)' : ' (without the pseudo-header)';
    return drop(VrrpDropCode.BAD_CHECKSUM, `VRRPv${version} checksum 0x${checksum.toString(16).padStart(4, '0')} does not verify${how}`);
  }
  const interval =
    version === 3 ? (((buf[start + 4]! & 0x0f) << 8) | buf[start + 5]!) * 10 : buf[start + 5]! * 1000;
  if (interval === 0) return drop(VrrpDropCode.BAD_INTERVAL, 'advertisement interval of 0');
  const addresses: string[] = [];
  for (let i = 0, off = start + HEADER; i < count; i++, off += addrLen) {
    addresses.push(family === 4 ? formatIPv4(buf, off) : formatIPv6(buf, off));
  }
  const advert: VrrpAdvert = {
    version,
    vrid: buf[start + 1]!,
    priority: buf[start + 2]!,
    interval,
    family,
    addresses,
    authType: version === 2 ? buf[start + 4]! : 0,
    checksum,
  };
  if (version === 2 && advert.authType === VRRP_AUTH_PASS) {
    const auth = start + HEADER + count * 4;
    let n = 0;
    while (n < V2_AUTH_DATA && buf[auth + n] !== 0) n++;
    advert.authPassword = String.fromCharCode(...buf.subarray(auth, auth + n));
  }
  return {
    ok: true,
    advert,
    source: family === 4 ? formatIPv4(source) : formatIPv6(source),
    destination: family === 4 ? formatIPv4(destination) : formatIPv6(destination),
    ttl,
  };
}

/** What goes into an advert. */
export interface VrrpAdvertFields {
  version: 2 | 3;
  vrid: number;
  priority: number;
  /** ms: v3 a multiple of 10 from 10 to 40950; v2 whole seconds from 1 to 255. */
  interval: number;
  /** All of one family (IPv4 for v2), at most 255. */
  addresses: readonly string[];
  /** v2 only. */
  authType?: 0 | 1;
  /** v2 authType 1: up to 8 bytes. */
  authPassword?: string;
}

/** The addresses the IP header will carry (the v3 pseudo-header needs them). */
export interface EncodeAddressing {
  source: string;
  destination: string;
}

export class VrrpCodecError extends Error {
  readonly code = 'HAWSER_VRRP_BAD_FIELD';
  constructor(message: string) {
    super(message);
    this.name = 'VrrpCodecError';
  }
}

/**
 * The VRRP message (no IP header: the kernel builds it) for `fields`. v3
 * needs `addressing` for its pseudo-header unless `pseudoHeader` is false.
 */
export function encodeAdvert(
  fields: VrrpAdvertFields,
  addressing?: EncodeAddressing,
  options?: { pseudoHeader?: boolean },
): Buffer {
  const { version, vrid, priority, interval, addresses } = fields;
  if (version !== 2 && version !== 3) throw new VrrpCodecError(`version ${String(version)} is not 2 or 3`);
  if (!Number.isInteger(vrid) || vrid < 1 || vrid > 255) throw new VrrpCodecError(`vrid ${vrid} is not 1-255`);
  if (!Number.isInteger(priority) || priority < 0 || priority > 255) throw new VrrpCodecError(`priority ${priority} is not 0-255`);
  if (addresses.length > 255) throw new VrrpCodecError(`${addresses.length} addresses, at most 255 fit in an advert`);
  let field: number;
  if (version === 3) {
    field = interval / 10;
    if (!Number.isInteger(field) || field < 1 || field > 0xfff) {
      throw new VrrpCodecError(`VRRPv3 interval ${interval} ms is not a multiple of 10 ms from 10 to 40950`);
    }
  } else {
    field = interval / 1000;
    if (!Number.isInteger(field) || field < 1 || field > 255) {
      throw new VrrpCodecError(`VRRPv2 interval ${interval} ms is not whole seconds from 1 to 255`);
    }
  }
  const parsed = addresses.map((a) => {
    const b = parseIP(a);
    if (b === undefined) throw new VrrpCodecError(`'${a}' is not an IP address`);
    return b;
  });
  const src = addressing !== undefined ? parseIP(addressing.source) : undefined;
  const dst = addressing !== undefined ? parseIP(addressing.destination) : undefined;
  if (addressing !== undefined && (src === undefined || dst === undefined || src.length !== dst.length)) {
    throw new VrrpCodecError(`source '${addressing.source}' and destination '${addressing.destination}' are not two addresses of one family`);
  }
  const addrLen = parsed[0]?.length ?? src?.length ?? 4;
  if (parsed.some((b) => b.length !== addrLen) || (src !== undefined && src.length !== addrLen)) {
    throw new VrrpCodecError('an advert carries addresses of one family, the family it is sent over');
  }
  if (version === 2 && addrLen !== 4) throw new VrrpCodecError('VRRPv2 carries IPv4 addresses only');
  const withPseudo = version === 3 && options?.pseudoHeader !== false;
  if (withPseudo && src === undefined) {
    throw new VrrpCodecError('a VRRPv3 checksum with the pseudo-header needs the source and destination addresses');
  }

  const length = HEADER + parsed.length * addrLen + (version === 2 ? V2_AUTH_DATA : 0);
  const out = Buffer.alloc(length);
  out[0] = (version << 4) | VRRP_TYPE_ADVERTISEMENT;
  out[1] = vrid;
  out[2] = priority;
  out[3] = parsed.length;
  if (version === 3) {
    out[4] = field >> 8;
    out[5] = field & 0xff;
  } else {
    const authType = fields.authType ?? VRRP_AUTH_NONE;
    out[4] = authType;
    out[5] = field;
  }
  let off = HEADER;
  for (const b of parsed) {
    out.set(b, off);
    off += addrLen;
  }
  if (version === 2 && fields.authType === VRRP_AUTH_PASS) {
    const pass = Buffer.from(fields.authPassword ?? '', 'latin1');
    if (pass.length > V2_AUTH_DATA) throw new VrrpCodecError('a VRRPv2 password is at most 8 bytes');
    out.set(pass, off);
  }
  const sum = withPseudo ? vrrpChecksum(out, 0, length, src, dst) : vrrpChecksum(out, 0, length);
  out[6] = sum >> 8;
  out[7] = sum & 0xff;
  return out;
}
