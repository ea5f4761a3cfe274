// ASCII-only case folding, as HAProxy's tolower()/strncasecmp() in the C
// locale: bytes above 0x7F are left alone (String#toLowerCase would fold
// latin1 letters too). Strings without anything to change are returned as is.

export function asciiLower(s: string): string {
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) break;
  }
  if (i === n) return s;
  let out = s.slice(0, i);
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c | 0x20) : s[i];
  }
  return out;
}

export function asciiUpper(s: string): string {
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) break;
  }
  if (i === n) return s;
  let out = s.slice(0, i);
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(c & ~0x20) : s[i];
  }
  return out;
}

/** s[at, at + lower.length) equals `lower` (already lower case) ignoring ASCII case. */
export function regionEqualsIgnoreCase(s: string, at: number, lower: string): boolean {
  const n = lower.length;
  if (at < 0 || at + n > s.length) return false;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(at + i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}
