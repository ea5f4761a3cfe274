// `bind ADDRESS[,ADDRESS...] [params]` lines: one Bind per address, and one
// per port when a range (`:8000-8002`) is given.

import type { Bind } from './model.ts';
import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import { parseAddress } from './address.ts';
import { BIND_PARAMS, IGNORED_BIND_PARAMS, SOCKET_BIND_PARAMS, UNSUPPORTED_BIND_PARAMS } from './keywords.ts';
import { suggestion } from './suggest.ts';
import { applyBindVerify, applyTlsWord, TLS_COMMON_WORDS } from './tls.ts';

/** A range this long is almost certainly a typo. */
const MAX_RANGE = 4096;

export function parseBindLine(d: Directive): Bind[] | undefined {
  if (d.arg(1) === '') {
    d.error(CfgCode.BAD_VALUE, 'bind: the address is empty (an unset environment variable?)');
    return undefined;
  }
  if (!d.need(1, 'bind', '{<address>[:<port_range>] | <path>} [, ...] [param*]')) return undefined;
  const binds: Bind[] = [];
  let ok = true;
  for (const raw of d.arg(1)!.split(',')) {
    const r = parseAddress(raw, d.env, { portMandatory: true, portRange: true, allowFd: true, allowUnix: true });
    if (!r.ok) {
      if (r.unsupported === true) d.unsupported(`bind: ${r.error}`);
      else d.error(CfgCode.BAD_VALUE, `bind: ${r.error}`);
      ok = false;
      continue;
    }
    if (r.transport === 'dgram') {
      d.unsupported(`bind: datagram listeners ('${raw}')`);
      ok = false;
      continue;
    }
    if (r.address.kind !== 'inet' || r.portLow === r.portHigh) {
      binds.push({ pos: d.pos, address: r.address });
      continue;
    }
    if (r.portHigh - r.portLow >= MAX_RANGE) {
      d.error(CfgCode.BAD_VALUE, `bind: port range '${r.portLow}-${r.portHigh}' is larger than ${MAX_RANGE} ports`);
      ok = false;
      continue;
    }
    for (let p = r.portLow; p <= r.portHigh; p++) binds.push({ pos: d.pos, address: { ...r.address, port: p } });
  }

  const params: Omit<Bind, 'pos' | 'address'> = {};
  let i = 2;
  while (i < d.length) {
    const p = d.arg(i)!;
    const argc = BIND_PARAMS[p];
    if (argc === undefined) {
      const skip = UNSUPPORTED_BIND_PARAMS[p] ?? SOCKET_BIND_PARAMS[p];
      if (skip !== undefined) {
        // Reported, but the bind itself stays so later checks still see it.
        d.unsupported(`bind: parameter '${p}'`);
        i += 1 + skip;
        continue;
      }
      const ignored = IGNORED_BIND_PARAMS[p];
      if (ignored !== undefined) {
        i += 1 + ignored;
        continue;
      }
      d.error(
        CfgCode.UNKNOWN_KEYWORD,
        `bind: unknown parameter '${p}'${suggestion(p, [...Object.keys(BIND_PARAMS), ...Object.keys(UNSUPPORTED_BIND_PARAMS), ...Object.keys(SOCKET_BIND_PARAMS)])}`,
      );
      return undefined;
    }
    const v = d.arg(i + 1);
    if (argc === 1 && v === undefined) {
      d.error(CfgCode.BAD_ARGUMENT, `bind: '${p}' expects an argument`);
      return undefined;
    }
    switch (p) {
      case 'name':
        params.name = v!;
        break;
      case 'backlog': {
        const n = d.intValue(v!, "bind 'backlog'", 1, 2_147_483_647);
        if (n === undefined) ok = false;
        else params.backlog = n;
        break;
      }
      case 'maxconn': {
        const n = d.intValue(v!, "bind 'maxconn'", 0, 2_147_483_647);
        if (n === undefined) ok = false;
        else params.maxconn = n;
        break;
      }
      case 'v4v6':
        params.v4v6 = true;
        break;
      case 'v6only':
        params.v6only = true;
        break;
      case 'interface':
        params.interface = v!;
        break;
      case 'accept-proxy':
        params.acceptProxy = true;
        break;
      case 'mode':
        if (!/^[0-7]{1,4}$/.test(v!)) {
          d.error(CfgCode.BAD_VALUE, `bind: 'mode' expects an octal mode like 660, not '${v}'`);
          ok = false;
        } else params.socketMode = parseInt(v!, 8);
        break;
      case 'user':
        params.socketUser = v!;
        break;
      case 'group':
        params.socketGroup = v!;
        break;
      case 'uid':
      case 'gid': {
        const n = d.intValue(v!, `bind '${p}'`, 0, 4_294_967_294);
        if (n === undefined) ok = false;
        else if (p === 'uid') params.socketUid = n;
        else params.socketGid = n;
        break;
      }
      case 'ssl':
        params.ssl = true;
        break;
      default: {
        // TLS settings: kept even without `ssl` (HAProxy loads the certificates either way).
        const tls = (params.tls ??= { certs: [] });
        let err: string | undefined;
        if (p === 'crt' || p === 'crt-list') tls.certs.push({ kind: p, path: v! });
        else if (p === 'verify') err = applyBindVerify(v, tls);
        else if (p === 'strict-sni') tls.strictSni = true;
        else if (p === 'prefer-client-ciphers') tls.preferClientCiphers = true;
        else if (p === 'tls-ticket-keys') tls.ticketKeysFile = v!;
        else if (TLS_COMMON_WORDS[p] !== undefined) err = applyTlsWord(p, v, tls);
        if (err !== undefined) {
          d.error(CfgCode.BAD_VALUE, `bind: ${err}`);
          ok = false;
        }
      }
    }
    i += 1 + argc;
  }
  if (!ok) return undefined;
  const unix = binds.some((b) => b.address.kind === 'unix');
  if (!unix && (params.socketMode !== undefined || params.socketUser !== undefined || params.socketGroup !== undefined || params.socketUid !== undefined || params.socketGid !== undefined)) {
    d.warn(CfgCode.IGNORED, "bind: 'mode', 'user', 'group', 'uid' and 'gid' only apply to UNIX socket listeners; ignored");
  }
  return binds.map((b) => ({ ...b, ...params, ...(params.tls !== undefined ? { tls: { ...params.tls, certs: [...params.tls.certs] } } : {}) }));
}
