// Health check protocol lines: `option httpchk|mysql-check|pgsql-check|
// redis-check|smtpchk|ssl-hello-chk|tcp-check`, `http-check ...` and
// `tcp-check ...`. The option picks the protocol; http-check and tcp-check
// lines refine it and are combined with it once the section is complete.

import type { CheckProtocol, HttpCheckExpect, TcpCheckRule } from './model.ts';
import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import type { HttpCheckLines, ProxyDraft } from './draft.ts';
import { parseHostOnly } from './address.ts';
import { suggestion } from './suggest.ts';

/** `option <name> ...` for the check protocols; args start at word 2. */
export function parseCheckOption(d: Directive, name: string): CheckProtocol | undefined {
  const label = `option ${name}`;
  switch (name) {
    case 'httpchk': {
      const a = d.words.slice(2);
      if (a.length > 3) {
        d.error(CfgCode.BAD_ARGUMENT, "'option httpchk' takes at most 3 arguments: [<method>] [<uri>] [<version>]");
        return undefined;
      }
      let method = 'OPTIONS';
      let uri = '/';
      let version = 'HTTP/1.0';
      if (a.length === 1) uri = a[0]!;
      else if (a.length >= 2) {
        method = a[0]!;
        uri = a[1]!;
        if (a.length === 3) version = a[2]!;
      }
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(method)) {
        d.error(CfgCode.BAD_VALUE, `'option httpchk': invalid HTTP method '${method}'`);
        return undefined;
      }
      const headers: Array<[string, string]> = [];
      let body: string | undefined;
      // Before http-check send, headers were smuggled after the version: "HTTP/1.1\r\nHost:\ x".
      const cut = version.indexOf('\r\n');
      if (cut >= 0) {
        d.warn(
          CfgCode.DEPRECATED,
          "'option httpchk': headers or body after the version string are deprecated, use 'http-check send hdr <name> <value>'",
        );
        const rest = version.slice(cut + 2);
        version = version.slice(0, cut);
        const blank = rest.indexOf('\r\n\r\n');
        const head = blank >= 0 ? rest.slice(0, blank) : rest;
        if (blank >= 0) body = rest.slice(blank + 4);
        for (const line of head.split('\r\n')) {
          if (line === '') continue;
          const colon = line.indexOf(':');
          if (colon <= 0) {
            d.error(CfgCode.BAD_VALUE, `'option httpchk': malformed header line '${line}' after the version`);
            return undefined;
          }
          headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
        }
      }
      const check: CheckProtocol = { kind: 'http', method, uri, version, headers };
      if (body !== undefined && body !== '') check.body = body;
      return check;
    }
    case 'mysql-check': {
      if (d.length === 2) return { kind: 'mysql', post41: false };
      if (d.arg(2) !== 'user') {
        d.error(CfgCode.BAD_ARGUMENT, `'${label}' only accepts 'user <username>' [post-41|pre-41], not '${d.arg(2)}'`);
        return undefined;
      }
      if (!d.need(3, label, "'user <username>' [post-41|pre-41]")) return undefined;
      const v = d.arg(4);
      if (v !== undefined && v !== 'post-41' && v !== 'pre-41') {
        d.error(CfgCode.BAD_VALUE, `'${label}' expects 'post-41' or 'pre-41' after the user name, not '${v}'`);
        return undefined;
      }
      if (!d.noMoreThan(4, label)) return undefined;
      return { kind: 'mysql', user: d.arg(3)!, post41: v === 'post-41' };
    }
    case 'pgsql-check':
      if (d.arg(2) !== 'user' || d.arg(3) === undefined || d.arg(3) === '') {
        d.error(CfgCode.BAD_ARGUMENT, `'${label}' expects 'user <username>'`);
        return undefined;
      }
      if (!d.noMoreThan(3, label)) return undefined;
      return { kind: 'pgsql', user: d.arg(3)! };
    case 'smtpchk': {
      if (d.length === 2) return { kind: 'smtp', verb: 'HELO', domain: 'localhost' };
      if (!d.need(3, label, '<HELO|EHLO> <domain>') || !d.noMoreThan(3, label)) return undefined;
      // HAProxy turns any other verb into HELO.
      return { kind: 'smtp', verb: d.arg(2) === 'EHLO' ? 'EHLO' : 'HELO', domain: d.arg(3)! };
    }
    case 'redis-check':
      return d.noMoreThan(1, label) ? { kind: 'redis' } : undefined;
    case 'ssl-hello-chk':
      return d.noMoreThan(1, label) ? { kind: 'ssl-hello' } : undefined;
    case 'tcp-check':
      return d.noMoreThan(1, label) ? { kind: 'tcp-check', rules: [] } : undefined;
  }
  return undefined;
}

