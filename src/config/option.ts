// `option X`, `no option X`, `default option X` in proxies.

import type { ProxyOptions } from './model.ts';
import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import { describe, hasCap, type ProxyDraft } from './draft.ts';
import { OPTIONS, REMOVED_OPTIONS } from './keywords.ts';
import { parseCheckOption } from './healthcheck.ts';
import { isIPv4, isIPv6 } from './ip.ts';
import { suggestion } from './suggest.ts';

type BoolOption =
  | 'abortonclose'
  | 'allbackups'
  | 'clitcpka'
  | 'dontlognull'
  | 'httpBufferRequest'
  | 'httpKeepAlive'
  | 'httpServerClose'
  | 'httpclose'
  | 'logHealthChecks'
  | 'persist'
  | 'redispatch'
  | 'srvtcpka';

const BOOL_FIELDS: Readonly<Record<string, BoolOption>> = {
  abortonclose: 'abortonclose',
  allbackups: 'allbackups',
  clitcpka: 'clitcpka',
  dontlognull: 'dontlognull',
  'http-buffer-request': 'httpBufferRequest',
  'http-keep-alive': 'httpKeepAlive',
  'http-server-close': 'httpServerClose',
  httpclose: 'httpclose',
  'log-health-checks': 'logHealthChecks',
  persist: 'persist',
  redispatch: 'redispatch',
  srvtcpka: 'srvtcpka',
};

/** HAProxy keeps one HTTP connection mode: choosing one turns the others off. */
const HTTP_MODES: readonly BoolOption[] = ['httpKeepAlive', 'httpServerClose', 'httpclose'];

const CHECK_OPTIONS = new Set(['httpchk', 'mysql-check', 'pgsql-check', 'redis-check', 'smtpchk', 'ssl-hello-chk', 'tcp-check']);

export function parseOption(d: Directive, draft: ProxyDraft): void {
  const name = d.arg(1);
  if (name === undefined || name === '') {
    d.error(CfgCode.BAD_ARGUMENT, "'option' expects an option name");
    return;
  }
  const removed = REMOVED_OPTIONS[name];
  if (removed !== undefined) {
    d.error(CfgCode.DEPRECATED, removed);
    return;
  }
  const info = OPTIONS[name];
  if (info === undefined) {
    d.error(CfgCode.UNKNOWN_KEYWORD, `unknown option '${name}' in ${describe(draft)}${suggestion(name, Object.keys(OPTIONS))}`);
    return;
  }
  if (d.modifier !== undefined && !info.negatable) {
    d.error(CfgCode.BAD_ARGUMENT, `'${d.modifier} option ${name}': negation/default is not supported for option '${name}'`);
    return;
  }
  if (!hasCap(draft.kind, info.cap)) {
    d.warn(
      CfgCode.WRONG_SECTION,
      `'option ${name}' ignored because ${describe(draft)} has no ${info.cap === 'fe' ? 'frontend' : 'backend'} capability`,
    );
    return;
  }
  if (draft.kind === 'backend' && (name === 'tcplog' || name === 'httplog')) {
    // Allowed by HAProxy's matrix, but only frontends log connections.
    d.warn(CfgCode.WRONG_SECTION, `'option ${name}' is ignored in backends (${describe(draft)}); logging is set on frontends`);
    return;
  }
  if (info.status === 'unsupported') {
    d.unsupported(`'option ${name}'`);
    return;
  }
  if (info.status === 'noop') return;
  if (info.status === 'ignored') {
    d.warn(CfgCode.IGNORED, `'option ${name}' is accepted but has no effect in Hawser`);
    return;
  }

  const o: ProxyOptions = draft.own.options;
  const on = d.modifier === undefined;

  const field = BOOL_FIELDS[name];
  if (field !== undefined) {
    if (name === 'redispatch' && d.arg(2) !== undefined && on) {
      d.unsupported("'option redispatch <interval>'");
      return;
    }
    if (!d.noMoreThan(1, `option ${name}`)) return;
    if (on && HTTP_MODES.includes(field)) for (const m of HTTP_MODES) o[m] = false;
    o[field] = on;
    return;
  }

  if (CHECK_OPTIONS.has(name)) {
    const check = parseCheckOption(d, name);
    if (check !== undefined) draft.own.check = check;
    return;
  }

  switch (name) {
    case 'tcpka':
      if (!d.noMoreThan(1, 'option tcpka')) return;
      if (hasCap(draft.kind, 'fe')) o.clitcpka = true;
      if (hasCap(draft.kind, 'be')) o.srvtcpka = true;
      return;
    case 'httplog': {
      const clf = d.arg(2) === 'clf';
      if (d.arg(2) !== undefined && !clf) {
        d.error(CfgCode.BAD_ARGUMENT, `'option httplog' only accepts 'clf', not '${d.arg(2)}'`);
        return;
      }
      if (!d.noMoreThan(2, 'option httplog')) return;
      setLogFormatSlot(draft);
      o.httplog = { clf };
      return;
    }
    case 'tcplog':
      if (!d.noMoreThan(1, 'option tcplog')) return;
      setLogFormatSlot(draft);
      o.tcplog = true;
      return;
    case 'forwardfor': {
      const ff: NonNullable<ProxyOptions['forwardfor']> = { header: 'X-Forwarded-For', ifNone: false };
      for (let i = 2; i < d.length; i++) {
        const w = d.arg(i)!;
        const v = d.arg(i + 1);
        if (w === 'except') {
          if (v === undefined || !isNetwork(v)) {
            d.error(CfgCode.BAD_VALUE, `'option forwardfor except' expects <address>[/mask]${v !== undefined ? `, not '${v}'` : ''}`);
            return;
          }
          ff.except = v;
          i++;
        } else if (w === 'header') {
          if (v === undefined || v === '') {
            d.error(CfgCode.BAD_ARGUMENT, "'option forwardfor header' expects a header name");
            return;
          }
          ff.header = v;
          i++;
        } else if (w === 'if-none') {
          ff.ifNone = true;
        } else {
          d.error(CfgCode.BAD_ARGUMENT, `'option forwardfor' only accepts 'except', 'header' and 'if-none', not '${w}'${suggestion(w, ['except', 'header', 'if-none'])}`);
          return;
        }
      }
      o.forwardfor = ff;
      return;
    }
  }
}

/** httplog, tcplog and log-format share one slot: the last one written wins. */
export function setLogFormatSlot(draft: ProxyDraft): void {
  draft.logFormatSet = true;
  delete draft.own.options.httplog;
  delete draft.own.options.tcplog;
  delete draft.own.logFormat;
}

function isNetwork(v: string): boolean {
  const [addr, mask, extra] = v.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const v4 = isIPv4(addr);
  if (!v4 && !isIPv6(addr)) return false;
  if (mask === undefined) return true;
  if (v4 && isIPv4(mask)) return true;
  if (!/^\d+$/.test(mask)) return false;
  return Number(mask) <= (v4 ? 32 : 128);
}
