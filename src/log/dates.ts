// The date layouts of HAProxy's logs, rendered from epoch milliseconds:
//
//   %t %tr        24/Nov/2026:14:33:02.318         local time, ms
//   %T %trg       24/Nov/2026:09:03:02 +0000       GMT
//   %Tl %trl      24/Nov/2026:14:33:02 +0530       local time and offset
//   rfc3164       Nov 24 14:33:02                  syslog header, local
//   iso           2026-11-24T14:33:02.319901+05:30 syslog header, local, us
//
// Local time follows the process time zone (TZ), as HAProxy's localtime().
// Building a Date and its fields costs far more than the rest of a log
// line, so each layout caches the text of the current second: a busy
// proxy logs many lines per second, and the cache key is the exact epoch
// second, so a time-zone or DST change can never serve a stale text.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "00".."99" */
const PAD2: string[] = [];
/** "000".."999" */
const PAD3: string[] = [];
for (let i = 0; i < 1000; i++) {
  if (i < 100) PAD2.push(i < 10 ? '0' + i : String(i));
  PAD3.push(i < 10 ? '00' + i : i < 100 ? '0' + i : String(i));
}

/** Zero-padded 3-digit rendering of 0..999 (the %ms field). */
export function pad3(n: number): string {
  return PAD3[n] ?? String(n);
}

function pad2(n: number): string {
  return PAD2[n] ?? String(n);
}

function pad4(n: number): string {
  return n >= 1000 ? String(n) : n >= 100 ? '0' + n : n >= 10 ? '00' + n : '000' + n;
}

/** Local offset from GMT as "+HHMM" (separator '' ) or "+HH:MM" (separator ':'). */
function offsetText(d: Date, separator: string): string {
  let minutes = -d.getTimezoneOffset();
  let sign = '+';
  if (minutes < 0) {
    sign = '-';
    minutes = -minutes;
  }
  return sign + pad2(Math.floor(minutes / 60) % 100) + separator + pad2(minutes % 60);
}

/** One cached text per layout, valid for one epoch second. */
class SecondCache {
  second = Number.NaN;
  text = '';
}

const localCache = new SecondCache();
const gmtCache = new SecondCache();
const localTzCache = new SecondCache();
const rfc3164Cache = new SecondCache();
const isoCache = new SecondCache();
const isoOffsetCache = new SecondCache();

function secondOf(ms: number): number {
  return Math.floor(ms / 1000);
}

function msOf(ms: number, second: number): number {
  return Math.floor(ms) - second * 1000;
}

/** %t / %tr: `dd/Mmm/yyyy:HH:MM:SS.mmm`, local time. */
export function localDateMs(ms: number): string {
  const second = secondOf(ms);
  if (second !== localCache.second) {
    const d = new Date(second * 1000);
    localCache.text =
      pad2(d.getDate()) + '/' + MONTHS[d.getMonth()] + '/' + pad4(d.getFullYear()) + ':' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds()) + '.';
    localCache.second = second;
  }
  return localCache.text + PAD3[msOf(ms, second)];
}

/** %T / %trg: `dd/Mmm/yyyy:HH:MM:SS +0000`, GMT. */
export function gmtDate(ms: number): string {
  const second = secondOf(ms);
  if (second !== gmtCache.second) {
    const d = new Date(second * 1000);
    gmtCache.text =
      pad2(d.getUTCDate()) + '/' + MONTHS[d.getUTCMonth()] + '/' + pad4(d.getUTCFullYear()) + ':' +
      pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds()) + ' +0000';
    gmtCache.second = second;
  }
  return gmtCache.text;
}

/** %Tl / %trl: `dd/Mmm/yyyy:HH:MM:SS +hhmm`, local time and its offset. */
export function localDateTz(ms: number): string {
  const second = secondOf(ms);
  if (second !== localTzCache.second) {
    const d = new Date(second * 1000);
    localTzCache.text =
      pad2(d.getDate()) + '/' + MONTHS[d.getMonth()] + '/' + pad4(d.getFullYear()) + ':' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds()) + ' ' + offsetText(d, '');
    localTzCache.second = second;
  }
  return localTzCache.text;
}

/** RFC 3164 header time: `Mmm dd HH:MM:SS`, day padded with a space, local time. */
export function rfc3164Date(ms: number): string {
  const second = secondOf(ms);
  if (second !== rfc3164Cache.second) {
    const d = new Date(second * 1000);
    const day = d.getDate();
    rfc3164Cache.text =
      MONTHS[d.getMonth()] + ' ' + (day < 10 ? ' ' + day : String(day)) + ' ' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
    rfc3164Cache.second = second;
  }
  return rfc3164Cache.text;
}

/**
 * ISO 8601 header time with microseconds and the local offset, exactly 32
 * characters: `yyyy-mm-ddTHH:MM:SS.uuuuuu+hh:mm`. `us` is 0..999 within `ms`.
 */
export function isoDateUs(ms: number, us: number): string {
  const second = secondOf(ms);
  if (second !== isoCache.second) {
    const d = new Date(second * 1000);
    isoCache.text =
      pad4(d.getFullYear()) + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + 'T' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds()) + '.';
    isoOffsetCache.text = offsetText(d, ':');
    isoCache.second = second;
  }
  return isoCache.text + PAD3[msOf(ms, second)] + PAD3[us] + isoOffsetCache.text;
}
