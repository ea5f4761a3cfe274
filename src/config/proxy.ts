// Keywords of defaults, frontend, backend and listen sections. Each line
// is checked against HAProxy's keyword matrix (which section may use it:
// an error where HAProxy refuses it, a warning where HAProxy ignores it),
// then parsed into the section's draft.

import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import { describe, hasCap, type ProxyDraft } from './draft.ts';
import {
  PROXY_KEYWORDS,
  REMOVED_PROXY_KEYWORDS,
  TIMEOUTS,
  UNSUPPORTED_PROXY_KEYWORDS,
  type Capability,
} from './keywords.ts';
import { parseLogTarget } from './log.ts';
import { parseBindLine } from './bind.ts';
import { mergeServerParams, parseServerLine, parseServerParams } from './server.ts';
import { parseBalance, parseHashType } from './balance.ts';
import { parseOption, setLogFormatSlot } from './option.ts';
import { parseHttpCheck, parseTcpCheck } from './healthcheck.ts';
import { suggestion } from './suggest.ts';
import { parseStatsLine } from './stats.ts';
import { parseCompression } from './compression.ts';
import { parseTcpRequest } from './tcp-request.ts';
import { parseCapture, parseDeclare } from './capture.ts';
import { parseCookie, parsePersistRule } from './cookie.ts';
import { parseErrorReply } from './error-replies.ts';
import { parseStickRule, parseStickTable } from './stick-table.ts';
import type { Timeouts } from './model.ts';
import { parseEmailAlert } from './mailers.ts';

const capName = (cap: Capability): string => (cap === 'fe' ? 'frontend' : 'backend');

function allowedKeywords(draft: ProxyDraft): string[] {
  const out: string[] = [];
  for (const [kw, info] of Object.entries(PROXY_KEYWORDS)) {
    if (draft.kind === 'defaults' ? info.defaults : hasCap(draft.kind, info.cap)) out.push(kw);
  }
  return out.concat(UNSUPPORTED_PROXY_KEYWORDS);
}

