// Compiles one `http-request`, `http-response` or `http-after-response` line
// (the words after the keyword, already tokenised and unquoted) into an
// HttpRule, with HAProxy 2.6's arguments, defaults and messages. Returns a
// RuleError for a bad line, never throws.

import { AclError, type ProxyAcls } from '../acl/index.ts';
import { ERROR_STATUSES } from '../http/index.ts';
import { RuleCode, RuleError, type RulePos } from './errors.ts';
import type { NameMatch } from './header-edit.ts';
import { compileLogFormat, type LogFormat } from './log-format.ts';
import { haproxyReason } from './reasons.ts';
import { compileRuleRegex } from './regex-replace.ts';
import { authChallengeReply, errorPageReply, payloadReply } from './reply.ts';
import { type HttpActionKind, HttpRule, type HttpRulePhase, type RedirectType } from './rule.ts';
import { suggestion } from '../config/index.ts';
import { type ActionKeyword, type ActionProxy, RS_HTTP_AFTER_RESPONSE, RS_HTTP_REQUEST, RS_HTTP_RESPONSE } from './action.ts';
import { RuleLineParse } from './action-parse.ts';
import { actionNames, findAction } from './action-table.ts';

export interface RuleCompileOptions {
  /** Reads `return file` / `lf-file` payloads; throw when the file cannot be read. */
  loadFile(path: string): Buffer | string;
  /** The proxy the rule belongs to (its name, capabilities, capture slots); a bare frontend when absent. */
  proxy?: ActionProxy;
}

function bareProxy(): ActionProxy {
  return { name: '', kind: 'frontend', frontend: true, captures: { request: [], response: [] } };
}

const PHASE_SETS: Readonly<Record<HttpRulePhase, number>> = {
  request: RS_HTTP_REQUEST,
  response: RS_HTTP_RESPONSE,
  'after-response': RS_HTTP_AFTER_RESPONSE,
};

const REQUEST_ACTIONS: readonly HttpActionKind[] = [
  'allow', 'deny', 'tarpit', 'return', 'redirect', 'set-header', 'add-header', 'del-header', 'replace-header',
  'replace-value', 'set-path', 'set-pathq', 'replace-path', 'replace-pathq', 'set-query', 'set-uri', 'replace-uri', 'set-method',
  'use-service', 'auth',
];
const RESPONSE_ACTIONS: readonly HttpActionKind[] = [
  'allow', 'deny', 'return', 'set-header', 'add-header', 'del-header', 'replace-header', 'replace-value', 'set-status',
];
const AFTER_RESPONSE_ACTIONS: readonly HttpActionKind[] = [
  'allow', 'set-header', 'add-header', 'del-header', 'replace-header', 'replace-value', 'set-status',
];

/** HAProxy actions Hawser refuses for now (named, so the message says "not supported yet" rather than "unknown"). */
const LATER = new Set([
  'set-nice', 'set-tos', 'set-mark', 'add-acl', 'del-acl', 'set-map', 'del-map', 'lua',
  'wait-for-body', 'wait-for-handshake', 'early-hint', 'normalize-uri', 'reject', 'set-src', 'set-src-port',
  'set-dst', 'set-dst-port', 'do-resolve',
  'send-spoe-group', 'set-timeout', 'strict-mode', 'silent-drop', 'disable-l7-retry', 'set-priority-class',
  'set-priority-offset', 'set-bandwidth-limit',
]);

function actionsOf(phase: HttpRulePhase): readonly HttpActionKind[] {
  return phase === 'request' ? REQUEST_ACTIONS : phase === 'response' ? RESPONSE_ACTIONS : AFTER_RESPONSE_ACTIONS;
}

/** Statuses HAProxy accepts for deny/tarpit/return (100-599 minus the informational ones). */
function validReplyStatus(n: number): boolean {
  return Number.isInteger(n) && n >= 200 && n <= 599;
}

function parseIntWord(w: string | undefined): number {
  return w !== undefined && /^[0-9]+$/.test(w) ? Number(w) : NaN;
}

