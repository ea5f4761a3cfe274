// One stored response: the head as it was when `cache-store` ran, the body
// (decoded from any chunked framing), when it expires, and what conditional
// requests and the Age field are computed from. Sizes are counted the way
// HAProxy's shared cache counts them, in 1 kB blocks.

import { createHash } from 'node:crypto';
import { MAX_AGE_CAP } from './response.ts';
import type { SecondaryKey } from './vary.ts';

export const BLOCK_SIZE = 1024;
/** What HAProxy's entry header (struct cache_entry plus its row) takes in the first block. */
const ENTRY_OVERHEAD = 128;

/** Bytes a stored head takes (status line and fields, each with a 4-byte block header, as HTX stores them). */
export function storedHeadSize(reason: string, headers: readonly string[]): number {
  let n = 16 + 8 + 3 + reason.length + 4; // start line block, end-of-headers block
  for (let i = 0; i < headers.length; i += 2) n += 4 + headers[i]!.length + headers[i + 1]!.length;
  return n;
}

export function blocksFor(size: number): number {
  return Math.ceil(size / BLOCK_SIZE);
}

/** `hash:` of `show cache`: the first word of the key's SHA-1, as HAProxy indexes its tree. */
export function keyHash(key: string): number {
  return createHash('sha1').update(key, 'latin1').digest().readUInt32LE(0);
}

export class CacheEntry {
  readonly key: string;
  readonly hash: number;
  /** Which request fields select this variant (0: no Vary). */
  readonly signature: number;
  readonly secondary: SecondaryKey | null;
  readonly status: number;
  readonly reason: string;
  /** Fields as stored: no Age, no Transfer-Encoding, a Content-Length for the stored body. */
  readonly headers: readonly string[];
  readonly body: Buffer;
  /** Seconds since the epoch. */
  readonly storedAt: number;
  readonly expire: number;
  /** The Age the origin gave it. */
  readonly originAge: number;
  readonly lastModified: number;
  readonly etag: string | null;
  readonly size: number;
  readonly blocks: number;
  /** A stable made-up address for `show cache` (HAProxy prints pointers). */
  readonly address: number;

  constructor(
    init: {
      key: string;
      signature: number;
      secondary: SecondaryKey | null;
      status: number;
      reason: string;
      headers: readonly string[];
      body: Buffer;
      storedAt: number;
      expire: number;
      originAge: number;
      lastModified: number;
      etag: string | null;
    },
    address: number,
  ) {
    this.key = init.key;
    this.hash = keyHash(init.key);
    this.signature = init.signature;
    this.secondary = init.secondary;
    this.status = init.status;
    this.reason = init.reason;
    this.headers = init.headers;
    this.body = init.body;
    this.storedAt = init.storedAt;
    this.expire = init.expire;
    this.originAge = init.originAge;
    this.lastModified = init.lastModified;
    this.etag = init.etag;
    this.size = ENTRY_OVERHEAD + storedHeadSize(init.reason, init.headers) + init.body.length;
    this.blocks = blocksFor(this.size);
    this.address = address;
  }

  /** The Age field to send at `nowSec`: time in the cache plus the age it came with. */
  age(nowSec: number): number {
    return Math.min(Math.max(0, nowSec - this.storedAt) + this.originAge, MAX_AGE_CAP);
  }

  expired(nowSec: number): boolean {
    return this.expire <= nowSec;
  }
}
