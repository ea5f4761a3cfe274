// What the VRRP adapters need to know about a network interface: its index
// (for the multicast join), its MAC, whether it is up, and the address the
// kernel will put in our adverts' source field. Reads /sys/class/net and
// os.networkInterfaces(); nothing is cached, so a changed address is seen.

import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { VrrpAdapterCode, VrrpAdapterError } from './adapter-error.ts';
import { canonicalIP } from './ip-address.ts';

export interface InterfaceInfo {
  name: string;
  index: number;
  mac: string;
  /** Canonical IPv4 addresses in the kernel's order (primaries first). */
  ipv4: string[];
  /** The first IPv6 link-local address (canonical, no zone). */
  ipv6LinkLocal: string | undefined;
}

function readSys(name: string, file: string): string | undefined {
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Throws HAWSER_VRRP_NO_INTERFACE when there is no such interface. */
export function readInterface(name: string): InterfaceInfo {
  // A name with a slash would read another file of /sys.
  const index = name.includes('/') ? undefined : readSys(name, 'ifindex');
  if (index === undefined || !/^\d+$/.test(index)) {
    throw new VrrpAdapterError(VrrpAdapterCode.NO_INTERFACE, `interface '${name}' does not exist on this node (see 'ip link')`);
  }
  const ipv4: string[] = [];
  let ipv6LinkLocal: string | undefined;
  for (const a of networkInterfaces()[name] ?? []) {
    const address = canonicalIP(a.address);
    if (address === undefined) continue;
    if (a.family === 'IPv4') ipv4.push(address);
    else if (ipv6LinkLocal === undefined && address.startsWith('fe80:')) ipv6LinkLocal = address;
  }
  return { name, index: Number(index), mac: readSys(name, 'address') ?? '', ipv4, ipv6LinkLocal };
}

/** False when the kernel says the link is down; 'unknown' (lo, tun) counts as up. */
export function interfaceIsUp(name: string): boolean {
  const state = name.includes('/') ? undefined : readSys(name, 'operstate');
  return state !== undefined && state !== 'down' && state !== 'lowerlayerdown' && state !== 'notpresent';
}

/**
 * The address our adverts leave from, as the kernel picks it: the unicast
 * source when one is configured, else the interface's first IPv4 address
 * that is not one of our VIPs (a killed master may have left them behind),
 * or its IPv6 link-local address. The v3 checksum covers it and a priority
 * tie is broken on it, so it must be the kernel's choice exactly.
 */
export function sourceAddress(info: InterfaceInfo, family: 4 | 6, vips: readonly string[], unicastSource?: string): string {
  if (unicastSource !== undefined) return unicastSource;
  const found = family === 4 ? info.ipv4.find((a) => !vips.includes(a)) : info.ipv6LinkLocal;
  if (found === undefined) {
    throw new VrrpAdapterError(
      VrrpAdapterCode.NO_SOURCE_ADDRESS,
      `interface '${info.name}' has no ${family === 4 ? 'IPv4 address' : 'IPv6 link-local address'} (other than the virtual addresses) to send adverts from`,
    );
  }
  return found;
}
