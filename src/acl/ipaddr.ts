// IPv4 and IPv6 addresses as numbers: parsing with the C library's rules that
// HAProxy relies on (inet_pton, inet_aton's short forms, its own buf2ip), and
// printing as inet_ntop does. An IPv4 address is an unsigned 32-bit number; an
// IPv6 address is four 32-bit words, most significant first. Parsing a
// request's address allocates nothing.

const G = new Uint16Array(8); // scratch for IPv6 groups (single-threaded use)

function digit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : -1;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/**
 * inet_pton(AF_INET): exactly four decimal octets, no leading zeros.
 * Returns the address, or -1.
 */
export function parseIPv4(s: string, start = 0, end = s.length): number {
  let acc = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || parts === 3) return -1;
      acc = acc * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
      continue;
    }
    const d = digit(c);
    if (d < 0) return -1;
    if (digits > 0 && octet === 0) return -1; // leading zero
    octet = octet * 10 + d;
    if (octet > 255) return -1;
    digits++;
  }
  if (digits === 0 || parts !== 3) return -1;
  return acc * 256 + octet;
}

/**
 * The numeric forms the resolver accepts for a host name (inet_aton, decimal
 * only): "a.b.c.d", "a.b.c" (c fills 16 bits), "a.b" (b fills 24 bits), "a".
 * HAProxy documents "10.12" as 10.0.0.12. Returns the address, or -1.
 */
export function parseIPv4Short(s: string): number {
  const parts: number[] = [];
  let cur = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (cur < 0) return -1;
      parts.push(cur);
      cur = -1;
      continue;
    }
    const d = digit(c);
    if (d < 0) return -1;
    cur = cur < 0 ? d : cur * 10 + d;
    if (cur > 0xffffffff) return -1;
  }
  if (cur < 0) return -1;
  parts.push(cur);
  if (parts.length > 4) return -1;
  const last = parts.length - 1;
  for (let i = 0; i < last; i++) if (parts[i]! > 255) return -1;
  const room = 2 ** (8 * (4 - last));
  if (parts[last]! >= room) return -1;
  let a = 0;
  for (let i = 0; i < last; i++) a = a * 256 + parts[i]!;
  return a * room + parts[last]!;
}

/**
 * HAProxy's buf2ip (string to IPv4 cast): a dotted quad at the start of
 * `s`, reading stops at the first character that is neither a digit nor a
 * dot. Returns the address, or -1.
 */
export function parseIPv4Lead(s: string): number {
  let acc = 0;
  let octet = 0;
  let sawDigit = false;
  let octets = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = digit(c);
    if (d < 0 && c !== 46) break;
    if (d >= 0) {
      octet = octet * 10 + d;
      if (octet > 255) return -1;
      if (!sawDigit) {
        if (++octets > 4) return -1;
        sawDigit = true;
      }
    } else if (sawDigit) {
      if (octets === 4) return -1;
      acc = acc * 256 + octet;
      octet = 0;
      sawDigit = false;
    } else {
      return -1;
    }
  }
  if (octets < 4 || !sawDigit) return -1;
  return acc * 256 + octet;
}

/**
 * inet_pton(AF_INET6) into `out` (four words). Accepts "::", one "::"
 * abbreviation, and a trailing dotted IPv4. Returns false (out untouched) on
 * error.
 */
