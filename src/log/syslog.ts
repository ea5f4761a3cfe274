// The header HAProxy puts in front of a log message for each `log ...
// format F` (configuration manual 3.1 "log"), byte for byte:
//
//   raw       msg
//   short     <6>msg                                   level only
//   priority  <134>msg                                 facility*8 + level
//   timed     <6>2026-11-24T14:33:02.319901+05:30 msg
//   iso       2026-11-24T14:33:02.319901+05:30 msg
//   local     <134>Nov 24 14:33:02 hawser[123]: msg    (the default)
//   rfc3164   <134>Nov 24 14:33:02 HOST hawser[123]: msg
//   rfc5424   <134>1 2026-11-24T14:33:02.319901+05:30 HOST hawser 123 - - msg
//
// rfc3164 writes `localhost` and rfc5424 writes `-` when no hostname is
// sent (HAProxy sends one only with `log-send-hostname`). The `local` and
// `rfc3164` tags are left out entirely when the tag is empty. The header
// time is the time of writing (not the accept date) in the local zone.
//
// Pure: time comes in as arguments; levels and facilities are validated here
// for the config layer and the logger.

import { isoDateUs, rfc3164Date } from './dates.ts';

export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news',
  'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit', 'alert', 'cron2',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export type LogFacility = (typeof LOG_FACILITIES)[number];

export const SYSLOG_FORMATS = ['raw', 'short', 'priority', 'timed', 'iso', 'local', 'rfc3164', 'rfc5424'] as const;
export type SyslogFormat = (typeof SYSLOG_FORMATS)[number];

/** Severity number of a level name (emerg = 0 ... debug = 7), -1 if unknown. */
export function levelNumber(name: string): number {
  return (LOG_LEVELS as readonly string[]).indexOf(name);
}

/** Facility number of a facility name (kern = 0 ... local7 = 23), -1 if unknown. */
export function facilityNumber(name: string): number {
  return (LOG_FACILITIES as readonly string[]).indexOf(name);
}

export function isSyslogFormat(name: string): name is SyslogFormat {
  return (SYSLOG_FORMATS as readonly string[]).includes(name);
}

export interface SyslogIdentity {
  /** Header hostname (HAProxy's log-send-hostname); '' = none. */
  hostname: string;
  /** Program tag (HAProxy's log-tag, default the program name); '' = none. */
  tag: string;
  /** Process id. */
  pid: number;
  /** RFC 5424 structured data; '' or undefined = `-`. */
  structuredData?: string;
}

/**
 * The header of one log target, with everything that does not change from
 * line to line prepared once. `render` is called per line.
 */
export class SyslogHeader {
  readonly format: SyslogFormat;
  readonly facility: number;
  /** `<PRI>` text per level, prepared for the 8 levels. */
  private readonly prio: string[];
  /** What follows the time: ` HOST tag[pid]: ` etc. */
  private readonly afterTime: string;

  constructor(format: SyslogFormat, facility: number, id: SyslogIdentity) {
    this.format = format;
    this.facility = facility;
    const withFacility = format === 'local' || format === 'rfc3164' || format === 'rfc5424' || format === 'priority';
    this.prio = LOG_LEVELS.map((_, level) => '<' + ((withFacility ? facility << 3 : 0) + level) + '>');
    const tagPart = id.tag === '' ? '' : id.tag + '[' + id.pid + ']: ';
    switch (format) {
      case 'local':
        this.afterTime = ' ' + tagPart;
        break;
      case 'rfc3164':
        this.afterTime = ' ' + (id.hostname === '' ? 'localhost' : id.hostname) + ' ' + tagPart;
        break;
      case 'rfc5424': {
        const sd = id.structuredData === undefined || id.structuredData.trimEnd() === '' ? '-' : id.structuredData.trimEnd();
        this.afterTime =
          ' ' + (id.hostname === '' ? '-' : id.hostname) + ' ' + (id.tag === '' ? '-' : id.tag) + ' ' + id.pid + ' - ' + sd + ' ';
        break;
      }
      default:
        this.afterTime = ' ';
    }
  }

  /**
   * The header for a line at `level` (0..7) written at `nowMs` (epoch ms)
   * plus `nowUs` microseconds (0..999).
   */
  render(level: number, nowMs: number, nowUs: number): string {
    switch (this.format) {
      case 'raw':
        return '';
      case 'short':
      case 'priority':
        return this.prio[level];
      case 'iso':
        return isoDateUs(nowMs, nowUs) + ' ';
      case 'timed':
        return this.prio[level] + isoDateUs(nowMs, nowUs) + ' ';
      case 'local':
      case 'rfc3164':
        return this.prio[level] + rfc3164Date(nowMs) + this.afterTime;
      case 'rfc5424':
        return this.prio[level] + '1 ' + isoDateUs(nowMs, nowUs) + this.afterTime;
    }
  }
}

/**
 * One full line for a target: header + message, cut to `maxLen` bytes
 * minus `reserve` (HAProxy keeps 1 for the newline on file descriptors,
 * 0 on datagrams, default length 1024). No newline is added.
 */
export function clampLine(line: string, maxLen: number, reserve: number): string {
  const limit = maxLen - reserve;
  // One UTF-16 unit is at most 3 UTF-8 bytes: most lines need no measuring.
  if (line.length * 3 <= limit) return line;
  if (Buffer.byteLength(line) <= limit) return line;
  // Longest prefix that fits, by bisection on the character count.
  let lo = 0;
  let hi = Math.min(line.length, limit);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (Buffer.byteLength(line.slice(0, mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return line.slice(0, lo);
}
