// journald priorities for what Hawser writes on stdout and stderr under
// systemd. journald reads a leading `<N>` (N = 0..7, sd-daemon(3)) on each
// line a service writes to its stdout/stderr stream as the line's priority
// (the unit's SyslogLevelPrefix=, on by default) and strips it; without one
// every line is stored at the unit's SyslogLevel= (info). So
// `journalctl -u hawser -p warning` shows only warnings and worse when each
// line carries its own prefix.
//
// Whether a descriptor is connected to journald: systemd sets JOURNAL_STREAM
// to "DEV:INO" of the stream it connected stdout/stderr to; the descriptor is
// the journal only if its own device and inode match (a redirection in a
// shell wrapper or StandardOutput=file: keeps the variable but changes the
// descriptor). This is the check systemd.exec(5) documents.
//
// Pure: the descriptor's identity comes in as an argument.

export interface FileIdentity {
  dev: number | bigint;
  ino: number | bigint;
}

/** Whether a descriptor with identity `fd` is the journal stream named by JOURNAL_STREAM's value. */
export function isJournalStream(journalStream: string | undefined, fd: FileIdentity | null): boolean {
  if (journalStream === undefined || fd === null) return false;
  const m = /^(\d+):(\d+)$/.exec(journalStream);
  if (m === null) return false;
  return m[1] === String(fd.dev) && m[2] === String(fd.ino);
}

/** The `<N>` text of each syslog level 0..7, built once. */
const PREFIXES = ['<0>', '<1>', '<2>', '<3>', '<4>', '<5>', '<6>', '<7>'] as const;

export function journalPrefix(level: number): string {
  return PREFIXES[level < 0 ? 0 : level > 7 ? 7 : level];
}

/**
 * The syslog level of a pino level: fatal (60) crit, error (50) err,
 * warn (40) warning, info (30) info, debug and trace debug. A custom level
 * in between takes the next more severe one.
 */
export function pinoSyslogLevel(pinoLevel: number): number {
  if (pinoLevel >= 60) return 2;
  if (pinoLevel >= 50) return 3;
  if (pinoLevel >= 40) return 4;
  if (pinoLevel >= 30) return 6;
  return 7;
}

const TAGGED = /^\[(ALERT|WARNING|NOTICE|DEBUG)\]/;
const DIAGNOSTIC = /^HAWSER_[A-Z0-9_]+ /;
// `CODE warning: msg` or `CODE file:line: warning: msg` (formatDiagnostic's layout).
const DIAGNOSTIC_WARNING = /^HAWSER_[A-Z0-9_]+ (?:\S+: )?warning: /;

/**
 * The syslog level of one stderr line, from the way Hawser writes them:
 * HAProxy's `[ALERT]` (a fatal problem: err), `[WARNING]`, `[NOTICE]`,
 * `[DEBUG]`, and configuration diagnostics `HAWSER_CODE file:line: ...`
 * (err, or warning when the message says `warning:`). -1 for any other
 * line (usage text, a `-vv` report): it keeps the unit's default level.
 */
export function stderrSyslogLevel(line: string): number {
  const tag = TAGGED.exec(line);
  if (tag !== null) {
    switch (tag[1]) {
      case 'ALERT':
        return 3;
      case 'WARNING':
        return 4;
      case 'NOTICE':
        return 5;
      default:
        return 7;
    }
  }
  if (DIAGNOSTIC_WARNING.test(line)) return 4;
  if (DIAGNOSTIC.test(line)) return 3;
  return -1;
}

/**
 * `text` (one or more lines) with each line's prefix added, the way it
 * should reach a journal stream. A trailing partial line is prefixed too:
 * Hawser never splits a line across writes.
 */
export function prefixStderrText(text: string): string {
  let out = '';
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl + 1;
    const line = text.slice(start, end);
    const level = stderrSyslogLevel(line);
    out += level < 0 || line === '\n' ? line : journalPrefix(level) + line;
    start = end;
  }
  return out;
}
