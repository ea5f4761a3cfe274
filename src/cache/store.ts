// A `cache NAME` section at run time: stored responses by primary key (and
// Vary variant), bounded by total-max-size in 1 kB blocks with the least
// recently used entries evicted first, each kept until its expiry. Pure:
// time comes from an injected clock, bodies arrive through a CacheWriter
// the proxy feeds as the response streams to the client.

import { hasField } from '../http/index.ts';
import { BLOCK_SIZE, CacheEntry, blocksFor, storedHeadSize } from './entry.ts';
import type { CacheRequest } from './request.ts';
import { notModified } from './conditional.ts';
import { etagOf, lastModified, maxAge, originAge, responseCacheability } from './response.ts';
import { reduceKey, responseEncoding, type SecondaryKey, VARY_ACCEPT_ENCODING, variantMatches, varySignature } from './vary.ts';

export interface CacheSettings {
  readonly name: string;
  /** Bytes. */
  readonly totalMaxSize: number;
  /** Bytes (head and body). */
  readonly maxObjectSize: number;
  /** Seconds. */
  readonly maxAge: number;
  readonly processVary: boolean;
  readonly maxSecondaryEntries: number;
}

/** Wall-clock time in milliseconds since the epoch. */
export type Clock = () => number;

export interface CacheHit {
  readonly entry: CacheEntry;
  /** The request's validators match: answer 304 with the stored fields. */
  readonly notModified: boolean;
}

/** Why a response was not stored (for tests and debug logs). */
export type NoStoreReason =
  | 'not-get'
  | 'http10'
  | 'status'
  | 'too-big'
  | 'vary'
  | 'not-cacheable'
  | 'set-cookie'
  | 'no-freshness'
  | 'age'
  | 'encoding'
  | 'no-key';

let nextAddress = 0x7f3a00000000;

type EntryInit = ConstructorParameters<typeof CacheEntry>[0];

/** What this cache stored or dropped by itself (nbthread: the other threads' copies do the same). */
export interface CacheChanges {
  stored(init: EntryInit): void;
  dropped(key: string): void;
  /** A hit made `e` the most recently used. */
  touched(e: CacheEntry): void;
}

export class HttpCache {
  readonly settings: CacheSettings;
  readonly totalBlocks: number;
  readonly address: number;
  private readonly clock: Clock;
  /** Variants by primary key. */
  private readonly byKey = new Map<string, CacheEntry[]>();
  /** Every entry, least recently used first. */
  private readonly lru = new Set<CacheEntry>();
  private usedBlocks = 0;
  private addresses = 0;
  /** Blocks held by responses being stored. */
  hotBlocks = 0;
  lookups = 0;
  hits = 0;
  stored = 0;
  evicted = 0;
  /** Told of what this thread's traffic stores and drops; null with one thread. */
  changes: CacheChanges | null = null;

  constructor(settings: CacheSettings, clock: Clock) {
    this.settings = settings;
    this.clock = clock;
    this.totalBlocks = Math.floor(settings.totalMaxSize / BLOCK_SIZE);
    this.address = nextAddress;
    nextAddress += 0x100000;
  }

  get name(): string {
    return this.settings.name;
  }

  nowSec(): number {
    return Math.floor(this.clock() / 1000);
  }

  /** Blocks not held by responses being stored (stored entries can always be evicted), as `show cache` counts them. */
  get availableBlocks(): number {
    return this.totalBlocks - this.hotBlocks;
  }

  /** Blocks taken by stored entries. */
  get blocksInUse(): number {
    return this.usedBlocks;
  }

  get size(): number {
    return this.lru.size;
  }

  /**
   * The stored response for a request (`http-request cache-use`), or null
   * when there is none fresh, the request must go to the server, or no
   * stored variant suits it.
   */
  lookup(req: CacheRequest, requestHeaders: readonly string[]): CacheHit | null {
    if (req.ignore) return null;
    this.lookups++;
    const list = this.byKey.get(req.key);
    if (list === undefined) return null;
    const now = this.nowSec();
    const first = list[0]!;
    if (first.expired(now)) {
      this.remove(first);
      return null;
    }
    let entry: CacheEntry | undefined = first;
    if (first.signature !== 0) {
      if (req.secondary === null) return null;
      const want = reduceKey(req.secondary, first.signature);
      entry = undefined;
      for (const e of [...list]) {
        if (e.expired(now)) {
          this.remove(e);
          continue;
        }
        if (variantMatches(e.secondary!, want, e.signature)) {
          entry = e;
          break;
        }
      }
      if (entry === undefined) return null;
    }
    this.hits++;
    this.lru.delete(entry);
    this.lru.add(entry);
    this.changes?.touched(entry);
    return { entry, notModified: notModified(requestHeaders, entry.etag, entry.lastModified) };
  }