export function parseIPv6(s: string, out: Uint32Array, start = 0, end = s.length): boolean {
  const len = end - start;
  if (len < 2 || len > 45) return false;
  let n = 0; // groups written
  let gap = -1; // index in G where "::" is
  let i = start;
  if (s.charCodeAt(i) === 58 /* : */) {
    if (s.charCodeAt(i + 1) !== 58) return false;
    gap = 0;
    i += 2;
    if (i === end) {
      out.fill(0);
      return true;
    }
  }
  for (;;) {
    // one group (or a dotted IPv4 ending the address)
    const g0 = i;
    let v = 0;
    let hexLen = 0;
    while (i < end) {
      const h = hexDigit(s.charCodeAt(i));
      if (h < 0) break;
      v = v * 16 + h;
      hexLen++;
      i++;
    }
    if (i < end && s.charCodeAt(i) === 46 /* . */) {
      if (n > 6) return false;
      const a = parseIPv4(s, g0, end);
      if (a < 0) return false;
      G[n++] = a >>> 16;
      G[n++] = a & 0xffff;
      i = end;
      break;
    }
    if (hexLen === 0 || hexLen > 4 || n >= 8) return false;
    G[n++] = v;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return false; // trailing single colon
    }
  }
  if (gap >= 0) {
    if (n > 7) return false;
    const tail = n - gap;
    for (let k = 0; k < tail; k++) G[7 - k] = G[n - 1 - k]!;
    for (let k = gap; k < 8 - tail; k++) G[k] = 0;
  } else if (n !== 8) {
    return false;
  }
  out[0] = ((G[0]! << 16) | G[1]!) >>> 0;
  out[1] = ((G[2]! << 16) | G[3]!) >>> 0;
  out[2] = ((G[4]! << 16) | G[5]!) >>> 0;
  out[3] = ((G[6]! << 16) | G[7]!) >>> 0;
  return true;
}

export function formatIPv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** inet_ntop(AF_INET6) as glibc prints it (longest zero run as "::", embedded IPv4 for mapped/compatible forms). */
export function formatIPv6(w: Uint32Array | readonly number[]): string {
  const g = [w[0]! >>> 16, w[0]! & 0xffff, w[1]! >>> 16, w[1]! & 0xffff, w[2]! >>> 16, w[2]! & 0xffff, w[3]! >>> 16, w[3]! & 0xffff];
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (g[i] === 0) {
      if (curBase < 0) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase >= 0) {
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase >= 0 && curLen > bestLen) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // glibc prints an encapsulated IPv4 for ::a.b.c.d (not ::1 style) and ::ffff:a.b.c.d
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 7 && g[7] !== 1) || (bestLen === 5 && g[5] === 0xffff))) {
      out += formatIPv4(w[3]! >>> 0);
      return out;
    }
    out += g[i]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** A netmask of `bits` leading ones as a 32-bit number. */
export function mask4(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** HAProxy's str2mask: dotted ("255.255.0.0") or a length 0-32. Returns the mask, or -1. */
export function parseMask4(s: string): number {
  if (s.includes('.')) return parseIPv4(s);
  if (!/^\d+$/.test(s)) return -1;
  const n = Number(s);
  return n > 32 ? -1 : mask4(n);
}

/** HAProxy's str2mask6: "ffff:ffff::" or a length 0-128, into `out`. */
export function parseMask6(s: string, out: Uint32Array): boolean {
  if (s.includes(':')) return parseIPv6(s, out);
  if (!/^\d+$/.test(s)) return false;
  const n = Number(s);
  if (n > 128) return false;
  for (let k = 0; k < 4; k++) {
    const b = Math.max(0, Math.min(32, n - 32 * k));
    out[k] = mask4(b);
  }
  return true;
}

/** The prefix length of a contiguous mask, or -1 when the mask has holes. */
export function maskLength(m: number): number {
  const inv = ~m >>> 0;
  if ((inv & (inv + 1)) !== 0) return -1;
  return Math.clz32(inv);
}

/**
 * The IPv4 address inside an IPv6 one, as HAProxy's ACLs accept it
 * (::ffff:a.b.c.d, ::a.b.c.d and 6to4 2002:AABB:CCDD::). -1 otherwise.
 */
export function embeddedIPv4(w: Uint32Array): number {
  if (w[0] === 0 && w[1] === 0 && (w[2] === 0 || w[2] === 0xffff)) return w[3]!;
  if (w[0]! >>> 16 === 0x2002) return (((w[0]! & 0xffff) << 16) | (w[1]! >>> 16)) >>> 0;
  return -1;
}

/** RFC 4291 mapped form only (::ffff:a.b.c.d), as HAProxy's v6-to-v4 cast. -1 otherwise. */
export function mappedIPv4(w: Uint32Array): number {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff ? w[3]! : -1;
}
