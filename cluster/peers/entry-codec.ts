// Stick-table entries as they travel: an EntryImage (src/stick) to the
// protobuf Entry of a batch and back. Keys are compact: IPv4 and integer
// keys as one zigzag varint, IPv6 and binary keys as their raw bytes (the
// table holds them as hex), strings as text. Node and server names go once
// per batch into its `names` list and entries refer to them by number.

import type { EntryImage, KeyType, StickKey } from '../../src/stick/index.ts';
import type { EntryMsg, ShareMsg, UpdatesMsg } from './schema.ts';

/** Bytes a batch aims at: big enough to amortise a frame, small enough to interleave tables and heartbeats. */
export const BATCH_BYTES = 32 * 1024;

/** Collects entries of one table into an Updates message. */
export class BatchBuilder {
  readonly #type: KeyType;
  #names = new Map<string, number>();
  #msg: UpdatesMsg;
  /** Rough encoded size so far (bytes). */
  size = 0;

  constructor(type: KeyType, table: number, full: boolean) {
    this.#type = type;
    this.#msg = { table, names: [], entries: [], updateId: 0, full };
  }

  get count(): number {
    return this.#msg.entries.length;
  }

  add(img: EntryImage): void {
    const e: EntryMsg = { ver: img.ver, vnode: this.#name(img.vnode), srv: img.srv === undefined ? 0 : this.#name(img.srv), tags: img.tags, shares: [] };
    let size = 24 + img.tags.length * 8;
    switch (this.#type) {
      case 'ip':
      case 'integer':
        e.ikey = img.key as number;
        break;
      case 'ipv6':
      case 'binary':
        e.bkey = Buffer.from(img.key as string, 'hex');
        size += e.bkey.length;
        break;
      case 'string':
        e.skey = img.key as string;
        size += e.skey.length * 2;
        break;
    }
    for (const s of img.shares) {
      e.shares.push({ node: this.#name(s.node), ver: s.ver, d: s.d });
      size += 16 + s.d.length * 8;
    }
    this.#msg.entries.push(e);
    this.size += size;
  }

  /** The message, with the sender's update id reached; the builder is spent. */
  finish(updateId: number): UpdatesMsg {
    this.#msg.updateId = updateId;
    return this.#msg;
  }

  #name(n: string): number {
    if (n === '') return 0;
    let i = this.#names.get(n);
    if (i === undefined) {
      this.#msg.names.push(n);
      i = this.#msg.names.length;
      this.#names.set(n, i);
      this.size += n.length + 2;
    }
    return i;
  }
}

/**
 * The image of a received entry for a table of `type` / `len`, or a reason
 * why it cannot be one (a key of the wrong shape, a name out of range, a
 * share of the wrong width): such an entry is skipped, never half-applied.
 */
export function imageFromMessage(type: KeyType, len: number, slots: number, names: readonly string[], e: EntryMsg): EntryImage | string {
  let key: StickKey;
  switch (type) {
    case 'ip':
    case 'integer':
      key = (e.ikey ?? 0) | 0;
      break;
    case 'ipv6':
    case 'binary': {
      const b = e.bkey;
      const want = type === 'ipv6' ? 16 : len;
      if (b === undefined || b.length !== want) return `${type} key of ${b?.length ?? 0} bytes, expected ${want}`;
      key = Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
      break;
    }
    case 'string': {
      const s = e.skey ?? '';
      if (s.length > len) return `string key of ${s.length} characters, over the table's len ${len}`;
      key = s;
      break;
    }
  }
  if (!finite(e.tags) || !validVersion(e.ver)) return 'tag or version that is not a finite number';
  const vnode = nameAt(names, e.vnode);
  const srv = nameAt(names, e.srv);
  if (vnode === undefined || srv === undefined) return 'name index out of range';
  const shares: Array<{ node: string; ver: number; d: number[] }> = [];
  for (const s of e.shares as ShareMsg[]) {
    const node = nameAt(names, s.node);
    if (node === undefined || node === '') return 'share without a node';
    if (s.d.length !== slots) return `share of ${s.d.length} slots, expected ${slots}`;
    if (!finite(s.d) || !validVersion(s.ver)) return 'share with a number that is not finite';
    shares.push({ node, ver: s.ver, d: s.d });
  }
  return { key, ver: e.ver, vnode, srv: srv === '' ? undefined : srv, tags: e.tags, shares };
}

function finite(d: readonly number[]): boolean {
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
}

function validVersion(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

function nameAt(names: readonly string[], i: number): string | undefined {
  if (i === 0) return '';
  return i <= names.length ? names[i - 1] : undefined;
}
