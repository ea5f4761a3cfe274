// `show table` as HAProxy 2.6 prints it: a header line per table, and one
// line per entry with its key, use count, expiry and stored data.

import type { StickEntry } from './entry.ts';
import { keyText } from './key.ts';
import type { StickTable } from './table.ts';

/** `# table: NAME, type: TYPE, size:N, used:N` */
export function tableHeader(t: StickTable): string {
  return `# table: ${t.def.name}, type: ${t.def.type}, size:${t.def.size}, used:${t.used}`;
}

/**
 * One entry's line. `serverId` turns a stored server name into the numeric
 * id HAProxy prints for server_id (the name itself is server_key).
 * With `cluster`, counters and rates are the cluster's sums.
 */
export function entryLine(t: StickTable, e: StickEntry, serverId: (name: string) => number, cluster = false): string {
  let line = `0x${addressOf(e)}: key=${keyText(t.def.type, e.key)} use=${e.use} exp=${t.expiresIn(e)}`;
  for (const sd of t.def.layout.stored) {
    if (sd.kind === 'server') {
      line += sd.name === 'server_id' ? ` server_id=${e.srv === undefined ? 0 : serverId(e.srv)}` : ` server_key=${e.srv ?? ''}`;
      continue;
    }
    const label = (i: number): string => {
      const base = sd.count > 1 || sd.name === 'gpc' || sd.name === 'gpt' || sd.name === 'gpc_rate' ? `${sd.name}(${i})` : sd.name;
      return sd.kind === 'rate' ? `${base}(${sd.period})` : base;
    };
    for (let i = 0; i < sd.count; i++) {
      const v = cluster ? t.clusterValue(e, sd, i) : t.value(e, sd, i);
      line += ` ${label(i)}=${v}`;
    }
  }
  return line;
}

// HAProxy prints the entry's address; a stable per-entry number serves the
// same purpose (telling lines apart between two dumps).
const ids = new WeakMap<StickEntry, number>();
let nextId = 0x1000;
function addressOf(e: StickEntry): string {
  let id = ids.get(e);
  if (id === undefined) {
    id = nextId += 0x40;
    ids.set(e, id);
  }
  return id.toString(16).padStart(12, '0');
}
