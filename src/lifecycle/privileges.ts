// `user` / `group` (or `uid` / `gid`) in global: once every listener is
// bound and the raw VRRP socket is open, the process gives up root for that
// identity, as HAProxy does. The identity is resolved before anything is
// bound, so a missing user stops the start-up early and cleanly.
//
// One deliberate difference: with `user` alone HAProxy keeps gid 0; Hawser
// takes the user's primary group, so that dropping to `nobody` does not
// leave the process in the root group.

import { readFileSync } from 'node:fs';
import { findGroup, findUser, groupsOf } from './accounts.ts';

export interface PrivilegeSettings {
  user?: string;
  group?: string;
  uid?: number;
  gid?: number;
}

export interface Identity {
  uid: number;
  gid: number;
  /** Supplementary groups (the user's, as initgroups sets them). */
  groups: number[];
  /** For messages: `nobody:nogroup` or the numbers. */
  label: string;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The identity to switch to, null when global names none; a message when a
 * name is unknown. Pure apart from reading /etc/passwd and /etc/group.
 */
export function resolveIdentity(s: PrivilegeSettings, files = { passwd: '/etc/passwd', group: '/etc/group' }): Identity | null | string {
  if (s.user === undefined && s.group === undefined && s.uid === undefined && s.gid === undefined) return null;
  const passwd = readOr(files.passwd);
  const groups = readOr(files.group);
  let uid = s.uid;
  let gid = s.gid;
  let userName: string | undefined;
  if (s.user !== undefined) {
    const u = findUser(passwd, s.user);
    if (u === undefined) return `HAWSER_PRIV_UNKNOWN_USER cannot find user id for '${s.user}' in ${files.passwd}`;
    uid ??= u.uid;
    gid ??= u.gid;
    userName = u.name;
  }
  if (s.group !== undefined) {
    const g = findGroup(groups, s.group);
    if (g === undefined) return `HAWSER_PRIV_UNKNOWN_GROUP cannot find group id for '${s.group}' in ${files.group}`;
    gid = s.gid ?? g.gid;
  }
  const current = process.getuid?.() ?? 0;
  uid ??= current;
  gid ??= process.getgid?.() ?? 0;
  return {
    uid,
    gid,
    groups: userName !== undefined ? groupsOf(groups, userName, gid) : [gid],
    label: `${s.user ?? uid}:${s.group ?? gid}`,
  };
}

/** Switches to `id` (groups first, the uid last); returns a message on failure. */
export function dropPrivileges(id: Identity): string | null {
  try {
    if (process.getuid?.() === 0) process.setgroups?.(id.groups);
    if (process.getgid?.() !== id.gid) process.setgid?.(id.gid);
  } catch (err) {
    return `HAWSER_PRIV_SETGID cannot set gid ${id.gid}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  try {
    if (process.getuid?.() !== id.uid) process.setuid?.(id.uid);
  } catch (err) {
    return `HAWSER_PRIV_SETUID cannot set uid ${id.uid}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  return null;
}
