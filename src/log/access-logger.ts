// Fans each formatted access-log line out to a proxy's `log` targets, each
// with its own syslog header, level filter and length limit, as HAProxy's
// `log <target> [len N] [format F] <facility> [max level [min level]]`:
//
// - a line above a target's max level (less severe) is not sent there;
// - a line more severe than the target's min level is sent at that level
//   (HAProxy's cap against "emerg" broadcasts on terminals);
// - header + message are cut to `len` (default 1024) bytes.
//
// Sinks are shared: every target on stdout (across all loggers of the
// process) writes through one batched writer so lines stay in order.

import type { LogTarget } from '../config/model.ts';
import { LogError } from './errors.ts';
import { FdLineSink, sharedFdSink, UdpLineSink, unixDgramUnsupported, type LineSink } from './sink.ts';
import { clampLine, facilityNumber, isSyslogFormat, levelNumber, LOG_LEVELS, SyslogHeader } from './syslog.ts';

/** A `log` line of the configuration model (`length` is its `len`). */
export type AccessLogTarget = LogTarget;

export interface AccessLoggerOptions {
  /** Header hostname (HAProxy's log-send-hostname); '' or undefined = none. */
  hostname?: string;
  /** Header tag (log-tag; HAProxy's default is the program name). */
  tag: string;
  pid: number;
  /** What `log global` stands for: the global section's targets. */
  globalTargets?: AccessLogTarget[];
  /** `len` for targets without one. Default 1024, as HAProxy. */
  maxLen?: number;
  /** RFC 5424 structured data (log-format-sd output); default `-`. */
  structuredData?: string;
  /** Wall clock in epoch ms, fractional part = sub-millisecond. Default: the system clock with us resolution. */
  now?: () => number;
}

export interface AccessLogger {
  /** Sends `line` at `level` (emerg..debug) to every target that accepts it. */
  log(level: string, line: string): void;
  /** Whether any target takes `level`: when not, the caller can skip formatting the line. */
  accepts(level: string): boolean;
  /** Resolves when every line logged so far is written or dropped. */
  flush(): Promise<void>;
  /** Flushes and releases the sockets of this logger. */
  close(): Promise<void>;
  /** Lines dropped by this logger's sinks (shared stdout/stderr sinks count every logger's drops). */
  readonly dropped: number;
}

interface PreparedTarget {
  header: SyslogHeader;
  sink: LineSink;
  maxLevel: number;
  minLevel: number;
  maxLen: number;
  /** Bytes kept for the newline: 1 on file descriptors, 0 on datagrams (HAProxy's layout). */
  reserve: number;
}

const LEVEL_BY_NAME = new Map<string, number>(LOG_LEVELS.map((name, i) => [name, i]));

/**
 * Wall clock with microseconds. performance.now() is monotonic and drifts
 * from the system clock when it is adjusted, so its reading is used only
 * while it agrees with Date.now() to within a millisecond.
 */
function systemClock(): number {
  const fine = performance.timeOrigin + performance.now();
  const wall = Date.now();
  return Math.abs(fine - wall) < 1 ? fine : wall;
}

function where(t: LogTarget): string {
  return `${t.pos.file}:${t.pos.line}`;
}

function expandGlobal(targets: AccessLogTarget[], globals: AccessLogTarget[] | undefined): AccessLogTarget[] {
  const out: AccessLogTarget[] = [];
  for (const t of targets) {
    if (t.kind !== 'global') {
      out.push(t);
      continue;
    }
    if (!globals) {
      throw new LogError('HAWSER_LOG_GLOBAL_UNRESOLVED', `${where(t)}: 'log global' used but no global log targets were given`);
    }
    for (const g of globals) {
      if (g.kind === 'global') throw new LogError('HAWSER_LOG_BAD_TARGET', `${where(g)}: 'log global' is not allowed in the global section`);
      out.push(g);
    }
  }
  return out;
}

/**
 * Builds a logger for a proxy's targets. Throws a LogError (with the
 * target's file:line) for a target it cannot serve, before anything is
 * opened.
 *
 * @example
 *   const logger = createAccessLogger(frontend.logs ?? [], { tag: 'hawser', pid: process.pid, globalTargets: config.global.logs });
 *   logger.log('info', compiled.format(record));
 */
