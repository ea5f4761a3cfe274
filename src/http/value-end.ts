// Where one value of a header field ends, as HAProxy finds it
// (http_find_hdr_value_end, http_find_cookie_value_end): at the next ','
// (or ';' in a cookie) that is not inside a quoted string, where a
// backslash escapes the next character.

/** The next ',' (or, with `cookie`, ',' or ';') outside quotes in v[from, end), or `end`. */
export function valueEnd(v: string, from: number, end: number, cookie: boolean): number {
  let quoted = false;
  let pair = false;
  for (let i = from; i < end; i++) {
    const c = v.charCodeAt(i);
    if (pair) pair = false;
    else if (quoted) {
      if (c === 92) pair = true;
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 44 || (cookie && c === 59)) return i;
  }
  return end;
}
