// `userlist NAME` sections: `user NAME [password HASH | insecure-password
// PASS] [groups G1,G2]` and `group NAME [users U1,U2]`, checked as HAProxy
// checks them (unique names, groups that exist, one password form).
// Whether a hash is a crypt(3) format Hawser can verify is checked where the
// passwords are used (src/auth).

import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import type { Userlist } from './model.ts';
import { suggestion } from './suggest.ts';

export interface UserlistDraft {
  section: Userlist;
  keep: boolean;
}

function list(w: string | undefined): string[] {
  return (w ?? '').split(',').filter((x) => x !== '');
}

export function parseUserlistLine(d: Directive, u: UserlistDraft): void {
  const s = u.section;
  const kw = d.keyword;
  if (kw === 'group') {
    if (!d.need(1, 'group', '<name>')) return;
    const name = d.arg(1)!;
    if (s.groups.has(name)) return d.error(CfgCode.DUPLICATE, `group '${name}' already exists in userlist '${s.name}'`);
    let users: string[] = [];
    for (let i = 2; i < d.length; i++) {
      if (d.arg(i) === 'users' && d.arg(i + 1) !== undefined) {
        users = users.concat(list(d.arg(++i)));
      } else {
        return d.error(CfgCode.BAD_ARGUMENT, `'group' only supports 'users' option (got '${d.arg(i)}')`);
      }
    }
    s.groups.set(name, { pos: d.pos, name, users });
    return;
  }
  if (kw === 'user') {
    if (!d.need(1, 'user', '<name>')) return;
    const name = d.arg(1)!;
    if (s.users.has(name)) return d.error(CfgCode.DUPLICATE, `user '${name}' already exists in userlist '${s.name}'`);
    let password: string | undefined;
    let insecure = false;
    let groups: string[] = [];
    for (let i = 2; i < d.length; i++) {
      const w = d.arg(i)!;
      const v = d.arg(i + 1);
      if ((w === 'password' || w === 'insecure-password') && v !== undefined) {
        password = v;
        insecure = w === 'insecure-password';
        i++;
      } else if (w === 'groups' && v !== undefined) {
        groups = groups.concat(list(v));
        i++;
      } else {
        return d.error(CfgCode.BAD_ARGUMENT, `'user' only supports 'password', 'insecure-password' and 'groups' options (got '${w}')`);
      }
    }
    if (password === undefined) {
      d.warn(CfgCode.INCOMPLETE, `user '${name}' in userlist '${s.name}' has no password: it can never authenticate`);
    } else if (!insecure && !/^\$(1|5|6)\$/.test(password)) {
      // crypt(3) may know more schemes (DES, bcrypt, yescrypt) than src/auth computes.
      d.warn(CfgCode.INCOMPLETE, `the password of user '${name}' in userlist '${s.name}' is not a $1$, $5$ or $6$ crypt hash: Hawser cannot verify it and this user can never authenticate`);
    }
    s.users.set(name, { pos: d.pos, name, password: password ?? '', insecure, groups });
    return;
  }
  d.error(CfgCode.UNKNOWN_KEYWORD, `unknown keyword '${kw}' in userlist '${s.name}'${suggestion(kw, ['user', 'group'])}`);
}

/** Cross-checks: a user's groups and a group's users must exist. */
export function finishUserlist(u: UserlistDraft, diags: DiagnosticList): void {
  const s = u.section;
  for (const user of s.users.values()) {
    for (const g of user.groups) {
      if (!s.groups.has(g)) diags.error(CfgCode.BAD_VALUE, user.pos, `cannot find group '${g}' for user '${user.name}' in userlist '${s.name}'${suggestion(g, s.groups.keys())}`);
    }
  }
  for (const group of s.groups.values()) {
    for (const n of group.users) {
      const user = s.users.get(n);
      if (user === undefined) {
        diags.error(CfgCode.BAD_VALUE, group.pos, `cannot find user '${n}' for group '${group.name}' in userlist '${s.name}'${suggestion(n, s.users.keys())}`);
      } else if (!user.groups.includes(group.name)) {
        user.groups.push(group.name);
      }
    }
  }
}
