// Users and groups by name, read from /etc/passwd and /etc/group text (the
// files `user` and `group` in global refer to). Pure: the caller reads the
// files. NSS sources other than these files (LDAP...) are not consulted.

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

export interface Group {
  name: string;
  gid: number;
  members: string[];
}

/** The entry of `name` in /etc/passwd text. */
export function findUser(passwd: string, name: string): Account | undefined {
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && f[0] === name && /^\d+$/.test(f[2]) && /^\d+$/.test(f[3])) {
      return { name, uid: Number(f[2]), gid: Number(f[3]) };
    }
  }
  return undefined;
}

/** The entry of `name` in /etc/group text. */
export function findGroup(group: string, name: string): Group | undefined {
  for (const line of group.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && f[0] === name && /^\d+$/.test(f[2])) {
      return { name, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter((m) => m !== '') };
    }
  }
  return undefined;
}

/** The supplementary groups of `user` (HAProxy's initgroups): every group listing it, and its primary group. */
export function groupsOf(group: string, user: string, primary: number): number[] {
  const out = new Set<number>([primary]);
  for (const line of group.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && /^\d+$/.test(f[2]) && f[3].split(',').includes(user)) out.add(Number(f[2]));
  }
  return [...out];
}
