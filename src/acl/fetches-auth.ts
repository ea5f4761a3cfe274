// HTTP authentication fetches: http_auth(L) (the Basic credentials match a
// user of userlist L), http_auth_group(L) (in an ACL its patterns are group
// names: each group of the authenticated user is offered in turn, which
// gives HAProxy's "belongs to one of the groups" meaning), and the raw
// http_auth_type / http_auth_user / http_auth_pass.

import { authorizationOf, parseBasicCredentials, type Credentials } from '../auth/index.ts';
import { type Arg, type ArgSpec, NO_ARGS } from './args.ts';
import { AclCode, AclError } from './errors.ts';
import { type CompileContext, type FetchDef, type UserlistRef, USE_REQ } from './keyword.ts';
import { type SampleContext, SMP_BOOL, SMP_STR } from './sample.ts';

const USERLIST: ArgSpec = { types: ['str'], min: 1 };

function checkUserlist(kw: string): (a: Arg[], cc: CompileContext) => string | AclError | undefined {
  return (a, cc) => {
    const find = cc.options.userlist;
    if (find === undefined) return undefined;
    const ul = find(a[0]!.str);
    if (ul === undefined) {
      return new AclError(AclCode.UNKNOWN_REFERENCE, `unable to find userlist '${a[0]!.str}' referenced in arg 1 of ACL keyword '${kw}'${cc.options.proxy ? ` in proxy '${cc.options.proxy}'` : ''}`, {
        file: cc.file,
        line: cc.line,
      });
    }
    a[0]!.obj = ul;
    return undefined;
  };
}

function credentials(ctx: SampleContext): Credentials | null {
  const h = ctx.requestHeaders();
  if (h === undefined) return null;
  const v = authorizationOf(h);
  return v === undefined ? null : parseBasicCredentials(v);
}

/** The authenticated user of userlist `a[0]`, or null. */
function authenticated(ctx: SampleContext, a: readonly Arg[]): string | null {
  const ul = a[0]!.obj as UserlistRef | null;
  const c = credentials(ctx);
  if (ul === null || c === null) return null;
  return ul.check(c.user, c.pass) ? c.user : null;
}

/** The user name or the password of the Basic credentials, checked against nothing. */
function credentialFetch(name: string, part: keyof Credentials): FetchDef {
  return {
    name,
    args: NO_ARGS,
    out: SMP_STR,
    use: USE_REQ,
    fetch: (ctx, _a, smp) => {
      const c = credentials(ctx);
      if (c === null) return false;
      smp.setStr(c[part]);
      return true;
    },
  };
}

export const AUTH_FETCHES: readonly FetchDef[] = [
  {
    name: 'http_auth',
    args: USERLIST,
    out: SMP_BOOL,
    use: USE_REQ,
    validate: checkUserlist('http_auth'),
    fetch: (ctx, a, smp) => {
      smp.setBool(authenticated(ctx, a) !== null);
      return true;
    },
  },
  {
    name: 'http_auth_group',
    args: USERLIST,
    out: SMP_STR,
    use: USE_REQ,
    validate: checkUserlist('http_auth_group'),
    fetch: (ctx, a, smp, iterate) => {
      const user = authenticated(ctx, a);
      if (user === null) return false;
      if (!iterate) {
        smp.setStr(user);
        return true;
      }
      const groups = (a[0]!.obj as UserlistRef).groupsOf(user);
      const i = smp.notLast ? smp.i0 : 0;
      if (i >= groups.length) return false;
      smp.setStr(groups[i]!);
      smp.i0 = i + 1;
      smp.notLast = i + 1 < groups.length;
      return true;
    },
  },
  {
    name: 'http_auth_type',
    args: NO_ARGS,
    out: SMP_STR,
    use: USE_REQ,
    fetch: (ctx, _a, smp) => {
      const h = ctx.requestHeaders();
      const v = h === undefined ? undefined : authorizationOf(h);
      if (v === undefined) return false;
      const sp = v.search(/[ \t]/);
      smp.setStr(sp < 0 ? v : v.slice(0, sp));
      return true;
    },
  },
  credentialFetch('http_auth_user', 'user'),
  credentialFetch('http_auth_pass', 'pass'),
];
