// Why a received VRRP packet was not used. Every drop has a stable code so
// that counters, logs and `show vrrp` name the same thing; the message says
// what was wrong in words an operator can act on.

export const VrrpDropCode = {
  /** Shorter than an IPv4 header, than the header's own lengths, or than the 8-byte VRRP header. */
  TRUNCATED: 'HAWSER_VRRP_TRUNCATED',
  /** Not IPv4, or an IPv4 header whose lengths contradict each other. */
  BAD_IP_HEADER: 'HAWSER_VRRP_BAD_IP_HEADER',
  /** The IP protocol is not 112. */
  BAD_PROTOCOL: 'HAWSER_VRRP_BAD_PROTOCOL',
  /** TTL / hop limit is not 255: the packet crossed a router (RFC 5798 7.1). */
  BAD_TTL: 'HAWSER_VRRP_BAD_TTL',
  /** A version other than 2 or 3, v2 over IPv6, or not the version this router runs. */
  BAD_VERSION: 'HAWSER_VRRP_BAD_VERSION',
  /** A type other than 1 (ADVERTISEMENT). */
  BAD_TYPE: 'HAWSER_VRRP_BAD_TYPE',
  /** The message length does not match its address count. */
  BAD_LENGTH: 'HAWSER_VRRP_BAD_LENGTH',
  /** The checksum does not verify (for v3: with or without the pseudo-header, as configured). */
  BAD_CHECKSUM: 'HAWSER_VRRP_BAD_CHECKSUM',
  /** An advertisement interval of zero. */
  BAD_INTERVAL: 'HAWSER_VRRP_BAD_INTERVAL',
  /** The source or destination given with a payload is no address, or the two differ in family. */
  BAD_ADDRESS: 'HAWSER_VRRP_BAD_ADDRESS',
  /** Another virtual router on the same link: not an error, just not ours. */
  OTHER_VRID: 'HAWSER_VRRP_OTHER_VRID',
  /** v2 authentication type or password differs from ours. */
  BAD_AUTH: 'HAWSER_VRRP_BAD_AUTH',
  /** v2 advertisement interval differs from ours (RFC 3768 7.1: discard). */
  INTERVAL_MISMATCH: 'HAWSER_VRRP_INTERVAL_MISMATCH',
  /** We own the addresses (priority 255): an owner ignores other routers' adverts (RFC 5798 7.1). */
  WE_ARE_OWNER: 'HAWSER_VRRP_WE_ARE_OWNER',
  /** Unicast mode: the sender is none of the configured unicast peers. */
  UNKNOWN_SOURCE: 'HAWSER_VRRP_UNKNOWN_SOURCE',
  /** Our own advert, heard back through multicast loopback. */
  OWN_ADVERT: 'HAWSER_VRRP_OWN_ADVERT',
} as const;

export type VrrpDropCode = (typeof VrrpDropCode)[keyof typeof VrrpDropCode];

export interface VrrpDrop {
  code: VrrpDropCode;
  message: string;
  /** False for drops that are normal traffic (another VRID, our own advert): count them apart from errors. */
  error: boolean;
}