  /**
   * `http-response cache-store`: a writer for the response's body when it
   * may be stored, else the reason it may not. A successful unsafe request
   * (POST, PUT, DELETE...) drops what is stored under its URL.
   */
  beginStore(req: CacheRequest, status: number, reason: string, headers: readonly string[], contentLength: number): CacheWriter | NoStoreReason {
    if (req.method !== 'GET') {
      const m = req.method;
      if (status >= 200 && status < 400 && m !== 'HEAD' && m !== 'OPTIONS' && m !== 'TRACE') {
        this.invalidate(req.key);
        this.changes?.dropped(req.key);
      }
      return 'not-get';
    }
    if (!req.http11) return 'http10';
    if (status !== 200) return 'status';
    const stored = storableFields(headers);
    const headSize = storedHeadSize(reason, stored) + 24;
    if (contentLength >= 0 && headSize + contentLength > this.settings.maxObjectSize) return 'too-big';
    let signature = 0;
    if (this.settings.processVary) {
      const sig = varySignature(headers);
      if (sig === undefined) return 'vary';
      if (sig !== 0 && req.secondary === null) return 'vary';
      signature = sig;
    } else if (hasField(headers, 'vary')) {
      return 'vary';
    }
    const rc = responseCacheability(headers);
    const cacheable = rc.cacheable ?? req.cacheable;
    const cookies = rc.cacheable === true ? rc.cookies : req.cookies && rc.cookies;
    if (!cacheable || !cookies) return 'not-cacheable';
    if (req.ignore || rc.ignore) return 'no-freshness';
    // Hawser keeps one visitor's cookies from being served to the next (HAProxy 2.6 would store them).
    if (hasField(headers, 'set-cookie') || hasField(headers, 'set-cookie2')) return 'set-cookie';
    const now = this.nowSec();
    const age = originAge(headers);
    if (age === undefined) return 'age';
    const life = maxAge(headers, this.settings.maxAge, now);
    if (age > life.own) return 'age';
    let secondary: SecondaryKey | null = null;
    if (signature !== 0) {
      secondary = reduceKey(req.secondary!, signature);
      if ((signature & VARY_ACCEPT_ENCODING) !== 0) {
        const enc = responseEncoding(headers);
        if (enc === undefined) return 'encoding';
        secondary = { encodings: enc, referer: secondary.referer };
      }
    }
    return new CacheWriter(this, {
      key: req.key,
      signature,
      secondary,
      status,
      reason,
      headers: stored,
      storedAt: now,
      expire: now + life.effective,
      originAge: age,
      lastModified: lastModified(headers, now),
      etag: etagOf(headers),
    }, headSize);
  }

  /** Drops every variant stored under `key`. */
  invalidate(key: string): void {
    const list = this.byKey.get(key);
    if (list === undefined) return;
    for (const e of [...list]) this.remove(e);
  }

  /** Live entries, expired ones dropped on the way (as `show cache` does). */
  liveEntries(): CacheEntry[] {
    const now = this.nowSec();
    const out: CacheEntry[] = [];
    for (const e of [...this.lru]) {
      if (e.expired(now)) this.remove(e);
      else out.push(e);
    }
    return out;
  }

  /** Another thread served this variant (nbthread): it is the most recently used here too, so every copy evicts alike. */
  touchCopy(key: string, storedAt: number, secondary: SecondaryKey | null): void {
    const list = this.byKey.get(key);
    if (list === undefined) return;
    for (const e of list) {
      if (e.storedAt !== storedAt) continue;
      if (secondary !== null && (e.secondary === null || e.secondary.encodings !== secondary.encodings || e.secondary.referer !== secondary.referer)) continue;
      this.lru.delete(e);
      this.lru.add(e);
      return;
    }
  }

  /**
   * An entry another thread stored (nbthread): kept here too, so that either
   * thread serves it. A copy that arrives late (a loaded thread reads its
   * notes late) is dropped when it has expired meanwhile or when this copy
   * already holds a newer store of the same variant: else it would replace
   * that one, and this thread would serve an older response, expiring
   * sooner, than the thread that stored the newer one.
   */
  insertCopy(init: EntryInit): boolean {
    if (init.expire <= this.nowSec()) return false;
    const list = this.byKey.get(init.key);
    if (list !== undefined) for (const old of list) if (old.storedAt > init.storedAt && sameVariant(old, init)) return false;
    return this.insert(new CacheEntry(init, this.nextEntryAddress()));
  }

