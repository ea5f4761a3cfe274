// The in-process takeover path: our Node-API addon (cluster/vrrp/native,
// built by `npm install`) adds and removes virtual addresses over rtnetlink
// and sends gratuitous ARP on a packet socket, as keepalived does, instead
// of spawning `ip` and then `arping` (8 to 10 ms on a quiet machine, far
// more under load). It also reads the kernel's receive stamp of an advert
// (receive-stamps.ts). When the addon is not built or will not load, the
// callers fall back to those commands; why is said once per process.
// HAWSER_VRRP_NATIVE=off forces the fallback (to compare the two paths).

import { createRequire } from 'node:module';
import { getSystemErrorMessage, getSystemErrorName } from 'node:util';
import { parseIP } from './ip-address.ts';

interface Binding {
  gratuitousArp(ifname: string, ipv4: Buffer, count: number): number;
  addressChange(add: boolean, ifname: string, ip: Buffer, prefix: number, label: string | null, nodad: boolean): number;
  receiveAge(fd: number): number;
  socketFds(type: number, protocol: number, port: number): number[] | number;
}

// <sys/socket.h>, <netinet/in.h>
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
const IPPROTO_UDP = 17;

/** An operation the kernel refused: `code` is the errno name (EEXIST, ENODEV, EPERM...). */
export class NativeNetError extends Error {
  readonly code: string;
  readonly errno: number;
  constructor(what: string, errno: number) {
    const code = errnoName(errno);
    super(`${what}: ${errnoMessage(errno)} (${code})`);
    this.name = 'NativeNetError';
    this.code = code;
    this.errno = errno;
  }
}

function errnoName(errno: number): string {
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `errno ${errno}`;
  }
}

function errnoMessage(errno: number): string {
  try {
    return getSystemErrorMessage(-errno);
  } catch {
    return `error ${errno}`;
  }
}

export interface NativeNet {
  /** `count` gratuitous ARP requests for `ipv4` from `ifname`'s MAC, sent before returning. Throws NativeNetError. */
  gratuitousArp(ifname: string, ipv4: string, count: number): void;
  /** `ip addr add|del address/prefix dev ifname [label L] [nodad]`, done when it returns. Throws NativeNetError (EEXIST, EADDRNOTAVAIL, ENODEV, EPERM...). */
  addressChange(verb: 'add' | 'del', ifname: string, address: string, prefix: number, options?: { label?: string; nodad?: boolean }): void;
  /**
   * How many ms ago the kernel received the last packet read from socket `fd`
   * (its receive timestamp), or undefined when that packet has none: the
   * first call turns stamping on, for the packets after it.
   */
  receiveAge(fd: number): number | undefined;
  /** The descriptors of this process's raw sockets of IP protocol `protocol` (raw-socket does not expose its own). */
  rawSocketFds(protocol: number): number[];
  /** The descriptors of this process's UDP sockets bound to `port` (node:dgram does not expose its own). */
  udpSocketFds(port: number): number[];
}

function socketFds(b: Binding, type: number, protocol: number, port: number): number[] {
  const fds = b.socketFds(type, protocol, port);
  if (typeof fds === 'number') throw new NativeNetError('listing /proc/self/fd', -fds);
  return fds;
}

const ADDON = './native/build/Release/hawser_vrrp_native.node';

let loaded: { net: NativeNet } | { why: string } | undefined;
let whyTold = false;

function addressBytes(address: string): Buffer {
  const bytes = parseIP(address);
  if (bytes === undefined) throw new TypeError(`'${address}' is not an IP address`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function wrap(b: Binding): NativeNet {
  return {
    gratuitousArp(ifname, ipv4, count) {
      const ip = addressBytes(ipv4);
      if (ip.length !== 4) throw new TypeError(`'${ipv4}' is not an IPv4 address`);
      const errno = b.gratuitousArp(ifname, ip, count);
      if (errno !== 0) throw new NativeNetError(`gratuitous ARP for ${ipv4} on '${ifname}'`, errno);
    },
    addressChange(verb, ifname, address, prefix, options) {
      const errno = b.addressChange(verb === 'add', ifname, addressBytes(address), prefix, options?.label ?? null, options?.nodad === true);
      if (errno !== 0) throw new NativeNetError(`${verb === 'add' ? 'adding' : 'removing'} ${address}/${prefix} on '${ifname}'`, errno);
    },
    receiveAge(fd) {
      const age = b.receiveAge(fd);
      return age >= 0 ? age : undefined;
    },
    rawSocketFds(protocol) {
      return socketFds(b, SOCK_RAW, protocol, -1);
    },
    udpSocketFds(port) {
      return socketFds(b, SOCK_DGRAM, IPPROTO_UDP, port);
    },
  };
}

function load(): { net: NativeNet } | { why: string } {
  if (process.env.HAWSER_VRRP_NATIVE === 'off') return { why: 'HAWSER_VRRP_NATIVE=off' };
  try {
    return { net: wrap(createRequire(import.meta.url)(ADDON) as Binding) };
  } catch (err) {
    return { why: `${(err as Error).message.split('\n')[0]} (build it with 'npm install' or 'npm run install')` };
  }
}

/** The addon, or undefined when it cannot be used (then the `ip`/`arping` commands are). */
export function nativeNet(): NativeNet | undefined {
  loaded ??= load();
  return 'net' in loaded ? loaded.net : undefined;
}

/** Why the addon is not used, the first time it is asked in this process; undefined afterwards or when it is used. */
export function nativeNetUnavailableOnce(): string | undefined {
  nativeNet();
  if (loaded === undefined || 'net' in loaded || whyTold) return undefined;
  whyTold = true;
  return loaded.why;
}
