// `server NAME ADDRESS [params]` and `default-server [params]` lines. A
// server starts from the default-server settings in force where it is
// written (inherited from defaults, then the proxy's own default-server
// lines above it) and its own parameters override them.

import type { Server, ServerParams } from './model.ts';
import { CfgCode } from './diagnostics.ts';
import { badNameChar, type Directive } from './directive.ts';
import { parseAddress, parseHostOnly } from './address.ts';
import { isIPv4, isIPv6 } from './ip.ts';
import { SERVER_PARAMS, UNSUPPORTED_SERVER_PARAMS } from './keywords.ts';
import { suggestion } from './suggest.ts';
import { applyServerVerify, applyTlsWord, TLS_COMMON_WORDS } from './tls.ts';

const ON_ERROR = ['fastinter', 'fail-check', 'sudden-death', 'mark-down'] as const;

/**
 * Reads parameters from word `start` into `into`. Returns false if one was
 * wrong; parameters of later issues are reported but do not fail the line.
 */
export function parseServerParams(d: Directive, start: number, into: ServerParams, label: string, isDefault: boolean): boolean {
  let ok = true;
  let i = start;
  while (i < d.length) {
    const p = d.arg(i)!;
    const argc = SERVER_PARAMS[p];
    if (argc === undefined) {
      const skip = UNSUPPORTED_SERVER_PARAMS[p];
      if (skip !== undefined) {
        // Reported, but the server itself stays so later checks still see it.
        d.unsupported(`${label}: parameter '${p}'`);
        i += 1 + skip;
        continue;
      }
      d.error(
        CfgCode.UNKNOWN_KEYWORD,
        `${label}: unknown parameter '${p}'${suggestion(p, [...Object.keys(SERVER_PARAMS), ...Object.keys(UNSUPPORTED_SERVER_PARAMS)])}`,
      );
      return false;
    }
    const v = d.arg(i + 1);
    if (argc === 1 && v === undefined) {
      d.error(CfgCode.BAD_ARGUMENT, `${label}: '${p}' expects an argument`);
      return false;
    }
    const what = `${label}: '${p}'`;
    const pre = `${label}: `;
    const time = (): number | undefined => {
      const t = d.timeValue(v!, p, 'ms', pre);
      if (t !== undefined && t <= 0) {
        d.error(CfgCode.BAD_VALUE, `${what} has to be > 0`);
        return undefined;
      }
      return t;
    };
    let r: unknown = true;
    switch (p) {
      case 'check':
        into.check = true;
        break;
      case 'no-check':
        into.check = false;
        break;
      case 'inter':
        r = into.inter = time();
        break;
      case 'fastinter':
        r = into.fastinter = time();
        break;
      case 'downinter':
        r = into.downinter = time();
        break;
      case 'rise':
        r = into.rise = d.intValue(v!, p, 1, 2_147_483_647, pre);
        break;
      case 'fall':
        r = into.fall = d.intValue(v!, p, 1, 2_147_483_647, pre);
        break;
      case 'port':
        r = into.checkPort = d.intValue(v!, p, 1, 65535, pre);
        break;
      case 'addr': {
        const a = parseHostOnly(v!, d.env);
        if (!a.ok) {
          d.error(CfgCode.BAD_VALUE, `${what}: ${a.error}`);
          r = undefined;
        } else into.checkAddr = a.host;
        break;
      }
      case 'weight':
        r = into.weight = d.intValue(v!, p, 0, 256, pre);
        break;
      case 'backup':
        into.backup = true;
        break;
      case 'no-backup':
        into.backup = false;
        break;
      case 'disabled':
        into.disabled = true;
        break;
      case 'enabled':
        into.disabled = false;
        break;
      case 'maxconn':
        r = into.maxconn = d.intValue(v!, p, 0, 2_147_483_647, pre);
        break;
      case 'maxqueue':
        r = into.maxqueue = d.intValue(v!, p, 0, 2_147_483_647, pre);
        break;
      case 'cookie':
        into.cookie = v!;
        break;
      case 'agent-check':
        into.agentCheck = true;
        break;
      case 'no-agent-check':
        into.agentCheck = false;
        break;
      case 'agent-port':
        r = into.agentPort = d.intValue(v!, p, 1, 65535, pre);
        break;
      case 'agent-inter':
        r = into.agentInter = time();
        break;
      case 'agent-addr': {
        const a = parseHostOnly(v!, d.env);
        if (!a.ok) {
          d.error(CfgCode.BAD_VALUE, `${what}: ${a.error}`);
          r = undefined;
        } else into.agentAddr = a.host;
        break;
      }
      case 'agent-send':
        into.agentSend = v!;
        break;
      case 'slowstart': {
        const t = d.timeValue(v!, p, 'ms', pre);
        r = t;
        if (t !== undefined) into.slowstart = t;
        break;
      }
      case 'observe':
        if (v === 'none') into.observe = undefined;
        else if (v === 'layer4' || v === 'layer7') into.observe = v;
        else {
          d.error(CfgCode.BAD_VALUE, `${what} expects none, layer4 or layer7, not '${v}'`);
          r = undefined;
        }
        break;
      case 'on-error':
        if ((ON_ERROR as readonly string[]).includes(v!)) into.onError = v as (typeof ON_ERROR)[number];
        else {
          d.error(CfgCode.BAD_VALUE, `${what} expects one of ${ON_ERROR.join(', ')}, not '${v}'${suggestion(v!, ON_ERROR)}`);
          r = undefined;
        }
        break;
      case 'error-limit':
        r = into.errorLimit = d.intValue(v!, p, 1, 2_147_483_647, pre);
        break;
      case 'ssl':
      case 'no-ssl':
        into.ssl = { ...into.ssl, enabled: p === 'ssl' };
        break;
      case 'check-ssl':
      case 'no-check-ssl':
        into.checkSsl = p === 'check-ssl';
        break;
      case 'check-sni':
        into.checkSni = v!;
        break;
      case 'check-alpn':
        into.checkAlpn = v!.split(',');
        break;
      case 'send-proxy':
        into.sendProxy = 1;
        break;
      case 'send-proxy-v2':
        into.sendProxy = 2;
        break;
      case 'no-send-proxy':
      case 'no-send-proxy-v2':
        into.sendProxy = 0;
        break;
      case 'proto':
        if (v === 'h2' || v === 'h1') into.proto = v;
        else if (v === 'fcgi') {
          d.unsupported(`${label}: 'proto fcgi'`);
        } else {
          d.error(CfgCode.BAD_VALUE, `${what} expects 'h2' or 'h1', not '${v}'`);
          r = undefined;
        }
        break;
      case 'check-send-proxy':
        into.checkSendProxy = true;
        break;
      case 'verify':
      case 'sni':
      case 'crt':
      case 'verifyhost':
      case 'no-verifyhost':
      case 'ssl-reuse':
      case 'no-ssl-reuse':
      case 'tls-tickets': {
        const tls = { ...into.ssl };
        if (p === 'verify') {
          const err = applyServerVerify(v, tls);
          if (err !== undefined) {
            d.error(CfgCode.BAD_VALUE, `${label}: ${err}`);
            r = undefined;
          }
        } else if (p === 'sni') tls.sni = v!;
        else if (p === 'crt') tls.crt = v!;
        else if (p === 'verifyhost') tls.verifyhost = v!;
        else if (p === 'no-verifyhost') tls.verifyhost = '';
        else if (p === 'tls-tickets') tls.noTlsTickets = false;
        else tls.noSslReuse = p === 'no-ssl-reuse';
        into.ssl = tls;
        break;
      }
      case 'resolvers':
        into.resolvers = v!;
        break;
      case 'init-addr': {
        const methods = v!.split(',');
        const badMethod = methods.find((m) => m !== 'last' && m !== 'libc' && m !== 'none' && !isIPv4(m) && !isIPv6(m));
        if (badMethod !== undefined) {
          d.error(CfgCode.BAD_VALUE, `${what}: unknown method '${badMethod}' (expects 'last', 'libc', 'none' or an IP address, separated by commas)`);
          r = undefined;
        } else into.initAddr = methods;
        break;
      }
      case 'resolve-prefer':
        if (v === 'ipv4' || v === 'ipv6') into.resolvePrefer = v;
        else {
          d.error(CfgCode.BAD_VALUE, `${what} expects 'ipv4' or 'ipv6', not '${v}'`);
          r = undefined;
        }
        break;
      case 'id':
        if (isDefault) {
          d.error(CfgCode.BAD_ARGUMENT, `${label}: 'id' is not allowed on default-server (ids are per server)`);
          r = undefined;
        } else r = into.id = d.intValue(v!, p, 1, 2_147_483_647, pre);
        break;
    }
    if (TLS_COMMON_WORDS[p] !== undefined) {
      const tls = { ...into.ssl };
      const err = applyTlsWord(p, v, tls);
      if (err !== undefined) {
        d.error(CfgCode.BAD_VALUE, `${label}: ${err}`);
        r = undefined;
      } else into.ssl = tls;
    }
    if (r === undefined) ok = false;
    i += 1 + argc;
  }
  const alpn = into.ssl?.alpn;
  if (!isDefault && alpn?.includes('h2') === true && into.proto !== 'h2') {
    // HAProxy picks the protocol by what the server chose; Hawser decides it by the line. A server
    // choosing h2 would be spoken HTTP/1.1 to: refuse it here rather than fail every request.
    d.error(
      CfgCode.UNSUPPORTED,
      `${label}: 'alpn ${alpn.join(',')}' offers h2 to the server, but Hawser chooses the protocol by the server line, not by ALPN: add 'proto h2' to speak HTTP/2 to it, or use 'alpn http/1.1'`,
    );
    ok = false;
  }
  return ok;
}

