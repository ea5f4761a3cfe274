// Errors of the VRRP I/O adapters (sockets, `ip`, interfaces): each with a
// stable code and a message that says what to do. A missing capability is
// named, because "Operation not permitted" alone sends operators hunting.

export const VrrpAdapterCode = {
  /** Opening the raw socket for IP protocol 112 was refused. */
  NO_CAP_NET_RAW: 'HAWSER_VRRP_NO_CAP_NET_RAW',
  /** `ip addr add/del` (or a socket option) was refused. */
  NO_CAP_NET_ADMIN: 'HAWSER_VRRP_NO_CAP_NET_ADMIN',
  /** The configured interface does not exist on this node. */
  NO_INTERFACE: 'HAWSER_VRRP_NO_INTERFACE',
  /** The interface has no address to send adverts from. */
  NO_SOURCE_ADDRESS: 'HAWSER_VRRP_NO_SOURCE_ADDRESS',
  /** A socket could not be opened, configured or bound. */
  SOCKET: 'HAWSER_VRRP_SOCKET',
  /** `ip` or `arping` failed (or is not installed). */
  COMMAND: 'HAWSER_VRRP_COMMAND',
  /** A `vrrp` section has errors for this node. */
  CONFIG: 'HAWSER_VRRP_CONFIG',
} as const;

export type VrrpAdapterCode = (typeof VrrpAdapterCode)[keyof typeof VrrpAdapterCode];

export class VrrpAdapterError extends Error {
  readonly code: VrrpAdapterCode;
  constructor(code: VrrpAdapterCode, message: string, options?: { cause?: unknown }) {
    super(`${code} ${message}`, options);
    this.name = 'VrrpAdapterError';
    this.code = code;
  }
}

/** True when an error (errno code or message) says the kernel refused for lack of privilege. */
export function isPermissionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (e?.code === 'EPERM' || e?.code === 'EACCES') return true;
  const m = typeof e?.message === 'string' ? e.message : String(err);
  return /operation not permitted|permission denied/i.test(m);
}