const HTTP_CHECK_SUBS = ['send', 'expect', 'comment', 'connect', 'disable-on-404', 'send-state', 'set-var', 'unset-var'];

export function parseHttpCheck(d: Directive, draft: ProxyDraft): void {
  const sub = d.arg(1);
  if (sub === undefined) {
    d.error(CfgCode.BAD_ARGUMENT, "'http-check' expects 'send', 'expect', 'comment', 'connect', 'disable-on-404' or 'send-state'");
    return;
  }
  const lines: HttpCheckLines = draft.httpCheck ?? { pos: d.pos, headers: [] };
  switch (sub) {
    case 'comment':
      d.need(2, 'http-check comment', 'a text');
      return;
    case 'connect':
    case 'disable-on-404':
    case 'send-state':
    case 'set-var':
    case 'unset-var':
      d.unsupported(`'http-check ${sub}'`);
      return;
    case 'send': {
      let ok = true;
      for (let i = 2; i < d.length; i++) {
        const w = d.arg(i)!;
        const v = d.arg(i + 1);
        if (w === 'meth' || w === 'uri' || w === 'ver' || w === 'body' || w === 'comment') {
          if (v === undefined) {
            d.error(CfgCode.BAD_ARGUMENT, `'http-check send ${w}' expects a value`);
            return;
          }
          if (w === 'meth') lines.method = v;
          else if (w === 'uri') lines.uri = v;
          else if (w === 'ver') lines.version = v;
          else if (w === 'body') lines.body = v;
          i++;
        } else if (w === 'hdr') {
          const value = d.arg(i + 2);
          if (v === undefined || value === undefined) {
            d.error(CfgCode.BAD_ARGUMENT, "'http-check send hdr' expects <name> <value>");
            return;
          }
          lines.headers.push([v, value]);
          i += 2;
        } else if (w === 'uri-lf' || w === 'body-lf') {
          d.unsupported(`'http-check send ${w}'`);
          ok = false;
          i++;
        } else {
          d.error(CfgCode.BAD_ARGUMENT, `'http-check send' expects meth, uri, ver, hdr or body, not '${w}'${suggestion(w, ['meth', 'uri', 'ver', 'hdr', 'body'])}`);
          return;
        }
      }
      if (ok) draft.httpCheck = lines;
      return;
    }
    case 'expect': {
      const e = parseExpect(d, 'http-check expect', ['status', 'rstatus', 'string', 'rstring'], ['hdr', 'fhdr', 'custom']);
      if (e === undefined) return;
      if (lines.expect !== undefined) {
        d.unsupported("several 'http-check expect' rules in one proxy");
        return;
      }
      lines.expect = { pos: d.pos, negate: e.negate, match: e.match as HttpCheckExpect['match'], pattern: e.pattern };
      draft.httpCheck = lines;
      return;
    }
    default:
      d.error(CfgCode.UNKNOWN_KEYWORD, `unknown 'http-check' rule '${sub}'${suggestion(sub, HTTP_CHECK_SUBS)}`);
  }
}

const EXPECT_OPTIONS = ['min-recv', 'comment', 'ok-status', 'error-status', 'tout-status', 'on-success', 'on-error', 'status-code'];

function parseExpect(
  d: Directive,
  label: string,
  matches: readonly string[],
  laterMatches: readonly string[],
): { negate: boolean; match: string; pattern: string } | undefined {
  let i = 2;
  for (;;) {
    const w = d.arg(i);
    if (w === undefined) break;
    if (w === 'comment') {
      i += 2;
      continue;
    }
    if (EXPECT_OPTIONS.includes(w)) {
      d.unsupported(`'${label}' option '${w}'`);
      return undefined;
    }
    break;
  }
  let negate = false;
  if (d.arg(i) === '!') {
    negate = true;
    i++;
  }
  const match = d.arg(i);
  if (match === undefined) {
    d.error(CfgCode.BAD_ARGUMENT, `'${label}' expects [!] ${matches.join('|')} <pattern>`);
    return undefined;
  }
  if (laterMatches.includes(match)) {
    d.unsupported(`'${label} ${match}'`);
    return undefined;
  }
  if (!matches.includes(match)) {
    d.error(CfgCode.BAD_ARGUMENT, `'${label}' expects ${matches.join(', ')}, not '${match}'${suggestion(match, matches)}`);
    return undefined;
  }
  const pattern = d.arg(i + 1);
  if (pattern === undefined || pattern === '') {
    d.error(CfgCode.BAD_ARGUMENT, `'${label} ${match}' expects a pattern`);
    return undefined;
  }
  if (!d.noMoreThan(i + 1, `${label} ${match}`)) return undefined;
  if (match === 'status' && !/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(pattern)) {
    d.error(CfgCode.BAD_VALUE, `'${label} status' expects a status code, a range or a list (200, 200-399, 200,301), not '${pattern}'`);
    return undefined;
  }
  if (match.startsWith('r')) {
    try {
      new RegExp(pattern);
    } catch (e) {
      d.error(CfgCode.BAD_VALUE, `'${label} ${match}': invalid regular expression '${pattern}': ${(e as Error).message}`);
      return undefined;
    }
  }
  if (match === 'binary' && !/^([0-9a-fA-F]{2})+$/.test(pattern)) {
    d.error(CfgCode.BAD_VALUE, `'${label} binary' expects an even number of hex digits, not '${pattern}'`);
    return undefined;
  }
  return { negate, match, pattern };
}

