// Character classes of RFC 9110/9112 as lookup tables, built once: the head
// parser checks every byte against these instead of running regexes.

function table(pred: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = pred(c) ? 1 : 0;
  return t;
}

const TCHAR_EXTRA = "!#$%&'*+-.^_`|~";

/** token characters (method, header names). */
export const TOKEN = table(
  (c) =>
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    TCHAR_EXTRA.includes(String.fromCharCode(c)),
);

/** Bytes allowed in a request target: visible ASCII (no space, no CTL, no DEL); obs-text refused. */
export const TARGET = table((c) => c > 0x20 && c < 0x7f);

/** Bytes allowed in a header value: HTAB, SP, VCHAR, obs-text. */
export const FIELD_VALUE = table((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f));

/** Bytes allowed in a reason phrase (same as a field value). */
export const REASON = FIELD_VALUE;
