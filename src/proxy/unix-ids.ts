// User and group names of `bind /path user NAME group NAME`, looked up in
// /etc/passwd and /etc/group as the C library's files backend would (names
// served only by other NSS sources, e.g. LDAP, need `uid`/`gid`).

import { readFileSync } from 'node:fs';

function lookup(file: string, name: string, what: string): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read ${file} to find ${what} '${name}'`);
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined && /^\d+$/.test(f[2])) return Number(f[2]);
  }
  throw new Error(`unknown ${what} '${name}'`);
}

export function userId(name: string): number {
  return lookup('/etc/passwd', name, 'user');
}

export function groupId(name: string): number {
  return lookup('/etc/group', name, 'group');
}
