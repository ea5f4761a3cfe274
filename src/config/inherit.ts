// What a section inherits from its defaults section, following HAProxy's
// proxy_defproxy_cpy(): mode, options, default-server, logs and log-tag
// always; maxconn, backlog, client-side timeouts, log format and
// default_backend for frontends; balance, hash-type, fullconn, retries,
// health check protocol and server-side timeouts for backends. A listen (and
// a defaults section) takes both sides. A section's own values win; `log`
// lines add to the inherited ones and `no log` drops them.

import type { CheckProtocol, LogTarget, ProxyOptions, ProxySettings, Timeouts } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import { capabilities, describe, emptySettings, type ProxyDraft } from './draft.ts';
import { inheritCompression } from './compression.ts';
import { inheritEmailAlert } from './mailers.ts';

const FE_TIMEOUTS: ReadonlyArray<keyof Timeouts> = ['client', 'clientFin', 'httpRequest', 'httpKeepAlive', 'tarpit'];
const BE_TIMEOUTS: ReadonlyArray<keyof Timeouts> = ['connect', 'server', 'serverFin', 'check', 'queue', 'tunnel', 'httpRequest', 'httpKeepAlive', 'tarpit'];

const FE_OPTIONS: ReadonlyArray<keyof ProxyOptions> = ['clitcpka', 'dontlognull'];
const BE_OPTIONS: ReadonlyArray<keyof ProxyOptions> = ['abortonclose', 'allbackups', 'redispatch', 'logHealthChecks', 'srvtcpka', 'persist'];
const ANY_OPTIONS: ReadonlyArray<keyof ProxyOptions> = ['forwardfor', 'httpServerClose', 'httpclose', 'httpKeepAlive', 'httpBufferRequest'];

/** Effective settings of a draft (memoized for defaults sections, which others inherit from). */
export function resolveSettings(draft: ProxyDraft, diags: DiagnosticList): ProxySettings {
  if (draft.resolved !== undefined) return draft.resolved;
  const inherited = draft.parent !== undefined ? resolveSettings(draft.parent, diags) : emptySettings();
  const out = merge(inherited, draft, diags);
  if (draft.kind === 'defaults') draft.resolved = out;
  return out;
}

function merge(inh: ProxySettings, draft: ProxyDraft, diags: DiagnosticList): ProxySettings {
  const { fe, be } = capabilities(draft.kind);
  const own = draft.own;
  const out = emptySettings();
  const set = <K extends keyof ProxySettings>(k: K, v: ProxySettings[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };

  set('mode', own.mode ?? inh.mode);
  for (const k of new Set([...(fe ? FE_TIMEOUTS : []), ...(be ? BE_TIMEOUTS : [])])) {
    const v = own.timeouts[k] ?? inh.timeouts[k];
    if (v !== undefined) out.timeouts[k] = v;
  }
  if (fe) {
    set('maxconn', own.maxconn ?? inh.maxconn);
    set('backlog', own.backlog ?? inh.backlog);
  }
  if (be) {
    set('fullconn', own.fullconn ?? inh.fullconn);
    set('retries', own.retries ?? inh.retries);
    set('balance', own.balance ?? inh.balance);
    set('hashType', own.hashType ?? inh.hashType);
    set('check', resolveCheck(inh.check, draft, diags));
  }
  set('httpReuse', own.httpReuse ?? inh.httpReuse);
  set('compression', inheritCompression(inh.compression, own.compression));
  set('emailAlert', inheritEmailAlert(inh.emailAlert, own.emailAlert));
  if (be) set('cookie', own.cookie ?? inh.cookie);
  // errorfile / http-error lines add to the inherited ones; the last line for a status wins.
  if (own.errorReplies !== undefined || inh.errorReplies !== undefined) {
    out.errorReplies = [...(inh.errorReplies ?? []), ...(own.errorReplies ?? [])];
  }
  set('logTag', own.logTag ?? inh.logTag);

  const opts = out.options as Record<string, unknown>;
  const ownOpts = own.options as Record<string, unknown>;
  const inhOpts = inh.options as Record<string, unknown>;
  for (const k of [...ANY_OPTIONS, ...(fe ? FE_OPTIONS : []), ...(be ? BE_OPTIONS : [])]) {
    const v = ownOpts[k] ?? inhOpts[k];
    if (v !== undefined) opts[k] = v;
  }
  if (fe) {
    // httplog, tcplog and log-format are one slot: the section that wrote one of them decides.
    const src = draft.logFormatSet ? own : inh;
    if (src.options.httplog !== undefined) out.options.httplog = src.options.httplog;
    if (src.options.tcplog !== undefined) out.options.tcplog = src.options.tcplog;
    if (src.logFormat !== undefined) out.logFormat = src.logFormat;
  }

  let logs: LogTarget[] | undefined = inh.logs !== undefined ? [...inh.logs] : undefined;
  let noLog = inh.noLog;
  for (const op of draft.logOps) {
    if (op.op === 'clear') {
      logs = [];
      noLog = true;
    } else {
      (logs ??= []).push(op.target);
      noLog = false;
    }
  }
  if (logs !== undefined) out.logs = logs;
  if (noLog !== undefined) out.noLog = noLog;

  out.defaultServer = { ...draft.defaultServer };
  return out;
}

/** The check protocol: own option, else inherited; then this section's http-check / tcp-check lines. */
function resolveCheck(inherited: CheckProtocol | undefined, draft: ProxyDraft, diags: DiagnosticList): CheckProtocol | undefined {
  let check = draft.own.check ?? inherited;
  const lines = draft.httpCheck;
  if (lines !== undefined) {
    if (check?.kind === 'http') {
      check = {
        ...check,
        method: lines.method ?? check.method,
        uri: lines.uri ?? check.uri,
        version: lines.version ?? check.version,
        headers: [...check.headers, ...lines.headers],
      };
      if (lines.body !== undefined) check.body = lines.body;
      if (lines.expect !== undefined) check.expect = lines.expect;
    } else {
      diags.warning(
        CfgCode.IGNORED,
        lines.pos,
        `${describe(draft)} uses http-check rules without 'option httpchk', so the rules are ignored`,
      );
    }
  }
  const rules = draft.tcpCheckRules;
  if (rules !== undefined) {
    if (check?.kind === 'tcp-check') {
      check = { kind: 'tcp-check', rules };
    } else {
      diags.warning(
        CfgCode.IGNORED,
        rules[0]!.pos,
        `${describe(draft)} uses tcp-check rules without 'option tcp-check', so the rules are ignored`,
      );
    }
  }
  return check;
}
