// The hash two peers compare to notice that their shared configuration has
// drifted apart (one node reloaded with an edited file, another not): the
// peers section's members and every replicated table's definition. It does
// not refuse a session, because a rolling change passes through such states;
// it is logged and shown in `show peers` until the nodes agree again.
// Per-node settings (which peer is local, secrets, TLS files) are left out.

import { createHash } from 'node:crypto';
import { storeText, type TableDef } from '../../src/stick/index.ts';

export interface HashedMember {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** The canonical text hashed (kept readable for tests and debugging). */
export function configText(section: string, members: readonly HashedMember[], tables: readonly TableDef[]): string {
  const lines = [`peers ${section}`];
  for (const m of [...members].sort((a, b) => cmp(a.name, b.name))) lines.push(`peer ${m.name} ${m.host}:${m.port}`);
  for (const t of [...tables].sort((a, b) => cmp(a.name, b.name))) {
    lines.push(`table ${t.name} type ${t.type} len ${t.len} size ${t.size} expire ${t.expire}${t.nopurge ? ' nopurge' : ''} store ${storeText(t.layout)}`);
  }
  return lines.join('\n');
}

/** SHA-256 of configText(). */
export function configHash(section: string, members: readonly HashedMember[], tables: readonly TableDef[]): Buffer {
  return createHash('sha256').update(configText(section, members, tables)).digest();
}

/** A hash's first bytes in hex, for logs and `show peers`. */
export function shortHash(h: Uint8Array): string {
  return Buffer.from(h).subarray(0, 6).toString('hex');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