class Compiler {
  readonly phase: HttpRulePhase;
  readonly words: readonly string[];
  readonly acls: ProxyAcls;
  readonly pos: RulePos | undefined;
  readonly opts: RuleCompileOptions;
  readonly kw: string;
  /** The index of `if`/`unless` (or words.length). */
  readonly condAt: number;

  constructor(phase: HttpRulePhase, words: readonly string[], acls: ProxyAcls, pos: RulePos | undefined, opts: RuleCompileOptions) {
    this.phase = phase;
    this.words = words;
    this.acls = acls;
    this.pos = pos;
    this.opts = opts;
    this.kw = `http-${phase} ${words[0]}`;
    let c = 1;
    while (c < words.length && words[c] !== 'if' && words[c] !== 'unless') c++;
    this.condAt = c;
  }

  fail(code: string, message: string, hint = ''): RuleError {
    return new RuleError(code, `error detected while parsing '${this.kw}' rule : ${message}`, this.pos, hint);
  }

  /** The argument words (between the action and the condition). */
  args(): readonly string[] {
    return this.words.slice(1, this.condAt);
  }

  /** HAProxy's complaint about a word where the condition should start. */
  trailing(found: string): RuleError {
    return new RuleError(
      RuleCode.BAD_ARGUMENT,
      `'${this.kw}' expects either 'if' or 'unless' followed by a condition but found '${found}'.`,
      this.pos,
    );
  }

  format(text: string): LogFormat | RuleError {
    return compileLogFormat(text, this.acls, this.pos, `error detected while parsing '${this.kw}' rule`);
  }

  regex(text: string): RegExp | RuleError {
    return compileRuleRegex(text, this.pos, `error detected while parsing '${this.kw}' rule`);
  }

  /** Exactly `n` arguments, else HAProxy's message (`extra` names them). */
  exactly(n: number, extra: string): readonly string[] | RuleError {
    const a = this.args();
    if (a.length === n) return a;
    if (a.length > n && this.words.slice(1).length > n) return this.trailing(a[n]!);
    return this.fail(RuleCode.BAD_ARGUMENT, `expects exactly ${n} argument${n > 1 ? 's' : ''}${extra}.`);
  }
}

/**
 * Compiles the words after `http-request` (or `http-response`,
 * `http-after-response`): the action, its arguments, then `if`/`unless` and
 * a condition over `acls` (the proxy's ACLs declared so far).
 */
