// `track-file`: the integer an operator (or their tooling) writes into a
// file, read as keepalived reads it (track-file-value.ts). Read once at
// start, again as soon as the directory reports a change (inotify through
// fs.watch) and on a poll in case an event was missed. A missing or empty
// file reads 0. Reads are asynchronous and at most 128 bytes.

import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { EventLogger } from '../../src/events/index.ts';
import type { VrrpTrack } from './settings.ts';
import { parseTrackFileValue } from './track-file-value.ts';

export type FileTrack = Extract<VrrpTrack, { kind: 'file' }>;

export interface FileTrackerOptions {
  vrrp: string;
  track: FileTrack;
  events: EventLogger;
  /** ms between polls. */
  period: number;
  onChange(): void;
}

/** keepalived reads up to 127 characters. */
const MAX_READ = 127;

export class FileTracker {
  readonly label: string;
  readonly #o: FileTrackerOptions;
  #value = 0;
  #timer: NodeJS.Timeout | undefined;
  #watcher: FSWatcher | undefined;
  #reading = false;
  #again = false;
  #stopped = false;
  /** The out-of-range text last reported, so a poll does not repeat it. */
  #invalid: string | undefined;

  constructor(options: FileTrackerOptions) {
    this.#o = options;
    this.label = `file ${options.track.path}`;
  }

  get track(): FileTrack {
    return this.#o.track;
  }

  get value(): number {
    return this.#value;
  }

  /** Reads the file now (synchronously, once: the start-up state must be known), then follows it. */
  start(): void {
    let text = '';
    try {
      text = readFileSync(this.#o.track.path, 'utf8').slice(0, MAX_READ);
    } catch {
      // missing: 0, as keepalived
    }
    this.#set(text, false);
    this.#timer = setInterval(() => this.#read(), this.#o.period);
    try {
      const name = basename(this.#o.track.path);
      this.#watcher = watch(dirname(this.#o.track.path), { persistent: false }, (_type, file) => {
        if (file === null || file === name) this.#read();
      });
      this.#watcher.on('error', () => this.#watcher?.close());
    } catch {
      // No such directory yet, or no inotify: the poll alone follows the file.
    }
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#watcher?.close();
  }

  #read(): void {
    if (this.#stopped) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    void this.#readText().then((text) => {
      this.#reading = false;
      if (this.#stopped) return;
      this.#set(text, true);
      if (this.#again) {
        this.#again = false;
        this.#read();
      }
    });
  }

  async #readText(): Promise<string> {
    let handle;
    try {
      handle = await open(this.#o.track.path, 'r');
      const buf = Buffer.alloc(MAX_READ);
      const { bytesRead } = await handle.read(buf, 0, MAX_READ, 0);
      return buf.toString('utf8', 0, bytesRead);
    } catch {
      return '';
    } finally {
      await handle?.close().catch(() => {});
    }
  }

  #set(text: string, notify: boolean): void {
    const v = parseTrackFileValue(text);
    if (v === undefined) {
      if (this.#invalid === text) return;
      this.#invalid = text;
      this.#o.events.warn(
        { event: 'vrrp-track-file-invalid', vrrp: this.#o.vrrp, file: this.#o.track.path },
        `VRRP ${this.#o.vrrp}: ${this.label} holds a number out of range ('${text.trim().slice(0, 40)}'); keeping ${this.#value}`,
      );
      return;
    }
    this.#invalid = undefined;
    if (v === this.#value) return;
    this.#value = v;
    this.#o.events.info(
      { event: 'vrrp-track-file', vrrp: this.#o.vrrp, file: this.#o.track.path, value: v },
      `VRRP ${this.#o.vrrp}: ${this.label} now reads ${v}`,
    );
    if (notify) this.#o.onChange();
  }
}
