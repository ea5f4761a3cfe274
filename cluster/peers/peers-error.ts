// Why a peers session was closed or refused. Every reason has a stable code
// so that the log line, the counters and `show peers` name the same thing;
// the message says what was wrong in words an operator can act on.

export const PeersCode = {
  /** A frame's length prefix is not a valid varint. */
  BAD_LENGTH: 'HAWSER_PEERS_BAD_LENGTH',
  /** A frame announced more bytes than the maximum frame size. */
  OVERSIZE: 'HAWSER_PEERS_OVERSIZE',
  /** A frame's bytes are not a valid protobuf Frame. */
  MALFORMED: 'HAWSER_PEERS_MALFORMED',
  /** A frame that makes no sense at this point (e.g. data before the handshake). */
  UNEXPECTED: 'HAWSER_PEERS_UNEXPECTED',
  /** No protocol version both ends speak. */
  VERSION: 'HAWSER_PEERS_VERSION',
  /** The other end belongs to another peers section. */
  CLUSTER: 'HAWSER_PEERS_CLUSTER',
  /** The other end's name is not a peer of this section, or it is not who we called. */
  UNKNOWN_PEER: 'HAWSER_PEERS_UNKNOWN_PEER',
  /** Secret missing on one end, or a proof that does not verify. */
  AUTH: 'HAWSER_PEERS_AUTH',
  /** TLS failed (certificate not trusted, no certificate, handshake error). */
  TLS: 'HAWSER_PEERS_TLS',
  /** Nothing received for the dead-peer timeout. */
  TIMEOUT: 'HAWSER_PEERS_TIMEOUT',
  /** Another session with the same peer won (simultaneous connects). */
  DUPLICATE: 'HAWSER_PEERS_DUPLICATE',
  /** The other end refused us (its Refuse frame's code follows). */
  REFUSED: 'HAWSER_PEERS_REFUSED',
  /** The connection failed or closed. */
  CONNECTION: 'HAWSER_PEERS_CONNECTION',
  /** This node stops (shutdown, or the section left the configuration). */
  STOPPING: 'HAWSER_PEERS_STOPPING',
  /** The listening socket could not be bound. */
  BIND: 'HAWSER_PEERS_BIND',
  /** The peers section has errors for this node. */
  CONFIG: 'HAWSER_PEERS_CONFIG',
  /** A NodeStatus frame whose content is not valid (dropped and counted; the session stays). */
  BAD_STATUS: 'HAWSER_PEERS_BAD_STATUS',
} as const;

export type PeersCode = (typeof PeersCode)[keyof typeof PeersCode];

export class PeersError extends Error {
  readonly code: PeersCode;
  constructor(code: PeersCode, message: string) {
    super(`${code} ${message}`);
    this.name = 'PeersError';
    this.code = code;
  }
}
