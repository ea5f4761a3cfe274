// The integer in a `track-file`, read as keepalived reads it (C strtol with
// base 0): leading blanks, an optional sign, then hex after 0x, octal after
// a leading 0, else decimal, up to the first other character. No digits
// (an empty or missing file) is 0. Pure.

/** keepalived ignores values outside a 32-bit int (it keeps the previous one). */
const MIN = -2147483648;
const MAX = 2147483648;

/** The value, or undefined when it is out of range (keep the previous one). */
export function parseTrackFileValue(text: string): number | undefined {
  const m = /^[ \t\n\r\f\v]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?/.exec(text);
  const digits = m?.[2];
  if (digits === undefined) return 0;
  let value: number;
  if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
  else if (digits.length > 1 && digits.startsWith('0')) value = parseInt(digits.slice(1), 8);
  else value = parseInt(digits, 10);
  if (m![1] === '-') value = -value;
  if (!Number.isFinite(value) || value < MIN || value > MAX) return undefined;
  return value === 0 ? 0 : value;
}
