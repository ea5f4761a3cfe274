// `log` lines, in global and in proxies:
//   log <target> [len <n>] [format <fmt>] [sample <ranges>:<size>] <facility> [<max level> [<min level>]]
// where target is stdout, stderr, fd@1, fd@2, a UNIX socket path, or an
// address (UDP, port 514 by default). `log global` and `no log` are proxy
// forms handled by the proxy parser.

import type { LogTarget } from './model.ts';
import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import { parseAddress } from './address.ts';
import { suggestion } from './suggest.ts';

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit',
  'alert', 'cron2', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

export const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

const FORMATS = ['raw', 'short', 'rfc3164', 'rfc5424', 'iso', 'local', 'priority', 'timed'] as const;

/** Parses the words after `log` (starting at index 1). Returns undefined after reporting. */
export function parseLogTarget(d: Directive): LogTarget | undefined {
  if (!d.need(1, 'log', '<target> [len <length>] [format <format>] <facility> [<level> [<minlevel>]]')) return undefined;
  const raw = d.arg(1)!;
  const target: LogTarget = { pos: d.pos, kind: 'udp', format: 'rfc3164', facility: '' };

  if (raw === 'stdout' || raw === 'fd@1') target.kind = 'stdout';
  else if (raw === 'stderr' || raw === 'fd@2') target.kind = 'stderr';
  else if (raw.startsWith('ring@')) {
    d.unsupported(`logging to a ring buffer ('${raw}')`);
    return undefined;
  } else {
    const r = parseAddress(raw, d.env, { allowUnix: true, allowFd: true });
    if (!r.ok) {
      if (r.unsupported === true) d.unsupported(`log: ${r.error}`);
      else d.error(CfgCode.BAD_VALUE, `log: ${r.error}`);
      return undefined;
    }
    if (r.address.kind === 'fd') {
      d.unsupported(`logging to file descriptor ${r.address.fd} (only fd@1 and fd@2)`);
      return undefined;
    }
    if (r.transport === 'stream') {
      d.unsupported(`logging over TCP ('${raw}')`);
      return undefined;
    }
    if (r.address.kind === 'unix') {
      target.kind = 'unix';
      target.address = r.address;
    } else {
      target.kind = 'udp';
      target.address = r.hasPort ? r.address : { ...r.address, port: 514 };
    }
  }

  let i = 2;
  for (;;) {
    const w = d.arg(i);
    if (w === 'len') {
      const n = d.int(i + 1, 'log len', 80, 65535);
      if (n === undefined) return undefined;
      target.length = n;
      i += 2;
    } else if (w === 'format') {
      const f = d.arg(i + 1);
      if (f === undefined || !(FORMATS as readonly string[]).includes(f)) {
        d.error(CfgCode.BAD_VALUE, `log: unknown log format '${f ?? ''}' (expected one of ${FORMATS.join(', ')})${f ? suggestion(f, FORMATS) : ''}`);
        return undefined;
      }
      target.format = f as LogTarget['format'];
      i += 2;
    } else if (w === 'sample') {
      d.unsupported("log sampling ('sample')");
      return undefined;
    } else {
      break;
    }
  }

  const facility = d.arg(i);
  if (facility === undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `log: missing facility after '${raw}' (e.g. local0)`);
    return undefined;
  }
  if (!(FACILITIES as readonly string[]).includes(facility)) {
    d.error(CfgCode.BAD_VALUE, `log: unknown facility '${facility}'${suggestion(facility, FACILITIES)}`);
    return undefined;
  }
  target.facility = facility;
  const level = d.arg(i + 1);
  if (level !== undefined) {
    if (!(LEVELS as readonly string[]).includes(level)) {
      d.error(CfgCode.BAD_VALUE, `log: unknown level '${level}'${suggestion(level, LEVELS)}`);
      return undefined;
    }
    target.level = level;
  }
  const minLevel = d.arg(i + 2);
  if (minLevel !== undefined) {
    if (!(LEVELS as readonly string[]).includes(minLevel)) {
      d.error(CfgCode.BAD_VALUE, `log: unknown minimum level '${minLevel}'${suggestion(minLevel, LEVELS)}`);
      return undefined;
    }
    target.minLevel = minLevel;
  }
  if (!d.noMoreThan(i + 2, 'log')) return undefined;
  return target;
}
