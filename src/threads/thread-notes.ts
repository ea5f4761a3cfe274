// How a thread acts on what the others tell it (wake-channel.ts), and how
// its caches tell the others what they stored. Caches are copied, not
// shared: each thread keeps every object (memory × nbthread), stored and
// dropped alike in all of them a fraction of a millisecond apart, so a
// response stored through one thread is a hit through any other.
// TLS sessions (resumption by session ID) are passed on the same way.
// Hits are passed on too, batched once per turn of the event loop, so
// every copy keeps the same least-recently-used order and evicts alike.
// Per thread still: the lookups/hits counters of `show cache`, and a
// restarted worker starts with an empty copy.

import type { HttpCache } from '../cache/index.ts';
import { adoptSession, shareSessions } from '../tls/index.ts';
import type { CounterSource } from './counter-sync.ts';
import type { StoredEntry, ThreadNote, WakeChannel } from './wake-channel.ts';

export interface NoteTarget extends CounterSource {
  httpCaches(): ReadonlyMap<string, HttpCache>;
}

export function applyNote(dst: NoteTarget, n: ThreadNote): void {
  switch (n.k) {
    case 'wake':
      if (n.backend === null) dst.counters.admitHeld();
      else dst.backends.get(n.backend)?.offerSlots();
      return;
    case 'cache-store': {
      dst.httpCaches().get(n.cache)?.insertCopy({ ...n.entry, body: bytes(n.entry.body) });
      return;
    }
    case 'cache-drop':
      dst.httpCaches().get(n.cache)?.invalidate(n.key);
      return;
    case 'tls-session':
      adoptSession(n.bind, bytes(n.id), bytes(n.data), Date.now());
      return;
    case 'cache-touch': {
      const c = dst.httpCaches().get(n.cache);
      if (c !== undefined) for (const [key, storedAt, secondary] of n.hits) c.touchCopy(key, storedAt, secondary);
      return;
    }
  }
}

/** Bytes that crossed a thread as a Uint8Array, as the Buffer the receiver expects. */
function bytes(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** TLS sessions stored by this thread's binds go to the others (ticket keys are the main thread's: messages.ts). */
export function shareTlsSessions(ch: WakeChannel | null): void {
  shareSessions(ch === null ? null : (bind, id, data) => ch.post({ k: 'tls-session', bind, id, data }));
}

/** Hooks the caches in force (after start and after each reload; kept caches are hooked again, harmlessly). */
export function shareCaches(src: NoteTarget, ch: WakeChannel): void {
  for (const [name, c] of src.httpCaches()) {
    let hits: Array<[string, number, StoredEntry['secondary']]> = [];
    const flush = (): void => {
      const batch = hits;
      hits = [];
      ch.post({ k: 'cache-touch', cache: name, hits: batch });
    };
    c.changes = {
      stored: (entry) => ch.post({ k: 'cache-store', cache: name, entry }),
      dropped: (key) => ch.post({ k: 'cache-drop', cache: name, key }),
      touched: (e) => {
        if (hits.length === 0) setImmediate(flush);
        hits.push([e.key, e.storedAt, e.secondary]);
      },
    };
  }
}
