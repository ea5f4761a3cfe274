// IP addresses as bytes, for the VRRP codec (addresses on the wire, the
// checksum pseudo-header) and the state machine (the higher primary address
// wins a priority tie). Pure: no node:net, so the core imports nothing that
// does I/O. Text out is canonical (dotted quad; RFC 5952 for IPv6) so that
// the same address always compares equal as a string.

/** Four bytes from a dotted quad (no leading zeros), or undefined. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  return writeIPv4(text, out, 0) ? out : undefined;
}

function writeIPv4(text: string, out: Uint8Array, offset: number): boolean {
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e; // a final '.' closes the last part
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return false;
      out[offset + part++] = value;
      digits = 0;
      value = 0;
      continue;
    }
    if (c < 0x30 || c > 0x39) return false;
    if (digits > 0 && value === 0) return false; // "01" is ambiguous (octal to some parsers)
    value = value * 10 + (c - 0x30);
    if (++digits > 3 || value > 255) return false;
  }
  return part === 4;
}

/** Sixteen bytes from IPv6 text (`::` compression, a trailing dotted quad, a `%zone` ignored), or undefined. */
export function parseIPv6(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  const s = zone >= 0 ? text.slice(0, zone) : text;
  if (s.length < 2 || s.length > 45) return undefined;
  const out = new Uint8Array(16);
  const gap = s.indexOf('::');
  if (gap >= 0 && s.indexOf('::', gap + 1) >= 0) return undefined;
  const head = gap >= 0 ? s.slice(0, gap) : s;
  const tail = gap >= 0 ? s.slice(gap + 2) : '';
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const words: number[] = [];
  const all = gap >= 0 ? [...headGroups, '', ...tailGroups] : headGroups;
  let v4: Uint8Array | undefined;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (g === '' && gap >= 0 && i === headGroups.length) {
      words.push(-1); // where the run of zeros goes
      continue;
    }
    if (i === all.length - 1 && g.includes('.')) {
      v4 = parseIPv4(g);
      if (v4 === undefined) return undefined;
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    words.push(parseInt(g, 16));
  }
  const explicit = words.filter((w) => w >= 0).length + (v4 !== undefined ? 2 : 0);
  if (gap >= 0 ? explicit > 7 : explicit !== 8) return undefined;
  let k = 0;
  for (const w of words) {
    if (w < 0) {
      k += (8 - explicit) * 2;
      continue;
    }
    out[k++] = w >> 8;
    out[k++] = w & 0xff;
  }
  if (v4 !== undefined) out.set(v4, 12);
  return out;
}

/** 4 or 16 bytes from either family, or undefined. */
export function parseIP(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (2+) of zero groups as `::`. */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let i = 0; i <= 8; i++) {
    const zero = i < 8 && bytes[offset + 2 * i] === 0 && bytes[offset + 2 * i + 1] === 0;
    if (zero) {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      if (i - runStart > bestLen) {
        bestStart = runStart;
        bestLen = i - runStart;
      }
      runStart = -1;
    }
  }
  if (bestLen < 2) bestStart = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += ((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!).toString(16);
  }
  return out;
}

/** Canonical text for an address written any valid way, or undefined. */
export function canonicalIP(text: string): string | undefined {
  const b = parseIP(text);
  if (b === undefined) return undefined;
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b);
}

/** 4 or 6, or undefined when the text is no address. */
export function ipFamily(text: string): 4 | 6 | undefined {
  const b = parseIP(text);
  return b === undefined ? undefined : b.length === 4 ? 4 : 6;
}

/**
 * Orders two addresses as unsigned numbers (RFC 5798 compares primary
 * addresses that way to break a priority tie). Addresses of different
 * families, or text that is no address, compare as 0: neither wins.
 */
export function compareIP(a: string, b: string): number {
  const x = parseIP(a);
  const y = parseIP(b);
  if (x === undefined || y === undefined || x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
