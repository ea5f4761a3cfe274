// `parse-resolv-conf`: the nameservers listed in /etc/resolv.conf join a
// resolvers section at start-up. Pure: the caller reads the file.

import { isIP } from 'node:net';
import type { Nameserver } from './resolvers.ts';

/** The `nameserver` lines of /etc/resolv.conf (`parse-resolv-conf`), named as HAProxy names them. */
export function resolvConfNameservers(text: string): Nameserver[] {
  const out: Nameserver[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m === null) continue;
    // A link-local address keeps its zone (%eth0): without it the datagram has no way out.
    const host = m[1]!;
    if (isIP(host) === 0) continue;
    out.push({ name: host, host, port: 53 });
  }
  return out;
}