export function parseProxyLine(d: Directive, draft: ProxyDraft): void {
  const kw = d.keyword;
  if (d.modifier !== undefined && kw !== 'option' && kw !== 'log') {
    d.error(CfgCode.BAD_ARGUMENT, `'${d.modifier} ${kw}': '${d.modifier}' is only supported before 'option' and 'log'`);
    return;
  }
  const removed = REMOVED_PROXY_KEYWORDS[kw];
  if (removed !== undefined) {
    d.error(CfgCode.DEPRECATED, removed);
    return;
  }
  if (UNSUPPORTED_PROXY_KEYWORDS.includes(kw)) {
    d.unsupported(`'${kw}'`);
    return;
  }
  const info = PROXY_KEYWORDS[kw];
  if (info === undefined) {
    d.error(CfgCode.UNKNOWN_KEYWORD, `unknown keyword '${kw}' in ${describe(draft)}${suggestion(kw, allowedKeywords(draft))}`);
    return;
  }
  if (draft.kind === 'defaults' && !info.defaults) {
    d.error(CfgCode.WRONG_SECTION, `'${kw}' is not allowed in a defaults section`);
    return;
  }
  if (draft.kind !== 'defaults' && !hasCap(draft.kind, info.cap)) {
    const side = capName(info.cap);
    if (info.strict === true) {
      d.error(CfgCode.WRONG_SECTION, `'${kw}' is not allowed in ${describe(draft)}: it has no ${side} capability`);
    } else {
      let hint = '';
      if (kw === 'maxconn') hint = " (maybe you want 'fullconn')";
      if (kw === 'fullconn') hint = " (maybe you want 'maxconn')";
      d.warn(CfgCode.WRONG_SECTION, `'${kw}' ignored because ${describe(draft)} has no ${side} capability${hint}`);
    }
    return;
  }

  const own = draft.own;
  switch (kw) {
    case 'mode': {
      const m = d.arg(1);
      if (m === 'http' || m === 'tcp') {
        if (d.noMoreThan(1, 'mode')) own.mode = m;
      } else if (m === 'health') {
        d.error(CfgCode.DEPRECATED, "'mode health' was removed in HAProxy 2.4: use 'monitor-uri' or a tcp-request rule");
      } else {
        d.error(CfgCode.BAD_VALUE, `'mode' expects 'http' or 'tcp'${m !== undefined ? `, not '${m}'${suggestion(m, ['http', 'tcp'])}` : ''}`);
      }
      return;
    }
    case 'bind': {
      const binds = parseBindLine(d);
      if (binds !== undefined) draft.binds.push(...binds);
      return;
    }
    case 'backlog': {
      const v = d.int(1, kw, 1, 2_147_483_647);
      if (v !== undefined && d.noMoreThan(1, kw)) own.backlog = v;
      return;
    }
    case 'maxconn': {
      const v = d.int(1, kw, 0, 2_147_483_647);
      if (v !== undefined && d.noMoreThan(1, kw)) own.maxconn = v;
      return;
    }
    case 'fullconn': {
      const v = d.int(1, kw, 1, 2_147_483_647);
      if (v !== undefined && d.noMoreThan(1, kw)) own.fullconn = v;
      return;
    }
    case 'retries': {
      const v = d.int(1, kw, 0, 2_147_483_647);
      if (v !== undefined && d.noMoreThan(1, kw)) own.retries = v;
      return;
    }
    case 'default_backend':
      if (d.need(1, kw, 'a backend name') && d.noMoreThan(1, kw)) draft.defaultBackend = { pos: d.pos, name: d.arg(1)! };
      return;
    case 'use_backend':
      parseUseBackend(d, draft);
      return;
    case 'http-request':
    case 'http-response':
    case 'http-after-response':
      // Compiled after parsing with the proxy's ACLs (src/rules via the engine's rule compiler).
      if (d.need(1, kw, '<action> [arguments] [{if | unless} <condition>]')) {
        draft.httpRules.push({ pos: d.pos, phase: kw === 'http-request' ? 'request' : kw === 'http-response' ? 'response' : 'after-response', words: d.words.slice(1) });
      }
      return;
    case 'acl':
      // Compiled after parsing, with the backends known (src/acl via the engine's rule compiler).
      if (d.need(2, kw, '<name> <criterion> [flags] [operator] <value> ...')) draft.acls.push({ pos: d.pos, words: d.words.slice(1) });
      return;
    case 'timeout':
      parseTimeout(d, draft);
      return;
    case 'balance': {
      const b = parseBalance(d);
      if (b !== undefined) own.balance = b;
      return;
    }
    case 'hash-type': {
      const h = parseHashType(d);
      if (h !== undefined) own.hashType = h;
      return;
    }
    case 'option':
      parseOption(d, draft);
      return;
    case 'http-check':
      parseHttpCheck(d, draft);
      return;
    case 'tcp-check':
      parseTcpCheck(d, draft);
      return;
    case 'log': {
      if (d.modifier === 'no') {
        if (d.noMoreThan(0, 'no log')) draft.logOps.push({ op: 'clear', pos: d.pos });
        return;
      }
      if (d.modifier === 'default') {
        d.error(CfgCode.BAD_ARGUMENT, "'default log' is not supported; use 'no log' or 'log global'");
        return;
      }
      if (d.arg(1) === 'global') {
        if (d.noMoreThan(1, 'log global')) {
          draft.logOps.push({ op: 'add', target: { pos: d.pos, kind: 'global', format: 'rfc3164', facility: '' } });
        }
        return;
      }
      const t = parseLogTarget(d);
      if (t !== undefined) draft.logOps.push({ op: 'add', target: t });
      return;
    }
    case 'log-format':
      if (!d.need(1, kw, 'a format string (quote it)')) return;
      if (d.length > 2) {
        d.error(CfgCode.BAD_ARGUMENT, "'log-format' expects exactly one argument: put the format in double quotes");
        return;
      }
      setLogFormatSlot(draft);
      own.logFormat = { pos: d.pos, format: d.arg(1)! };
      return;
    case 'log-tag':
      if (d.need(1, kw, 'a tag') && d.noMoreThan(1, kw)) own.logTag = d.arg(1)!;
      return;
    case 'http-reuse': {
      const v = d.arg(1);
      if (v === 'never' || v === 'safe' || v === 'aggressive' || v === 'always') {
        if (d.noMoreThan(1, kw)) own.httpReuse = v;
      } else {
        d.error(
          CfgCode.BAD_VALUE,
          `'http-reuse' expects never, safe, aggressive or always${v !== undefined ? `, not '${v}'${suggestion(v, ['never', 'safe', 'aggressive', 'always'])}` : ''}`,
        );
      }
      return;
    }
    case 'server': {
      const s = parseServerLine(d, draft.defaultServer, draft.name);
      if (s === undefined) return;
      const dup = draft.servers.find((x) => x.name === s.name);
      if (dup !== undefined) {
        d.error(
          CfgCode.DUPLICATE,
          `${describe(draft)}: another server named '${s.name}' was already defined at ${dup.pos.file}:${dup.pos.line}, please use distinct names`,
        );
        return;
      }
      draft.servers.push(s);
      return;
    }
    case 'default-server': {
      const params = {};
      if (parseServerParams(d, 1, params, `default-server in ${describe(draft)}`, true)) {
        draft.defaultServer = mergeServerParams(draft.defaultServer, params);
        own.defaultServer = mergeServerParams(own.defaultServer, params);
      }
      return;
    }
    case 'disabled':
    case 'enabled':
      if (d.noMoreThan(0, kw)) draft.disabled = kw === 'disabled';
      return;
    case 'id': {
      const v = d.int(1, kw, 1, 2_147_483_647);
      if (v !== undefined && d.noMoreThan(1, kw)) draft.id = v;
      return;
    }
    case 'description':
      if (d.need(1, kw, 'a text')) draft.description = d.rest(1);
      return;
    case 'bind-process':
      d.warn(CfgCode.IGNORED, "'bind-process' is ignored: Hawser runs one process");
      return;
    case 'stats':
      parseStatsLine(d, draft);
      return;
    case 'email-alert':
      parseEmailAlert(d, draft.own);
      return;
    case 'compression':
      parseCompression(d, draft);
      return;
    case 'stick-table': {
      const other = draft.stickTable;
      if (other !== undefined) {
        d.error(CfgCode.DUPLICATE, `stick-table name '${draft.name}' conflicts with table declared in ${describe(draft)} at ${other.pos.file}:${other.pos.line}.`);
        return;
      }
      const t = parseStickTable(d, draft.name);
      if (t !== undefined) draft.stickTable = t;
      return;
    }
    case 'stick': {
      const r = parseStickRule(d);
      if (r !== undefined) (draft.stickRules ??= []).push(r);
      return;
    }
    case 'tcp-request':
      parseTcpRequest(d, draft);
      return;
    case 'capture':
      parseCapture(d, draft);
      return;
    case 'declare':
      parseDeclare(d, draft);
      return;
    case 'cookie':
      parseCookie(d, draft);
      return;
    case 'force-persist':
    case 'ignore-persist':
      parsePersistRule(d, draft);
      return;
    case 'errorfile':
    case 'errorloc':
    case 'errorloc302':
    case 'errorloc303':
    case 'http-error':
      parseErrorReply(d, draft);
      return;
  }
}

