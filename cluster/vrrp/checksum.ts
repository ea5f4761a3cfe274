// The Internet checksum (RFC 1071) as VRRP uses it: over the VRRP message
// alone (v2, and v3 for Cisco/Juniper interop) or over an IPv4 / IPv6
// pseudo-header followed by the message (v3 as RFC 5798 and keepalived do).

export const IPPROTO_VRRP = 112;

/** Adds big-endian 16-bit words of bytes[start, end) to a running sum (an odd last byte is padded with zero). */
function sumWords(sum: number, bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  // Sums of up to 2^16 words fit well below 2^53; two folds reach 16 bits.
  sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * The checksum of message[start, end), with the pseudo-header of `source`
 * and `destination` (4 or 16 bytes each) when they are given. A message
 * whose checksum field is already filled in yields 0 when it is valid.
 */
export function vrrpChecksum(
  message: Uint8Array,
  start: number,
  end: number,
  source?: Uint8Array,
  destination?: Uint8Array,
): number {
  let sum = 0;
  if (source !== undefined && destination !== undefined) {
    sum = sumWords(sum, source, 0, source.length);
    sum = sumWords(sum, destination, 0, destination.length);
    const length = end - start;
    // IPv4: zero, protocol, 16-bit length. IPv6 (RFC 8200 8.1): 32-bit length, 3 zeros, next header.
    // Both add up to the same words for lengths below 65536.
    sum += IPPROTO_VRRP + length;
  }
  return fold(sumWords(sum, message, start, end));
}