const TCP_CHECK_SUBS = ['connect', 'send', 'send-binary', 'expect', 'comment', 'send-lf', 'send-binary-lf', 'set-var', 'unset-var'];

export function parseTcpCheck(d: Directive, draft: ProxyDraft): void {
  const sub = d.arg(1);
  if (sub === undefined) {
    d.error(CfgCode.BAD_ARGUMENT, "'tcp-check' expects 'connect', 'send', 'send-binary', 'expect' or 'comment'");
    return;
  }
  let rule: TcpCheckRule | undefined;
  switch (sub) {
    case 'send-lf':
    case 'send-binary-lf':
    case 'set-var':
    case 'unset-var':
      d.unsupported(`'tcp-check ${sub}'`);
      return;
    case 'comment':
      if (!d.need(2, 'tcp-check comment', 'a text')) return;
      rule = { pos: d.pos, kind: 'comment', text: d.rest(2) };
      break;
    case 'connect': {
      const r: TcpCheckRule & { kind: 'connect' } = { pos: d.pos, kind: 'connect', ssl: false, sendProxy: false };
      for (let i = 2; i < d.length; i++) {
        const w = d.arg(i)!;
        if (w === 'port') {
          const p = d.int(i + 1, 'tcp-check connect port', 1, 65535);
          if (p === undefined) return;
          r.port = p;
          i++;
        } else if (w === 'addr') {
          const v = d.arg(i + 1);
          const a = v === undefined ? { ok: false as const, error: 'missing address' } : parseHostOnly(v, d.env);
          if (!a.ok) {
            d.error(CfgCode.BAD_VALUE, `'tcp-check connect addr': ${a.error}`);
            return;
          }
          r.addr = a.host;
          i++;
        } else if (w === 'comment') {
          i++;
        } else if (['send-proxy', 'ssl', 'via-socks4', 'linger', 'default', 'sni', 'alpn', 'proto'].includes(w)) {
          d.unsupported(`'tcp-check connect ${w}'`);
          return;
        } else {
          d.error(CfgCode.BAD_ARGUMENT, `'tcp-check connect' does not know '${w}'${suggestion(w, ['port', 'addr', 'comment', 'send-proxy', 'ssl', 'sni', 'alpn'])}`);
          return;
        }
      }
      rule = r;
      break;
    }
    case 'send': {
      if (!d.need(2, 'tcp-check send', 'a string')) return;
      if (d.arg(3) !== undefined && (d.arg(3) !== 'comment' || !d.noMoreThan(4, 'tcp-check send'))) {
        if (d.arg(3) !== 'comment') d.error(CfgCode.BAD_ARGUMENT, `'tcp-check send' takes one string (quote it), not '${d.arg(3)}'`);
        return;
      }
      rule = { pos: d.pos, kind: 'send', data: d.arg(2)! };
      break;
    }
    case 'send-binary': {
      if (!d.need(2, 'tcp-check send-binary', 'hex digits')) return;
      const hex = d.arg(2)!;
      if (!/^([0-9a-fA-F]{2})+$/.test(hex)) {
        d.error(CfgCode.BAD_VALUE, `'tcp-check send-binary' expects an even number of hex digits, not '${hex}'`);
        return;
      }
      if (d.arg(3) !== undefined && d.arg(3) !== 'comment') {
        d.error(CfgCode.BAD_ARGUMENT, `'tcp-check send-binary' takes one hex string, not '${d.arg(3)}'`);
        return;
      }
      rule = { pos: d.pos, kind: 'send-binary', hex };
      break;
    }
    case 'expect': {
      const e = parseExpect(d, 'tcp-check expect', ['string', 'rstring', 'binary', 'rbinary'], ['string-lf', 'binary-lf', 'custom']);
      if (e === undefined) return;
      rule = { pos: d.pos, kind: 'expect', negate: e.negate, match: e.match as 'string', pattern: e.pattern };
      break;
    }
    default:
      d.error(CfgCode.UNKNOWN_KEYWORD, `unknown 'tcp-check' rule '${sub}'${suggestion(sub, TCP_CHECK_SUBS)}`);
      return;
  }
  (draft.tcpCheckRules ??= []).push(rule);
}
