// Fetches about the process and the proxies rather than the traffic:
// constants (always_true, str(), int()...), the environment, variables, and
// the state of backends and servers (nbsrv, be_conn, srv_is_up).

import { isMainThread, workerData } from 'node:worker_threads';
import { type Arg, NO_ARGS } from './args.ts';
import { isKnownMethod } from './cast.ts';
import { AclCode, AclError } from './errors.ts';
import { type CompileContext, type FetchDef, USE_ANY, USE_REQ } from './keyword.ts';
import { parseHex } from './patterns.ts';
import { SMP_ANY, SMP_BIN, SMP_BOOL, SMP_INT, SMP_IPV4, SMP_IPV6, SMP_METH, SMP_STR } from './sample.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/;

const VAR_NAME = /^(proc|sess|txn|req|res|check)\.[A-Za-z0-9._]+$/;

/** HAProxy's variable names: a scope, a dot, then letters, digits, '.' and '_'. */
export function checkVarName(name: string): string | undefined {
  if (VAR_NAME.test(name)) return undefined;
  return `invalid variable name '${name}'. A variable name must start with its scope: 'proc', 'sess', 'txn', 'req', 'res' or 'check'`;
}

/** HAProxy reports unresolved references on their own, after parsing: no wrapping. */
function unknownReference(message: string, cc: CompileContext): AclError {
  return new AclError(AclCode.UNKNOWN_REFERENCE, message, { file: cc.file, line: cc.line });
}

/** Checks a backend argument (empty: the current proxy). */
function checkBackend(a: Arg, cc: CompileContext, kw: string): AclError | undefined {
  if (a.str === '' || cc.options.hasBackend === undefined) return undefined;
  if (!cc.options.hasBackend(a.str)) {
    return unknownReference(`unable to find backend '${a.str}' referenced in arg 1 of ACL keyword '${kw}'${cc.options.proxy ? ` in proxy '${cc.options.proxy}'` : ''}`, cc);
  }
  return undefined;
}

/** Splits "backend/server" (or "server": current proxy) into arg.obj = [backend | undefined, server]. */
function checkServer(a: Arg, cc: CompileContext, kw: string): string | AclError | undefined {
  const slash = a.str.lastIndexOf('/');
  const be = slash < 0 ? undefined : a.str.slice(0, slash);
  const srv = slash < 0 ? a.str : a.str.slice(slash + 1);
  if (srv === '') return `missing server name in arg 1 of ACL keyword '${kw}'`;
  a.obj = [be, srv];
  const o = cc.options;
  if (be !== undefined && o.hasBackend !== undefined && !o.hasBackend(be)) {
    return unknownReference(`unable to find proxy '${be}' referenced in arg 1 of ACL keyword '${kw}'${o.proxy ? ` in proxy '${o.proxy}'` : ''}`, cc);
  }
  const owner = be ?? o.proxy;
  if (owner !== undefined && o.hasServer !== undefined && !o.hasServer(owner, srv)) {
    return unknownReference(`unable to find server '${srv}' in proxy '${owner}', referenced in arg 1 of ACL keyword '${kw}'${o.proxy ? ` in proxy '${o.proxy}'` : ''}`, cc);
  }
  return undefined;
}

/**
 * `thread`: which of the `nbthread` workers runs this (0 for the main one).
 * Each worker is a worker thread with its own module instances; src/threads
 * passes its index as `workerData.hawserThread`.
 */
const THREAD_INDEX: number = isMainThread ? 0 : Number((workerData as { hawserThread?: number } | null)?.hawserThread ?? 0);

