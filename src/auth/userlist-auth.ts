// Checks a user name and password against a `userlist` section, as HAProxy's
// http_auth / http_auth_group and `http-request auth` do with crypt(3):
// `insecure-password` compares the text, `password` hashes with the hash's
// own scheme ($1$ MD5-crypt, $5$ / $6$ SHA-crypt). A SHA-512 crypt costs
// thousands of digests, so verified answers are remembered, keyed by a
// digest of the pair (never the clear password), in a bounded memo.

import { createHash } from 'node:crypto';
import { md5Crypt, shaCrypt } from './sha-crypt.ts';

/** What the configuration says of one user (model.ts's UserlistUser fits). */
export interface AuthUser {
  name: string;
  password: string;
  insecure: boolean;
  groups: readonly string[];
}

const MEMO_MAX = 1024;

/** Whether `hash` is a crypt(3) format Hawser verifies. */
export function cryptSupported(hash: string): boolean {
  return /^\$(1|5|6)\$/.test(hash);
}

function cryptMatches(pass: string, hash: string): boolean {
  const key = Buffer.from(pass, 'latin1');
  const got = hash.startsWith('$1$') ? md5Crypt(key, hash) : shaCrypt(key, hash);
  return got !== null && got === hash;
}

export class UserlistAuth {
  readonly name: string;
  readonly #users = new Map<string, AuthUser>();
  readonly #memo = new Map<string, boolean>();

  constructor(name: string, users: Iterable<AuthUser>) {
    this.name = name;
    for (const u of users) this.#users.set(u.name, u);
  }

  /** True when `user` exists and `pass` is its password. */
  check(user: string, pass: string): boolean {
    const u = this.#users.get(user);
    if (u === undefined || u.password === '') return false;
    if (u.insecure) return u.password === pass;
    const key = createHash('sha256').update(user).update('\0').update(pass).digest('base64');
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const ok = cryptSupported(u.password) && cryptMatches(pass, u.password);
    if (this.#memo.size >= MEMO_MAX) this.#memo.clear();
    this.#memo.set(key, ok);
    return ok;
  }

  /** The groups of `user` (empty for an unknown user). */
  groupsOf(user: string): readonly string[] {
    return this.#users.get(user)?.groups ?? [];
  }
}