export function createAccessLogger(targets: AccessLogTarget[], opts: AccessLoggerOptions): AccessLogger {
  const expanded = expandGlobal(targets, opts.globalTargets);
  const identity = {
    hostname: opts.hostname ?? '',
    tag: opts.tag,
    pid: opts.pid,
    structuredData: opts.structuredData,
  };

  // Validate everything first so that a bad target opens nothing.
  for (const t of expanded) {
    if (facilityNumber(t.facility) < 0) {
      throw new LogError('HAWSER_LOG_BAD_FACILITY', `${where(t)}: unknown log facility '${t.facility}'`);
    }
    if (t.level !== undefined && levelNumber(t.level) < 0) {
      throw new LogError('HAWSER_LOG_BAD_LEVEL', `${where(t)}: unknown optional log level '${t.level}'`);
    }
    if (t.minLevel !== undefined && levelNumber(t.minLevel) < 0) {
      throw new LogError('HAWSER_LOG_BAD_LEVEL', `${where(t)}: unknown optional minimum log level '${t.minLevel}'`);
    }
    if (!isSyslogFormat(t.format)) {
      throw new LogError('HAWSER_LOG_BAD_FORMAT', `${where(t)}: unknown log format '${t.format}'`);
    }
    if (t.kind === 'unix') throw unixDgramUnsupported(t.address?.kind === 'unix' ? t.address.path : 'unix socket');
    if (t.kind === 'udp' && t.address?.kind !== 'inet') {
      throw new LogError('HAWSER_LOG_BAD_TARGET', `${where(t)}: a UDP log target needs an IP address and port`);
    }
  }

  const ownSinks = new Map<string, UdpLineSink>();
  const prepared: PreparedTarget[] = [];
  for (const t of expanded) {
    let sink: LineSink;
    let reserve = 1;
    if (t.kind === 'stdout' || t.kind === 'stderr') {
      sink = sharedFdSink(t.kind === 'stdout' ? 1 : 2);
    } else {
      const a = t.address as { host: string; port: number };
      const key = `${a.host}|${a.port}`;
      let udp = ownSinks.get(key);
      if (!udp) {
        udp = new UdpLineSink(a.host, a.port === 0 ? 514 : a.port);
        ownSinks.set(key, udp);
      }
      sink = udp;
      reserve = 0;
    }
    prepared.push({
      header: new SyslogHeader(t.format, facilityNumber(t.facility), identity),
      sink,
      maxLevel: t.level === undefined ? 7 : levelNumber(t.level),
      minLevel: t.minLevel === undefined ? 0 : levelNumber(t.minLevel),
      maxLen: t.length ?? opts.maxLen ?? 1024,
      reserve,
    });
  }
  const sinks = [...new Set(prepared.map((p) => p.sink))];
  const leastSevereAccepted = prepared.reduce((max, p) => Math.max(max, p.maxLevel), -1);
  const now = opts.now ?? systemClock;
  let closed = false;

  return {
    log(level: string, line: string): void {
      const lv = LEVEL_BY_NAME.get(level);
      if (lv === undefined) throw new LogError('HAWSER_LOG_BAD_LEVEL', `unknown log level '${level}'`);
      if (closed || lv > leastSevereAccepted) return;
      const t = now();
      const ms = Math.floor(t);
      const us = Math.min(999, Math.round((t - ms) * 1000));
      for (let i = 0; i < prepared.length; i++) {
        const p = prepared[i];
        if (lv > p.maxLevel) continue;
        const full = p.header.render(lv < p.minLevel ? p.minLevel : lv, ms, us) + line;
        p.sink.write(clampLine(full, p.maxLen, p.reserve));
      }
    },
    accepts(level: string): boolean {
      const lv = LEVEL_BY_NAME.get(level);
      return lv !== undefined && lv <= leastSevereAccepted && !closed;
    },
    async flush(): Promise<void> {
      await Promise.all(sinks.map((s) => s.flush()));
    },
    async close(): Promise<void> {
      closed = true;
      // Shared fd sinks outlive this logger: flush them, close only our own sockets.
      await Promise.all(sinks.map((s) => (s instanceof FdLineSink ? s.flush() : s.close())));
    },
    get dropped(): number {
      let n = 0;
      for (const s of sinks) n += s.dropped;
      return n;
    },
  };
}
