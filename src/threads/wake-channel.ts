// What `nbthread` threads tell each other directly, without the main
// thread relaying (a BroadcastChannel reaches every thread of the process):
// - "your waiter is first in line for backend B": a slot freed; the woken
//   thread takes it itself (src/backend/backend-share.ts);
// - "a client slot is free": threads holding connections beyond maxconn
//   try to admit them;
// - "cache C stored / dropped this": every thread keeps the same objects.
// The first two are only sent when another thread waits, so the request
// path without queues never posts.

import { BroadcastChannel } from 'node:worker_threads';
import type { CacheEntry } from '../cache/index.ts';

/** What a cache store carries: the entry's fields (its body as bytes). */
export type StoredEntry = ConstructorParameters<typeof CacheEntry>[0];

export type ThreadNote =
  /** `to`: the thread to wake, -1 for every thread; `backend` null: held client connections. */
  | { readonly k: 'wake'; readonly to: number; readonly backend: string | null }
  | { readonly k: 'cache-store'; readonly cache: string; readonly entry: StoredEntry }
  | { readonly k: 'cache-drop'; readonly cache: string; readonly key: string }
  /** A TLS session a bind's cache stored (resumption by session ID). */
  | { readonly k: 'tls-session'; readonly bind: string; readonly id: Uint8Array; readonly data: Uint8Array }
  /** Hits since the last note, oldest first: [key, storedAt, secondary] each. */
  | { readonly k: 'cache-touch'; readonly cache: string; readonly hits: ReadonlyArray<readonly [string, number, StoredEntry['secondary']]> };

export class WakeChannel {
  readonly #ch: BroadcastChannel;
  readonly #thread: number;
  #closed = false;

  constructor(name: string, thread: number, onNote: (n: ThreadNote) => void) {
    this.#thread = thread;
    this.#ch = new BroadcastChannel(name);
    this.#ch.onmessage = (e: unknown) => {
      const n = (e as { data: ThreadNote }).data;
      if (n.k !== 'wake' || n.to === -1 || n.to === this.#thread) onNote(n);
    };
    // Traffic keeps the threads alive, not this channel.
    (this.#ch as BroadcastChannel & { unref(): void }).unref();
  }

  backend(to: number, backend: string): void {
    this.post({ k: 'wake', to, backend });
  }

  held(): void {
    this.post({ k: 'wake', to: -1, backend: null });
  }

  post(n: ThreadNote): void {
    if (!this.#closed) this.#ch.postMessage(n);
  }

  close(): void {
    this.#closed = true;
    this.#ch.close();
  }
}