export const INTERNAL_FETCHES: readonly FetchDef[] = [
  {
    name: 'thread',
    args: NO_ARGS,
    out: SMP_INT,
    use: USE_ANY,
    fetch: (_c, _a, smp) => {
      smp.setInt(THREAD_INDEX);
      return true;
    },
  },
  {
    name: 'always_true',
    args: NO_ARGS,
    out: SMP_BOOL,
    use: USE_ANY,
    fetch: (_c, _a, smp) => {
      smp.setBool(true);
      return true;
    },
  },
  {
    name: 'always_false',
    args: NO_ARGS,
    out: SMP_BOOL,
    use: USE_ANY,
    fetch: (_c, _a, smp) => {
      smp.setBool(false);
      return true;
    },
  },
  {
    name: 'env',
    args: { types: ['str'], min: 1 },
    out: SMP_STR,
    use: USE_ANY,
    fetch: (ctx, a, smp) => {
      const v = ctx.env(a[0]!.str);
      if (v === undefined) return false;
      smp.setStr(v);
      return true;
    },
  },
  {
    name: 'str',
    args: { types: ['str'], min: 1 },
    out: SMP_STR,
    use: USE_ANY,
    fetch: (_c, a, smp) => {
      smp.setStr(a[0]!.str);
      return true;
    },
  },
  {
    name: 'int',
    args: { types: ['sint'], min: 1 },
    out: SMP_INT,
    use: USE_ANY,
    fetch: (_c, a, smp) => {
      smp.setInt(a[0]!.int);
      return true;
    },
  },
  {
    name: 'bool',
    args: { types: ['str'], min: 1 },
    out: SMP_BOOL,
    use: USE_ANY,
    validate: (a) => {
      const v = a[0]!.str.toLowerCase();
      if (v === 'true' || v === '1') a[0]!.int = 1;
      else if (v === 'false' || v === '0') a[0]!.int = 0;
      else return "Expects 'true', 'false', '0' or '1'";
      return undefined;
    },
    fetch: (_c, a, smp) => {
      smp.setBool(a[0]!.int !== 0);
      return true;
    },
  },
  {
    name: 'ipv4',
    args: { types: ['ipv4'], min: 1 },
    out: SMP_IPV4,
    use: USE_ANY,
    fetch: (_c, a, smp) => {
      smp.setIPv4(a[0]!.int);
      return true;
    },
  },
  {
    name: 'ipv6',
    args: { types: ['ipv6'], min: 1 },
    out: SMP_IPV6,
    use: USE_ANY,
    fetch: (_c, a, smp) => {
      const v = a[0]!.v6!;
      smp.setIPv6(v[0]!, v[1]!, v[2]!, v[3]!);
      return true;
    },
  },
  {
    name: 'bin',
    args: { types: ['str'], min: 1 },
    out: SMP_BIN,
    use: USE_ANY,
    validate: (a) => {
      const b = parseHex(a[0]!.str);
      if (typeof b === 'string') return b;
      a[0]!.obj = b;
      return undefined;
    },
    fetch: (_c, a, smp) => {
      smp.setBin(a[0]!.obj as Buffer);
      return true;
    },
  },
  {
    name: 'meth',
    args: { types: ['str'], min: 1 },
    out: SMP_METH,
    use: USE_ANY,
    validate: (a) => (isKnownMethod(a[0]!.str) || TOKEN.test(a[0]!.str) ? undefined : 'expects valid method.'),
    fetch: (_c, a, smp) => {
      smp.type = SMP_METH;
      smp.str = a[0]!.str;
      return true;
    },
  },
  {
    name: 'var',
    args: { types: ['var', 'str'], min: 1 },
    out: SMP_ANY, // the variable's own type
    use: USE_ANY,
    validate: (a) => checkVarName(a[0]!.str),
    fetch: (ctx, a, smp) => {
      if (ctx.getVar(a[0]!.str, smp)) return true;
      if (a.length < 2) return false;
      smp.setStr(a[1]!.str);
      return true;
    },
  },
  {
    name: 'nbsrv',
    args: { types: ['be'], min: 1 },
    out: SMP_INT,
    use: USE_ANY,
    validate: (a, cc) => checkBackend(a[0]!, cc, 'nbsrv'),
    fetch: (ctx, a, smp) => {
      const be = a[0]!.str;
      smp.setInt(ctx.nbsrv(be === '' ? undefined : be));
      return true;
    },
  },
  {
    name: 'be_conn',
    args: { types: ['be'], min: 1 },
    out: SMP_INT,
    use: USE_ANY,
    validate: (a, cc) => checkBackend(a[0]!, cc, 'be_conn'),
    fetch: (ctx, a, smp) => {
      const be = a[0]!.str;
      smp.setInt(ctx.beConn(be === '' ? undefined : be));
      return true;
    },
  },
  {
    name: 'srv_is_up',
    args: { types: ['srv'], min: 1 },
    out: SMP_BOOL,
    use: USE_ANY,
    validate: (a, cc) => checkServer(a[0]!, cc, 'srv_is_up'),
    fetch: (ctx, a, smp) => {
      const [be, srv] = a[0]!.obj as [string | undefined, string];
      smp.setBool(ctx.srvIsUp(be, srv));
      return true;
    },
  },
  {
    name: 'fe_name',
    args: NO_ARGS,
    out: SMP_STR,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => {
      smp.setStr(ctx.frontendName());
      return true;
    },
  },
  {
    name: 'be_name',
    args: NO_ARGS,
    out: SMP_STR,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => {
      const b = ctx.backendName();
      if (b === '') return false;
      smp.setStr(b);
      return true;
    },
  },
  {
    // True once content rules must decide (the inspect-delay is over, or the
    // buffer is full, or the client stopped sending); undecided before.
    name: 'wait_end',
    args: NO_ARGS,
    out: SMP_BOOL,
    use: USE_REQ,
    fetch: (ctx, _a, smp) => {
      if (ctx.requestMayGrow()) {
        smp.mayChange = true;
        return false;
      }
      smp.setBool(true);
      return true;
    },
  },
];
