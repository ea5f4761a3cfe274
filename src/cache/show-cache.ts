// `show cache` on the runtime API, in HAProxy 2.6's shape: one line per
// cache with its free blocks, then one line per live entry (ordered by key
// hash, as HAProxy walks its tree) with its Vary key, size, blocks and the
// seconds left before it expires. Addresses are made up: there are no
// pointers to print, but scripts that parse the lines find the same fields.

import type { HttpCache } from './store.ts';
import { secondaryKeyHex } from './vary.ts';

function hex(n: number): string {
  return '0x' + n.toString(16);
}

export function showCache(caches: Iterable<HttpCache>): string {
  let out = '';
  for (const c of caches) {
    out += `${hex(c.address)}: ${c.name} (shctx:${hex(c.address - 0x3a)}, available blocks:${c.availableBlocks})\n`;
    const now = c.nowSec();
    const entries = c.liveEntries().sort((a, b) => a.hash - b.hash);
    for (const e of entries) {
      out +=
        `${hex(e.address)} hash:${e.hash} vary:0x${secondaryKeyHex(e.secondary)}` +
        ` size:${e.size} (${e.blocks} blocks), refcount:0, expire:${e.expire - now}\n`;
    }
  }
  return out;
}
