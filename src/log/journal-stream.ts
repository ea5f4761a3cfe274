// The I/O side of journald priorities (see journal.ts): whether one of our
// own descriptors is the journal stream systemd gave us, and putting the
// prefix on stderr lines when it is.

import { fstatSync } from 'node:fs';
import { isJournalStream, prefixStderrText } from './journal.ts';

/** Whether descriptor `fd` is the stream named by JOURNAL_STREAM (systemd connected it to journald). */
export function fdIsJournal(fd: number, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.JOURNAL_STREAM === undefined) return false;
  try {
    return isJournalStream(env.JOURNAL_STREAM, fstatSync(fd));
  } catch {
    return false;
  }
}

/**
 * When stderr is the journal, every later write to `stream` gets each
 * line's priority prefix (`[ALERT]` err, `[WARNING]` warning, diagnostics
 * by severity). Done once at start-up so that every writer of stderr,
 * wherever it is, is covered. Returns whether it was installed.
 */
export function prefixStderrForJournal(env: NodeJS.ProcessEnv = process.env): boolean {
  const stream = process.stderr;
  if (!fdIsJournal(2, env)) return false;
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : null;
    return text === null ? write(chunk, ...rest) : write(prefixStderrText(text), ...rest);
  }) as typeof stream.write;
  return true;
}
