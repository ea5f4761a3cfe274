// A pino destination for journald: the line of each event gets the
// `<N>` prefix of its level (warn -> <4>, error -> <3>...), which journald
// reads as the entry's priority, so `journalctl -p warning` filters events.
// pino sets `lastLevel` before each write on a stream that asks for it
// with Symbol.for('pino.metadata') (pino's documented stream metadata).

import { journalPrefix, pinoSyslogLevel } from '../log/index.ts';

interface LineDestination {
  write(line: string): unknown;
  flushSync?(): void;
}

const NEEDS_METADATA = Symbol.for('pino.metadata');

export class JournalDestination {
  readonly [NEEDS_METADATA] = true;
  /** Set by pino before every write. */
  lastLevel = 30;
  readonly #dest: LineDestination;

  constructor(dest: LineDestination) {
    this.#dest = dest;
  }

  write(line: string): void {
    this.#dest.write(journalPrefix(pinoSyslogLevel(this.lastLevel)) + line);
  }

  flushSync(): void {
    this.#dest.flushSync?.();
  }
}
