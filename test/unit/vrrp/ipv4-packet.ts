// Test helper: wraps a VRRP message in the IPv4 header the kernel would put
// in front of it (and a raw socket would hand back), so tests can feed the
// decoder whole packets as they arrive from the wire.

import { parseIPv4 } from '../../../cluster/vrrp/index.ts';

export interface Ipv4HeaderFields {
  ttl?: number;
  protocol?: number;
  /** The tos byte keepalived uses (0xc0, network control). */
  tos?: number;
  id?: number;
}

export function ipv4Packet(payload: Uint8Array, source: string, destination: string, f: Ipv4HeaderFields = {}): Buffer {
  const out = Buffer.alloc(20 + payload.length);
  out[0] = 0x45;
  out[1] = f.tos ?? 0xc0;
  out.writeUInt16BE(out.length, 2);
  out.writeUInt16BE(f.id ?? 1, 4);
  out[8] = f.ttl ?? 255;
  out[9] = f.protocol ?? 112;
  out.set(parseIPv4(source)!, 12);
  out.set(parseIPv4(destination)!, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += out.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  out.writeUInt16BE(~sum & 0xffff, 10);
  out.set(payload, 20);
  return out;
}

/** One's-complement checksum written out plainly, to check the codec's against something it did not compute. */
export function referenceChecksum(...parts: Uint8Array[]): number {
  const all = Buffer.concat(parts.map((p) => Buffer.from(p)));
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += (all[i]! << 8) + (all[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
