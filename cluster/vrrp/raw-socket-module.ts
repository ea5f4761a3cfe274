// The raw-socket native module, typed for what Hawser uses of it (the
// package ships no types), and loaded on first use: a node without `vrrp`
// sections never loads it.

import { createRequire } from 'node:module';
import { endianness } from 'node:os';

export interface RawSocket {
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  removeAllListeners(): this;
  send(buffer: Buffer, offset: number, length: number, address: string, after: (err: Error | null, bytes: number) => void): this;
  setOption(level: number, option: number, value: Buffer | number, length?: number): void;
  close(): this;
}

export interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily: number; bufferSize?: number }): RawSocket;
  AddressFamily: { IPv4: number; IPv6: number };
}

let loaded: RawSocketModule | undefined;

export function rawSocketModule(): RawSocketModule {
  loaded ??= createRequire(import.meta.url)('raw-socket') as RawSocketModule;
  return loaded;
}

/** A C int in host byte order, for setsockopt. */
export function cInt(n: number): Buffer {
  const b = Buffer.alloc(4);
  if (endianness() === 'LE') b.writeInt32LE(n);
  else b.writeInt32BE(n);
  return b;
}

// Linux <netinet/in.h>, <asm/socket.h>: raw-socket exports only a few of these.
export const SockOpt = {
  SOL_SOCKET: 1,
  SO_BINDTODEVICE: 25,
  IPPROTO_IP: 0,
  IP_TTL: 2,
  IP_MULTICAST_IF: 32,
  IP_MULTICAST_TTL: 33,
  IP_MULTICAST_LOOP: 34,
  IP_ADD_MEMBERSHIP: 35,
  IPPROTO_IPV6: 41,
  IPV6_CHECKSUM: 7,
  IPV6_UNICAST_HOPS: 16,
  IPV6_MULTICAST_IF: 17,
  IPV6_MULTICAST_HOPS: 18,
  IPV6_MULTICAST_LOOP: 19,
  IPV6_ADD_MEMBERSHIP: 20,
} as const;