  /** Called by a finished writer. False when the entry could not be kept. */
  insert(e: CacheEntry): boolean {
    const now = this.nowSec();
    const list = this.byKey.get(e.key);
    if (list !== undefined) {
      for (const old of [...list]) if (sameVariant(old, e) || old.expired(now)) this.remove(old);
      const left = this.byKey.get(e.key);
      if (left !== undefined && left.length >= this.settings.maxSecondaryEntries) return false;
    }
    if (e.blocks > this.totalBlocks) return false;
    while (this.usedBlocks + e.blocks > this.totalBlocks) {
      const oldest = this.lru.values().next().value!;
      this.remove(oldest);
      this.evicted++;
    }
    const l = this.byKey.get(e.key);
    if (l === undefined) this.byKey.set(e.key, [e]);
    else l.push(e);
    this.lru.add(e);
    this.usedBlocks += e.blocks;
    this.stored++;
    return true;
  }

  private remove(e: CacheEntry): void {
    if (!this.lru.delete(e)) return;
    this.usedBlocks -= e.blocks;
    const list = this.byKey.get(e.key);
    if (list === undefined) return;
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byKey.delete(e.key);
  }

  /** A made-up address for a new entry (`show cache` prints one per entry, as HAProxy prints pointers). */
  nextEntryAddress(): number {
    return this.address + 0xc8 + this.addresses++ * 0x400;
  }
}

/**
 * Collects a response body while it streams to the client; the entry is
 * stored only once the whole body has arrived. Over max-object-size it gives
 * up and holds nothing.
 */
export class CacheWriter {
  private readonly cache: HttpCache;
  private readonly init: Omit<EntryInit, 'body'>;
  private readonly chunks: Buffer[] = [];
  private bytes: number;
  private reserved: number;
  private done = false;

  constructor(cache: HttpCache, init: Omit<EntryInit, 'body'>, headSize: number) {
    this.cache = cache;
    this.init = init;
    this.bytes = headSize;
    this.reserved = blocksFor(headSize);
    cache.hotBlocks += this.reserved;
  }

  /** Copies buf[start, end); false once the object is too large (the writer is then abandoned). */
  append(buf: Buffer, start: number, end: number): boolean {
    if (this.done) return false;
    this.bytes += end - start;
    if (this.bytes > this.cache.settings.maxObjectSize) {
      this.abort();
      return false;
    }
    this.chunks.push(Buffer.from(buf.subarray(start, end)));
    const blocks = blocksFor(this.bytes);
    this.cache.hotBlocks += blocks - this.reserved;
    this.reserved = blocks;
    return true;
  }

  /** The whole body arrived: store the entry. False when it was not kept. */
  finish(): boolean {
    if (this.done) return false;
    this.release();
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const headers = withLength(this.init.headers, body.length);
    const init = { ...this.init, headers, body };
    if (!this.cache.insert(new CacheEntry(init, this.cache.nextEntryAddress()))) return false;
    this.cache.changes?.stored(init);
    return true;
  }

  abort(): void {
    if (this.done) return;
    this.release();
    this.chunks.length = 0;
  }

  private release(): void {
    this.done = true;
    this.cache.hotBlocks -= this.reserved;
    this.reserved = 0;
  }
}

/** A store of `b` replaces `a` (without Vary, any entry of the key is the same variant). */
function sameVariant(a: Pick<EntryInit, 'signature' | 'secondary'>, b: Pick<EntryInit, 'signature' | 'secondary'>): boolean {
  return (
    a.signature === 0 ||
    b.signature === 0 ||
    (a.secondary!.encodings === b.secondary!.encodings && a.secondary!.referer === b.secondary!.referer)
  );
}

/** The fields kept with an entry: Age is recomputed when served, the body is stored decoded. */
function storableFields(headers: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const l = headers[i]!.toLowerCase();
    if (l === 'age' || l === 'transfer-encoding') continue;
    out.push(headers[i]!, headers[i + 1]!);
  }
  return out;
}

/** `headers` with a Content-Length of `length` (the one the server sent, or one for a body that came chunked). */
function withLength(headers: readonly string[], length: number): string[] {
  const out: string[] = [];
  let found = false;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'content-length') {
      if (found) continue;
      found = true;
      out.push(headers[i]!, String(length));
    } else {
      out.push(headers[i]!, headers[i + 1]!);
    }
  }
  if (!found) out.push('content-length', String(length));
  return out;
}
