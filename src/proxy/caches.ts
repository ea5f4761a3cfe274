// The process's `cache` sections at run time: built from the configuration
// (a reload keeps the content of a cache whose settings did not change, as
// its entries are still right), and `show cache` on the runtime API.

import { HttpCache, showCache, type CacheSettings } from '../cache/index.ts';
import type { Config } from '../config/index.ts';
import type { Command } from '../runtime/index.ts';

function sameSettings(a: CacheSettings, b: CacheSettings): boolean {
  return (
    a.totalMaxSize === b.totalMaxSize &&
    a.maxObjectSize === b.maxObjectSize &&
    a.maxAge === b.maxAge &&
    a.processVary === b.processVary &&
    a.maxSecondaryEntries === b.maxSecondaryEntries
  );
}

export function buildCaches(config: Config, previous: ReadonlyMap<string, HttpCache>): Map<string, HttpCache> {
  const out = new Map<string, HttpCache>();
  for (const c of config.caches.values()) {
    const old = previous.get(c.name);
    out.set(c.name, old !== undefined && sameSettings(old.settings, c) ? old : new HttpCache(c, Date.now));
  }
  return out;
}

export function cacheCommands(caches: () => Iterable<HttpCache>): Command[] {
  return [
    {
      words: ['show', 'cache'],
      usage: 'show cache',
      help: 'show cache status',
      level: 'admin',
      run: () => showCache(caches()),
    },
  ];
}