/** `over` on top of `base` (default-server, then the server's own words); TLS settings merge word by word. */
export function mergeServerParams(base: ServerParams, over: ServerParams): ServerParams {
  const out: ServerParams = { ...base, ...over };
  if (base.ssl !== undefined && over.ssl !== undefined) out.ssl = { ...base.ssl, ...over.ssl };
  return out;
}

/** `server NAME ADDRESS [params]`, starting from `defaults`. */
export function parseServerLine(d: Directive, defaults: ServerParams, proxyLabel: string): Server | undefined {
  if (!d.need(1, 'server', '<name> and <address>[:<port>] as arguments')) return undefined;
  const name = d.arg(1)!;
  const bad = badNameChar(name);
  if (bad !== undefined) {
    d.error(CfgCode.BAD_VALUE, `character '${bad}' is not permitted in server name '${name}'`);
    return undefined;
  }
  const label = `server ${proxyLabel}/${name}`;
  if (!d.need(2, 'server', '<name> and <address>[:<port>] as arguments')) return undefined;
  const raw = d.arg(2)!;
  const r = parseAddress(raw, d.env, { portOffset: true, allowUnix: true });
  let ok = true;
  if (!r.ok) {
    if (r.unsupported === true) d.unsupported(`${label}: ${r.error}`);
    else d.error(CfgCode.BAD_VALUE, `${label}: ${r.error}`);
    ok = false;
  } else if (r.transport === 'dgram') {
    d.error(CfgCode.BAD_VALUE, `${label}: '${raw}' is a datagram address; servers are reached over TCP`);
    ok = false;
  }
  const own: ServerParams = {};
  if (!parseServerParams(d, 3, own, label, false)) ok = false;
  if (!ok || !r.ok) return undefined;
  const server: Server = { ...mergeServerParams(defaults, own), pos: d.pos, name, address: r.address };
  if (r.hasPort && r.portLow > 0) server.port = r.portLow;
  return server;
}
