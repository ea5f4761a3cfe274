// The pidfile: `-p FILE` on the command line, else `pidfile` in global.
// Written once every listener is bound, rewritten at each successful reload
// (moved when the reload names another file), removed at stop. Hawser
// serves from the process that was started, so the file always holds our
// own pid. Failures are reported, never fatal after start-up.

import { chownSync, unlinkSync, writeFileSync } from 'node:fs';

export class PidFile {
  /** `-p`: wins over the configuration, at start and at every reload. */
  private readonly fromCommandLine: string | undefined;
  private current: string | undefined;

  constructor(fromCommandLine: string | undefined) {
    this.fromCommandLine = fromCommandLine;
  }

  get path(): string | undefined {
    return this.current;
  }

  /** Writes the file the command line or `configured` names; throws when it cannot be written. */
  apply(configured: string | undefined): void {
    const next = this.fromCommandLine ?? configured;
    if (next !== this.current && this.current !== undefined) removeQuietly(this.current);
    this.current = next;
    if (next !== undefined) writeFileSync(next, `${process.pid}\n`);
  }

  /**
   * Before root is dropped: the file becomes the new identity's, so that it
   * may rewrite it on reload and, where the directory allows (sticky or its
   * own), remove it at stop.
   */
  handTo(uid: number, gid: number): void {
    if (this.current === undefined) return;
    try {
      chownSync(this.current, uid, gid);
    } catch {
      // left to root: it is removed by whoever cleans the directory
    }
  }

  remove(): void {
    if (this.current !== undefined) removeQuietly(this.current);
    this.current = undefined;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // gone already, or not ours to remove any more (privileges dropped)
  }
}
