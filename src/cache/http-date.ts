// HTTP dates (RFC 9110 5.6.7) as the cache reads them in Expires,
// Last-Modified, Date and If-Modified-Since: the preferred IMF-fixdate and
// the two obsolete forms every recipient must accept (RFC 850 and asctime).

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LONG_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

// Sun, 06 Nov 1994 08:49:37 GMT
const IMF = /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = /^([A-Z][a-z]{5,8}), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// Sun Nov  6 08:49:37 1994
const ASCTIME = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** Seconds since the epoch, or undefined when `text` is no HTTP date. */
export function parseHttpDate(text: string): number | undefined {
  let m = IMF.exec(text);
  if (m !== null) {
    if (!DAYS.includes(m[1]!)) return undefined;
    return build(+m[4]!, m[3]!, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  }
  m = RFC850.exec(text);
  if (m !== null) {
    if (!LONG_DAYS.includes(m[1]!)) return undefined;
    // Two-digit years: RFC 9110 asks to read a year more than 50 years ahead as the past century.
    const yy = +m[4]!;
    const year = yy + (yy >= 70 ? 1900 : 2000);
    return build(year, m[3]!, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  }
  m = ASCTIME.exec(text);
  if (m !== null) {
    if (!DAYS.includes(m[1]!)) return undefined;
    return build(+m[7]!, m[2]!, +m[3]!.trim(), +m[4]!, +m[5]!, +m[6]!);
  }
  return undefined;
}

function build(year: number, mon: string, day: number, h: number, min: number, s: number): number | undefined {
  const month = MONTHS.indexOf(mon);
  if (month < 0 || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return undefined;
  return Date.UTC(year, month, day, h, min, s) / 1000;
}