export function compileHttpRule(
  phase: HttpRulePhase,
  words: readonly string[],
  acls: ProxyAcls,
  pos: RulePos | undefined,
  opts: RuleCompileOptions,
): HttpRule | RuleError {
  const action = words[0] ?? '';
  const actions = actionsOf(phase);
  if (!(actions as readonly string[]).includes(action)) {
    const bit = PHASE_SETS[phase];
    const shared = findAction(action);
    if (shared !== undefined && (shared.sets & bit) !== 0) return compileSharedAction(phase, bit, words, acls, pos, opts, shared);
    const base = action.replace(/\(.*$/, '');
    if (LATER.has(base) || (base === 'redirect' && phase === 'response')) {
      return new RuleError(RuleCode.UNSUPPORTED, `'http-${phase} ${base}' is not supported yet by Hawser.`, pos);
    }
    const names = [...actions, ...actionNames(bit)];
    const list = names.map((a) => `'${a}'`).join(', ');
    return new RuleError(RuleCode.UNKNOWN_ACTION, `'http-${phase}' expects ${list}, but got '${action}'.`, pos, suggestion(action, names));
  }
  const c = new Compiler(phase, words, acls, pos, opts);
  const kind = action as HttpActionKind;
  const rule = new HttpRule(phase, kind, pos);
  const r = compileAction(c, rule);
  if (r !== undefined) return r;
  if (c.condAt < words.length) {
    const cond = acls.condition(words.slice(c.condAt), pos);
    if (cond instanceof AclError) return RuleError.fromAcl(cond, `error detected while parsing '${c.kw}' rule : `, pos);
    rule.cond = cond;
  }
  return rule;
}

/** An action of the shared table (set-var, capture, set-log-level...) in an http-* rule. */
function compileSharedAction(
  phase: HttpRulePhase,
  bit: number,
  words: readonly string[],
  acls: ProxyAcls,
  pos: RulePos | undefined,
  opts: RuleCompileOptions,
  kw: ActionKeyword,
): HttpRule | RuleError {
  let condAt = 1;
  while (condAt < words.length && words[condAt] !== 'if' && words[condAt] !== 'unless') condAt++;
  const where = `http-${phase}`;
  const p = new RuleLineParse(words[0]!, words.slice(1, condAt), bit, where, opts.proxy ?? bareProxy(), acls, pos);
  const action = kw.parse(p);
  if (action instanceof RuleError) return action;
  const rule = new HttpRule(phase, 'action', pos);
  rule.action = action;
  if (condAt < words.length) {
    const cond = acls.condition(words.slice(condAt), pos);
    if (cond instanceof AclError) return RuleError.fromAcl(cond, `error detected while parsing '${where} ${words[0]}' rule : `, pos);
    rule.cond = cond;
  }
  return rule;
}

/** The services `use-service` can name (HAProxy's built-in ones Hawser has). */
const SERVICES = ['prometheus-exporter'];

function compileAction(c: Compiler, rule: HttpRule): RuleError | undefined {
  switch (rule.kind) {
    case 'use-service': {
      const a = c.args();
      if (a.length === 0) return c.fail(RuleCode.BAD_ARGUMENT, 'expects a service name.');
      if (!SERVICES.includes(a[0]!)) return c.fail(RuleCode.BAD_ARGUMENT, `'${a[0]}' unknown service name.`);
      if (a.length > 1) return c.trailing(a[1]!);
      rule.service = a[0]!;
      return undefined;
    }
    case 'allow': {
      const a = c.args();
      return a.length > 0 ? c.trailing(a[0]!) : undefined;
    }
    case 'set-header':
    case 'add-header': {
      const a = c.exactly(2, '');
      if (a instanceof RuleError) return a;
      rule.name = a[0]!;
      rule.lower = a[0]!.toLowerCase();
      const f = c.format(a[1]!);
      if (f instanceof RuleError) return f;
      rule.value = f;
      return undefined;
    }
    case 'del-header':
      return compileDelHeader(c, rule);
    case 'replace-header':
    case 'replace-value': {
      const a = c.exactly(3, '');
      if (a instanceof RuleError) return a;
      rule.name = a[0]!;
      rule.lower = a[0]!.toLowerCase();
      const re = c.regex(a[1]!);
      if (re instanceof RuleError) return re;
      rule.regex = re;
      const f = c.format(a[2]!);
      if (f instanceof RuleError) return f;
      rule.value = f;
      return undefined;
    }
    case 'set-path':
    case 'set-pathq':
    case 'set-query':
    case 'set-uri':
    case 'set-method': {
      const a = c.exactly(1, ' <format>');
      if (a instanceof RuleError) return a;
      const f = c.format(a[0]!);
      if (f instanceof RuleError) return f;
      rule.value = f;
      return undefined;
    }
    case 'replace-path':
    case 'replace-pathq':
    case 'replace-uri': {
      const a = c.exactly(2, ' <match-regex> and <replace-format>');
      if (a instanceof RuleError) return a;
      const re = c.regex(a[0]!);
      if (re instanceof RuleError) return re;
      rule.regex = re;
      const f = c.format(a[1]!);
      if (f instanceof RuleError) return f;
      rule.value = f;
      return undefined;
    }
    case 'set-status':
      return compileSetStatus(c, rule);
    case 'deny':
    case 'tarpit':
    case 'return':
      return compileReply(c, rule);
    case 'redirect':
      return compileRedirect(c, rule);
    case 'auth':
      return compileAuth(c, rule);
  }
}

/** `auth [realm <realm>]`: the realm defaults to the proxy's name, as in HAProxy. */
function compileAuth(c: Compiler, rule: HttpRule): RuleError | undefined {
  const a = c.args();
  let realm = c.opts.proxy?.name ?? '';
  if (a.length > 0) {
    if (a[0] !== 'realm') return c.trailing(a[0]!);
    if (a[1] === undefined) return c.fail(RuleCode.BAD_ARGUMENT, 'missing realm value.');
    if (a.length > 2) return c.trailing(a[2]!);
    realm = a[1];
  }
  rule.reply = authChallengeReply(realm);
  return undefined;
}

function compileDelHeader(c: Compiler, rule: HttpRule): RuleError | undefined {
  const a = c.args();
  if (a.length === 0) return c.fail(RuleCode.BAD_ARGUMENT, 'expects at least 1 argument.');
  rule.name = a[0]!;
  rule.lower = a[0]!.toLowerCase();
  if (a.length === 1) return undefined;
  if (a[1] !== '-m') return c.trailing(a[1]!);
  const m = a[2];
  if (m === undefined) return c.fail(RuleCode.BAD_ARGUMENT, "-m expects a matching method ('str', 'beg', 'end', 'sub' or 'reg').");
  if (m !== 'str' && m !== 'beg' && m !== 'end' && m !== 'sub' && m !== 'reg') {
    return c.fail(RuleCode.BAD_ARGUMENT, `-m with unsupported matching method '${m}'.`);
  }
  if (a.length > 3) return c.trailing(a[3]!);
  rule.match = m as NameMatch;
  if (m === 'reg') {
    const re = c.regex(a[0]!);
    if (re instanceof RuleError) return re;
    rule.regex = re;
  }
  return undefined;
}

function compileSetStatus(c: Compiler, rule: HttpRule): RuleError | undefined {
  const a = c.args();
  const n = parseIntWord(a[0]);
  if (!(n >= 100 && n <= 999)) return c.fail(RuleCode.BAD_ARGUMENT, 'expects an integer status code between 100 and 999.');
  rule.status = n;
  if (a.length === 1) return undefined;
  if (a[1] !== 'reason' || a.length < 3) return c.trailing(a[1]!);
  if (a.length > 3) return c.trailing(a[3]!);
  rule.reason = a[2]!;
  return undefined;
}

/** deny / tarpit / return: HAProxy's http reply arguments. */
function compileReply(c: Compiler, rule: HttpRule): RuleError | undefined {
  const a = c.args();
  const isReturn = rule.kind === 'return';
  let status = isReturn ? 200 : rule.kind === 'tarpit' ? 500 : c.phase === 'request' ? 403 : 502;
  let statusSeen = false;
  let contentType: string | null = null;
  let body: Buffer | LogFormat | null = null;
  const fields: (string | LogFormat)[] = [];
  for (let i = 0; i < a.length; i++) {
    const w = a[i]!;
    const v = a[i + 1];
    const needs = (): RuleError => c.fail(RuleCode.BAD_ARGUMENT, `'${w}' expects an argument.`);
    if ((w === 'status' || (w === 'deny_status' && !isReturn)) && !statusSeen) {
      const n = parseIntWord(v);
      if (v === undefined) return needs();
      if (!validReplyStatus(n)) return c.fail(RuleCode.BAD_ARGUMENT, `Unexpected status code '${v}'.`);
      status = n;
      statusSeen = true;
      i++;
    } else if (w === 'content-type') {
      if (v === undefined) return needs();
      contentType = v;
      i++;
    } else if ((w === 'string' || w === 'lf-string' || w === 'file' || w === 'lf-file') && body === null) {
      if (v === undefined) return needs();
      let text = v;
      if (w === 'file' || w === 'lf-file') {
        try {
          const data = c.opts.loadFile(v);
          text = typeof data === 'string' ? data : data.toString('latin1');
        } catch {
          return new RuleError(RuleCode.BAD_FILE, `error detected while parsing '${c.kw}' rule : error opening file '${v}'.`, c.pos);
        }
      }
      if (w === 'lf-string' || w === 'lf-file') {
        const f = c.format(text);
        if (f instanceof RuleError) return f;
        body = f.constant !== undefined ? Buffer.from(f.constant, 'latin1') : f;
      } else {
        body = Buffer.from(text, 'latin1');
      }
      i++;
    } else if (w === 'hdr') {
      const hv = a[i + 2];
      if (v === undefined || hv === undefined) return c.fail(RuleCode.BAD_ARGUMENT, "'hdr' expects <name> and <value> as arguments.");
      const l = v.toLowerCase();
      // HAProxy ignores these (with a warning): it states them itself
      if (l !== 'content-length' && l !== 'content-type' && l !== 'transfer-encoding') {
        const f = c.format(hv);
        if (f instanceof RuleError) return f;
        fields.push(v, f.constant ?? f);
      }
      i += 2;
    } else if (w === 'errorfile' || w === 'errorfiles' || w === 'default-errorfiles') {
      return new RuleError(RuleCode.UNSUPPORTED, `error detected while parsing '${c.kw}' rule : '${w}' is not supported yet by Hawser.`, c.pos);
    } else {
      return c.trailing(w);
    }
  }
  const hasBody = body !== null && (!(body instanceof Buffer) || body.length > 0);
  if (hasBody && contentType === null) {
    return c.fail(RuleCode.BAD_ARGUMENT, 'a content type must be defined when non-empty payload is configured.');
  }
  if (hasBody && (status === 204 || status === 304)) return c.fail(RuleCode.BAD_ARGUMENT, `No body expected for ${status} responses.`);
  if (!isReturn && body === null && fields.length === 0) {
    // no payload: HAProxy's error page for the status
    if (!ERROR_STATUSES.includes(status)) {
      return c.fail(RuleCode.BAD_ARGUMENT, `status code '${status}' not handled by default with 'default-errorfiles' argument.`);
    }
    rule.reply = errorPageReply(status);
    return undefined;
  }
  const reason = haproxyReason(status);
  const b = body ?? Buffer.alloc(0);
  if (b instanceof Buffer && fields.every((f) => typeof f === 'string')) {
    rule.reply = payloadReply(status, reason, fields as string[], contentType, b);
  } else {
    rule.dynamicReply = { status, reason, contentType, fields, body: b };
  }
  return undefined;
}

function compileRedirect(c: Compiler, rule: HttpRule): RuleError | undefined {
  const a = c.args();
  let type: RedirectType | null = null;
  let value: LogFormat | null = null;
  let code = 302;
  let dropQuery = false;
  let appendSlash = false;
  let ignoreEmpty = false;
  let cookie = '';
  for (let i = 0; i < a.length; i++) {
    const w = a[i]!;
    const v = a[i + 1];
    if (w === 'location' || w === 'prefix' || w === 'scheme') {
      if (v === undefined) return c.fail(RuleCode.BAD_ARGUMENT, `missing argument for '${w}'.`);
      type = w;
      const f = c.format(v);
      if (f instanceof RuleError) return f;
      value = f;
      i++;
    } else if (w === 'code') {
      if (v === undefined) return c.fail(RuleCode.BAD_ARGUMENT, "missing argument for 'code'.");
      const n = parseIntWord(v);
      if (n !== 301 && n !== 302 && n !== 303 && n !== 307 && n !== 308) {
        return c.fail(RuleCode.BAD_ARGUMENT, `'code': unsupported HTTP code '${v}' (must be one of 301, 302, 303, 307 or 308).`);
      }
      code = n;
      i++;
    } else if (w === 'set-cookie' || w === 'clear-cookie') {
      if (v === undefined) return c.fail(RuleCode.BAD_ARGUMENT, `missing argument for '${w}'.`);
      cookie = w === 'set-cookie' ? `${v}; path=/;` : `${v}; path=/; Max-Age=0;`;
      i++;
    } else if (w === 'drop-query') dropQuery = true;
    else if (w === 'append-slash') appendSlash = true;
    else if (w === 'ignore-empty') ignoreEmpty = true;
    else {
      return c.fail(
        RuleCode.BAD_ARGUMENT,
        `expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was '${w}').`,
      );
    }
  }
  if (type === null || value === null) {
    return c.fail(RuleCode.BAD_ARGUMENT, "redirection type expected ('prefix', 'location', or 'scheme').");
  }
  rule.redirect = { type, value, code, dropQuery, appendSlash, ignoreEmpty, cookie };
  return undefined;
}
