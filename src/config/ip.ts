// Textual IP address checks with inet_pton's rules (what HAProxy uses to tell
// an address from a host name). Pure, so the parser needs no socket module.

const OCTET = /^(?:0|[1-9]\d{0,2})$/;

/** Dotted-quad IPv4, four decimal octets 0-255 without leading zeros. */
export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (!OCTET.test(p) || Number(p) > 255) return false;
  }
  return true;
}

const GROUP = /^[0-9a-fA-F]{1,4}$/;

/** IPv6 in any of its textual forms (`::`, `::1`, `2001:db8::1`, `::ffff:192.0.2.1`). */
export function isIPv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] | undefined => {
    if (part === '') return [];
    const g = part.split(':');
    return g.some((x) => x === '') ? undefined : g;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === undefined || tail === undefined) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (GROUP.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** A DNS host name as HAProxy would hand to the resolver (letters, digits, '-', '_', '.'). */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  return /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/.test(s);
}