function parseUseBackend(d: Directive, draft: ProxyDraft): void {
  if (!d.need(1, 'use_backend', '<backend> [{if | unless} <condition>]')) return;
  const backend = d.arg(1)!;
  const rule: ProxyDraft['useBackends'][number] = { pos: d.pos, backend, dynamic: backend.includes('%[') };
  const cond = d.arg(2);
  if (cond !== undefined) {
    if (cond !== 'if' && cond !== 'unless') {
      d.error(CfgCode.BAD_ARGUMENT, `'use_backend ${backend}' expects 'if' or 'unless' followed by a condition, not '${cond}'`);
      return;
    }
    if (d.length < 4) {
      d.error(CfgCode.BAD_ARGUMENT, `'use_backend ${backend} ${cond}' expects a condition`);
      return;
    }
    rule.condition = { negate: cond === 'unless', words: d.words.slice(3) };
  }
  draft.useBackends.push(rule);
}

const LEGACY_TIMEOUTS: Readonly<Record<string, string>> = {
  contimeout: 'connect',
  clitimeout: 'client',
  srvtimeout: 'server',
};

function parseTimeout(d: Directive, draft: ProxyDraft): void {
  const name = d.arg(1);
  if (name === undefined || name === '') {
    d.error(CfgCode.BAD_ARGUMENT, `'timeout' expects a name (${Object.keys(TIMEOUTS).join(', ')}) and a time`);
    return;
  }
  const legacy = LEGACY_TIMEOUTS[name];
  if (legacy !== undefined) {
    d.error(CfgCode.DEPRECATED, `'timeout ${name}' is the old name: use 'timeout ${legacy}'`);
    return;
  }
  const t = TIMEOUTS[name];
  if (t === undefined) {
    d.error(CfgCode.UNKNOWN_KEYWORD, `unknown timeout '${name}' in ${describe(draft)}${suggestion(name, Object.keys(TIMEOUTS))}`);
    return;
  }
  if (t.field === undefined) {
    d.unsupported(`'timeout ${name}'`);
    return;
  }
  const label = `timeout ${name}`;
  const v = d.time(2, label);
  if (v === undefined || !d.noMoreThan(2, label)) return;
  if (draft.kind !== 'defaults' && !hasCap(draft.kind, t.cap)) {
    d.warn(CfgCode.WRONG_SECTION, `'${label}' will be ignored because ${describe(draft)} has no ${capName(t.cap)} capability`);
    return;
  }
  draft.own.timeouts[t.field as keyof Timeouts] = v;
}
