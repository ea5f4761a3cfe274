// The structured event log: one JSON line per event on stdout (pino), with a
// stable `event` field so tools can follow state changes.

import { pino, type Logger } from 'pino';
import { fdIsJournal } from '../log/index.ts';
import { JournalDestination } from './journal-destination.ts';

export type EventLogger = Logger;

export function createEventLogger(opts: { debug: boolean; quiet: boolean; nodeName: string }): EventLogger {
  // Events are rare (state changes, not requests): written synchronously so
  // none is lost when the process exits right after one. Under systemd each
  // line carries its journald priority.
  const stdout = pino.destination({ fd: 1, sync: true });
  return pino(
    {
      level: opts.debug ? 'debug' : opts.quiet ? 'warn' : 'info',
      base: { pid: process.pid, node: opts.nodeName },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    fdIsJournal(1) ? new JournalDestination(stdout) : stdout,
  );
}
