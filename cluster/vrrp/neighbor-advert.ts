// Unsolicited Neighbor Advertisements (RFC 4861 7.2.6) for IPv6 VIPs, the
// IPv6 counterpart of a gratuitous ARP: "fd00::100 is now at this MAC",
// sent to all-nodes with the Override flag, so neighbours update their
// cache at once instead of after their entry goes stale. Sent from a raw
// ICMPv6 socket; the kernel fills in the checksum and the source address.

import { isPermissionError, VrrpAdapterCode, VrrpAdapterError } from './adapter-error.ts';
import { parseIP } from './ip-address.ts';
import { cInt, rawSocketModule, SockOpt } from './raw-socket-module.ts';

const IPPROTO_ICMPV6 = 58;
const ND_NEIGHBOR_ADVERT = 136;
const NA_FLAG_OVERRIDE = 0x20;
const ND_OPT_TARGET_LINKADDR = 2;
const ALL_NODES = 'ff02::1';
/** RFC 4861: receivers drop Neighbor Discovery messages with any other hop limit. */
const ND_HOP_LIMIT = 255;

/** The 32-byte NA message for `target` at `mac` (checksum left to the kernel). */
export function neighborAdvert(target: string, mac: string): Buffer {
  const addr = parseIP(target);
  const lladdr = mac.split(':').map((h) => parseInt(h, 16));
  if (addr === undefined || addr.length !== 16) throw new Error(`'${target}' is not an IPv6 address`);
  if (lladdr.length !== 6 || lladdr.some((b) => !(b >= 0 && b <= 255))) throw new Error(`'${mac}' is not a MAC address`);
  const b = Buffer.alloc(32);
  b[0] = ND_NEIGHBOR_ADVERT;
  b[4] = NA_FLAG_OVERRIDE;
  b.set(addr, 8);
  b[24] = ND_OPT_TARGET_LINKADDR;
  b[25] = 1; // option length in units of 8 bytes
  b.set(lladdr, 26);
  return b;
}

/** Sends `count` unsolicited NAs for each target out of `ifname`; resolves when they have left. */
export function sendNeighborAdverts(ifname: string, ifindex: number, mac: string, targets: readonly string[], count: number): Promise<void> {
  const raw = rawSocketModule();
  let socket;
  try {
    socket = raw.createSocket({ protocol: IPPROTO_ICMPV6, addressFamily: raw.AddressFamily.IPv6 });
  } catch (err) {
    const code = isPermissionError(err) ? VrrpAdapterCode.NO_CAP_NET_RAW : VrrpAdapterCode.SOCKET;
    return Promise.reject(new VrrpAdapterError(code, `unsolicited neighbour advertisements need a raw ICMPv6 socket (CAP_NET_RAW): ${(err as Error).message}`, { cause: err }));
  }
  const s = socket;
  s.on('error', () => {});
  return new Promise((resolve, reject) => {
    try {
      const dev = Buffer.from(`${ifname}\0`, 'latin1');
      s.setOption(SockOpt.SOL_SOCKET, SockOpt.SO_BINDTODEVICE, dev, dev.length);
      const index = cInt(ifindex);
      s.setOption(SockOpt.IPPROTO_IPV6, SockOpt.IPV6_MULTICAST_IF, index, index.length);
      s.setOption(SockOpt.IPPROTO_IPV6, SockOpt.IPV6_MULTICAST_HOPS, ND_HOP_LIMIT);
    } catch (err) {
      s.close();
      return reject(new VrrpAdapterError(VrrpAdapterCode.SOCKET, `cannot set up an ICMPv6 socket on '${ifname}': ${(err as Error).message}`, { cause: err }));
    }
    let left = targets.length * count;
    let failure: Error | undefined;
    if (left === 0) {
      s.close();
      return resolve();
    }
    const done = (err: Error | null): void => {
      if (err) failure ??= err;
      if (--left > 0) return;
      s.close();
      if (failure) reject(new VrrpAdapterError(VrrpAdapterCode.SOCKET, `unsolicited neighbour advertisement on '${ifname}': ${failure.message}`, { cause: failure }));
      else resolve();
    };
    for (const target of targets) {
      const msg = neighborAdvert(target, mac);
      for (let i = 0; i < count; i++) s.send(msg, 0, msg.length, ALL_NODES, done);
    }
  });
}
