// C's strtol(), as HAProxy's condition language and version parsers use it.
// Their observable behaviour (what counts as a number, where parsing stops,
// how out-of-range values wrap into an `unsigned int`) decides whether a
// condition is true, so it is reproduced here rather than approximated with
// Number() or parseInt().

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

export interface CNumber {
  /** The value, clamped to a 64-bit `long` as strtol() does. */
  value: bigint;
  /** Index of the first character not consumed; the start index when nothing was converted. */
  end: number;
}

/** isspace() in the C locale. */
export function isCSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

function digitValue(ch: string | undefined): number {
  if (ch === undefined) return 99;
  const c = ch.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return 99;
}

/**
 * strtol(text + start, &end, base) for base 10, 16, 8 or 0 (0: "0x" means
 * hexadecimal, a leading "0" octal, anything else decimal).
 */
export function strtol(text: string, start: number, base: 0 | 8 | 10 | 16): CNumber {
  let i = start;
  while (isCSpace(text[i])) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  let radix: number = base;
  if ((radix === 0 || radix === 16) && text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') &&
      digitValue(text[i + 2]) < 16) {
    radix = 16;
    i += 2;
  } else if (radix === 0) {
    radix = text[i] === '0' ? 8 : 10;
  }
  const digitsStart = i;
  let value = 0n;
  const big = BigInt(radix);
  while (digitValue(text[i]) < radix) {
    // Past LONG_MAX the exact value no longer matters: it is clamped below.
    if (value <= LONG_MAX) value = value * big + BigInt(digitValue(text[i]));
    i++;
  }
  if (i === digitsStart) return { value: 0n, end: start };
  if (negative) value = -value;
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < LONG_MIN) value = LONG_MIN;
  return { value, end: i };
}

/** The value a `long` takes once stored in a C `unsigned int` (what HAProxy's version arrays hold). */
export function toUint32(value: bigint): number {
  return Number(BigInt.asUintN(32, value));
}
