// The server-side TLS session cache (resumption by session ID, HAProxy's
// tune.ssl.cachesize / tune.ssl.lifetime): a bounded LRU of serialized
// sessions that expire. Pure: time comes in as an argument.

export class SessionCache {
  readonly capacity: number;
  readonly lifetimeMs: number;
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly map = new Map<string, { data: Buffer; expires: number }>();
  hits = 0;
  misses = 0;

  constructor(capacity: number, lifetimeMs: number) {
    this.capacity = capacity;
    this.lifetimeMs = lifetimeMs;
  }

  get size(): number {
    return this.map.size;
  }

  set(id: Buffer, data: Buffer, now: number): void {
    if (this.capacity <= 0) return;
    const key = id.toString('hex');
    this.map.delete(key);
    this.map.set(key, { data, expires: now + this.lifetimeMs });
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  get(id: Buffer, now: number): Buffer | undefined {
    const key = id.toString('hex');
    const e = this.map.get(key);
    if (e === undefined || e.expires <= now) {
      if (e !== undefined) this.map.delete(key);
      this.misses++;
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    this.hits++;
    return e.data;
  }
}

/**
 * nbthread: each thread's caches by bind, and where the sessions this
 * thread stores are sent, so that a client resumes its session whichever
 * thread its next connection lands on (HAProxy's cache is one shared
 * memory area). A reload's new cache for a bind replaces the old one.
 */
const byBind = new Map<string, SessionCache>();
let sink: ((bind: string, id: Buffer, data: Buffer) => void) | null = null;

/** Sessions stored by this thread's cache of `bind` go to `send` (null: one thread). */
export function shareSessions(send: ((bind: string, id: Buffer, data: Buffer) => void) | null): void {
  sink = send;
}

/** This thread's cache of `bind` from now on. */
export function registerSessionCache(bind: string, cache: SessionCache): void {
  byBind.set(bind, cache);
}

/** A session this thread stored: kept, and passed to the other threads. */
export function storeSession(bind: string, cache: SessionCache, id: Buffer, data: Buffer, now: number): void {
  cache.set(id, data, now);
  sink?.(bind, id, data);
}

/** A session another thread stored. */
export function adoptSession(bind: string, id: Buffer, data: Buffer, now: number): void {
  byBind.get(bind)?.set(id, data, now);
}
