// Reading list-valued header fields (RFC 9110 5.6.1) from a head's flat
// [name, value, ...] array, as HAProxy's http_find_header() does when it
// walks values: every comma outside a quoted string separates two values,
// each trimmed of spaces and tabs, across all the lines of that field. For
// the cache and compression decisions, not for the per-request hot path.

/** Every element of the list-valued field `lower` (lower-case name), in order. */
export function fieldValues(headers: readonly string[], lower: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length !== lower.length || name.toLowerCase() !== lower) continue;
    splitList(headers[i + 1]!, out);
  }
  return out;
}

/** Appends the elements of one field line to `out`. */
export function splitList(v: string, out: string[]): void {
  let start = 0;
  let quoted = false;
  let escaped = false;
  for (let i = 0; i <= v.length; i++) {
    const c = i < v.length ? v.charCodeAt(i) : 0x2c;
    if (escaped) escaped = false;
    else if (quoted) {
      if (c === 0x5c) escaped = true;
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x2c) {
      out.push(trimLws(v, start, i));
      start = i + 1;
    }
  }
}

function trimLws(v: string, start: number, end: number): string {
  while (start < end && isLws(v.charCodeAt(start))) start++;
  while (end > start && isLws(v.charCodeAt(end - 1))) end--;
  return v.slice(start, end);
}

function isLws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Whether field `lower` is present at all. */
export function hasField(headers: readonly string[], lower: string): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length === lower.length && name.toLowerCase() === lower) return true;
  }
  return false;
}
