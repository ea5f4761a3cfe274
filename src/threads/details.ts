// What `show sess` and `show errors` list of the extra `nbthread` workers:
// each worker describes its sessions and error captures when the main
// thread asks (only for those two commands), and the main thread lists
// them beside its own as one process. Session numbers are per thread, so a
// worker's are moved to a range of their own (thread << 24), as HAProxy's
// stream addresses differ by thread.

import type { SessionView } from '../proxy/index.ts';
import type { CounterSource } from './counter-sync.ts';
import type { ErrorCaptures, RemoteDetails } from '../runtime/index.ts';

const THREAD_ID_SHIFT = 24;
const ID_MASK = (1 << THREAD_ID_SHIFT) - 1;

/** The worker side: its sessions (renumbered) and its captures. */
export function threadDetails(src: CounterSource, thread: number): RemoteDetails {
  const sessions: SessionView[] = [];
  const base = thread * (1 << THREAD_ID_SHIFT);
  for (const fe of src.frontends.values()) {
    for (const s of fe.sessions) {
      const v = s.describe();
      sessions.push({ ...v, id: base + (v.id & ID_MASK) });
    }
  }
  const e = src.counters.errors;
  return { sessions, errors: [{ total: e.total, requests: [...e.requests.values()], responses: [...e.responses.values()] }] };
}

/** The main thread's side: every worker's answer as one (captures' bytes come back as Buffers). */
export function mergeDetails(all: readonly RemoteDetails[]): RemoteDetails {
  const sessions: SessionView[] = [];
  const errors: ErrorCaptures[] = [];
  for (const d of all) {
    sessions.push(...d.sessions);
    for (const c of d.errors) {
      errors.push({
        total: c.total,
        requests: c.requests.map((s) => ({ ...s, bytes: Buffer.from(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength) })),
        responses: c.responses.map((s) => ({ ...s, bytes: Buffer.from(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength) })),
      });
    }
  }
  return { sessions, errors };
}
