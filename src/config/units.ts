// Time and size values as HAProxy writes them: `10s`, `500us`, `1m` (minute),
// `16k` (16384 bytes). Times become milliseconds (fractional below 1 ms),
// sizes bytes. Pure; errors come back as text for the caller to place.

export type TimeUnit = 'us' | 'ms' | 's' | 'm' | 'h' | 'd';

export type UnitResult = { value: number; error?: undefined } | { value?: undefined; error: string };

const MS_PER_UNIT: Record<TimeUnit, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** HAProxy stores timers as signed 32-bit milliseconds. */
export const MAX_TIME_MS = 2_147_483_647;

/** HAProxy stores sizes in an unsigned 32-bit integer. */
export const MAX_SIZE = 4_294_967_295;

const TIME_RE = /^(\d+)(us|ms|s|m|h|d)?$/;

/**
 * Parses a duration: decimal digits and an optional unit (us ms s m h d,
 * lower case as in HAProxy). A bare number is in `defaultUnit`, which is
 * milliseconds for nearly every keyword.
 *
 * @example parseTime('10s') // { value: 10000 }
 * @example parseTime('2', 's') // { value: 2000 }
 */
export function parseTime(text: string, defaultUnit: TimeUnit = 'ms'): UnitResult {
  const m = TIME_RE.exec(text);
  if (m === null) {
    if (text === '') return { error: 'empty time value' };
    if (!/^\d/.test(text)) return { error: `'${text}' is not a time (expected a number followed by us, ms, s, m, h or d)` };
    const rest = text.replace(/^\d+/, '');
    return {
      error: `unexpected '${rest}' after the number in '${text}' (units are us, ms, s, m, h and d)`,
    };
  }
  const unit = (m[2] ?? defaultUnit) as TimeUnit;
  const value = Number(m[1]) * MS_PER_UNIT[unit];
  if (value > MAX_TIME_MS) {
    return { error: `time '${text}' is too large (maximum is 2147483647 ms, about 24.8 days)` };
  }
  return { value };
}

const SIZE_RE = /^(\d+)([kKmMgG])?$/;
const BYTES_PER_UNIT: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * Parses a size in bytes: decimal digits and an optional k, m or g suffix
 * (powers of 1024, either case).
 *
 * @example parseSize('16k') // { value: 16384 }
 */
export function parseSize(text: string): UnitResult {
  const m = SIZE_RE.exec(text);
  if (m === null) {
    if (text === '') return { error: 'empty size value' };
    if (!/^\d/.test(text)) return { error: `'${text}' is not a size (expected a number optionally followed by k, m or g)` };
    const rest = text.replace(/^\d+/, '');
    return { error: `unexpected '${rest}' after the number in '${text}' (size units are k, m and g)` };
  }
  const mult = m[2] === undefined ? 1 : BYTES_PER_UNIT[m[2].toLowerCase()]!;
  const value = Number(m[1]) * mult;
  if (value > MAX_SIZE) return { error: `size '${text}' is too large (maximum is 4294967295 bytes)` };
  return { value };
}
