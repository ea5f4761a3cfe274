// The rules of each proxy, compiled once per configuration load: its `acl`
// lines, its `use_backend` switching rules (frontends) and its
// `http-request` / `http-response` / `http-after-response` rules, in file
// order (a condition sees only the ACLs declared above it). `hawser -c`
// reports their errors as it does every configuration error; the engine
// evaluates them per request.

import { readFileSync } from 'node:fs';
import { PatternFiles, ProxyAcls, isAclError, type AclError, type Condition, type SampleExpression } from '../acl/index.ts';
import type { Backend, Config, Diagnostic, Frontend, SourcePos } from '../config/index.ts';
import type { PersistRule } from '../backend/index.ts';
import type { CookieCapture } from '../persist/index.ts';
import { compileTls, type CompiledTls } from './tls-setup.ts';
import { StickTableSet } from './stick-tables.ts';
import { compileStickRule } from './stick-rules.ts';
import { userlistsOf } from './userlists.ts';
import { compileErrorReplies } from './error-replies.ts';
import type { StickRule, StickRules } from '../stick/index.ts';
import { suggestion } from '../config/index.ts';
import {
  CacheAction,
  RuleCode,
  compileHttpRule,
  compileTcpRule,
  isRuleError,
  type ActionProxy,
  type CaptureSlots,
  type HttpRule,
  type TcpRule,
} from '../rules/index.ts';

export interface RoutingRule {
  /** null: unconditional. */
  readonly cond: Condition | null;
  /** A static backend name, or null when `expr` names it per request. */
  readonly backend: string | null;
  readonly expr: SampleExpression | null;
}

/** Everything a proxy evaluates per connection and per request. */
export interface ProxyRules {
  readonly switching: RoutingRule[];
  readonly request: HttpRule[];
  readonly response: HttpRule[];
  readonly afterResponse: HttpRule[];
  /** tcp-request connection / session / content rules, and the inspect-delay (ms, 0: none). */
  readonly tcpConnection: TcpRule[];
  readonly tcpSession: TcpRule[];
  readonly tcpContent: TcpRule[];
  readonly inspectDelay: number;
  /** Capture slots (frontends): `capture ... header`, `declare capture`, `capture ... len`. */
  readonly captures: CaptureSlots;
  /** `stick` rules (backends); null when there are none. */
  readonly stick: StickRules | null;
  /** force-persist / ignore-persist (backends), in file order. */
  readonly persist: PersistRule[];
  /** `capture cookie NAME len N` (frontends), for %CC / %CS. */
  readonly cookieCapture: CookieCapture | null;
  /** errorfile / errorloc / http-error: the proxy's reply for a status it produces. */
  readonly errorReplies: ReadonlyMap<number, HttpRule>;
}

export interface CompiledRouting {
  readonly frontends: Map<string, ProxyRules>;
  readonly backends: Map<string, ProxyRules>;
  /** Certificates, TLS settings and server SNI expressions (src/tls reads the files). */
  readonly tls: CompiledTls;
  /** The stick tables, as refs the engine binds to the running tables. */
  readonly tables: StickTableSet;
  readonly diagnostics: Diagnostic[];
}

export const NO_RULES: ProxyRules = {
  switching: [],
  request: [],
  response: [],
  afterResponse: [],
  tcpConnection: [],
  tcpSession: [],
  tcpContent: [],
  inspectDelay: 0,
  captures: { request: [], response: [] },
  stick: null,
  persist: [],
  cookieCapture: null,
  errorReplies: new Map(),
};

export function compileRouting(config: Config): CompiledRouting {
  const loadFile = (path: string): string => readFileSync(path, 'latin1');
  const files = new PatternFiles(loadFile);
  const diagnostics: Diagnostic[] = [];
  const tables = new StickTableSet(config);
  const out: CompiledRouting = { frontends: new Map(), backends: new Map(), tls: compileTls(config, files, diagnostics), tables, diagnostics };
  for (const fe of config.frontends.values()) out.frontends.set(fe.name, compileProxy(fe, fe.useBackends, config, files, loadFile, out.diagnostics, tables));
  for (const be of config.backends.values()) {
    // A listen section's lines were compiled (and reported) with its frontend part.
    const report = be.fromListen ? [] : out.diagnostics;
    out.backends.set(be.name, compileProxy(be, [], config, files, loadFile, report, tables));
  }
  return out;
}

type Line =
  | { line: number; kind: 'acl'; acl: Frontend['acls'][number] }
  | { line: number; kind: 'switch'; rule: Frontend['useBackends'][number] }
  | { line: number; kind: 'http'; rule: Frontend['httpRules'][number] }
  | { line: number; kind: 'tcp'; rule: Frontend['tcpRules'][number] }
  | { line: number; kind: 'capture'; capture: Frontend['captures'][number] }
  | { line: number; kind: 'stick'; rule: NonNullable<Frontend['stickRules']>[number] }
  | { line: number; kind: 'persist'; rule: Frontend['persistRules'][number] };

/**
 * HAProxy runs rule sets in this order whatever the order of the lines, and
 * warns about a line written after one of a set that runs later.
 */
const RULE_ORDER = ['tcp-request connection', 'tcp-request session', 'tcp-request content', 'http-request', 'use_backend'] as const;

function ruleRank(l: Line): number {
  if (l.kind === 'tcp') return RULE_ORDER.indexOf(`tcp-request ${l.rule.set}`);
  if (l.kind === 'http') return l.rule.phase === 'request' ? 3 : -1;
  if (l.kind === 'switch') return 4;
  return -1;
}

/** HAProxy's "a 'K' rule placed after a 'L' rule will still be processed before." for the nearest later set seen. */
function misplaced(l: Line, seen: boolean[]): string | undefined {
  const rank = ruleRank(l);
  if (rank < 0) return undefined;
  for (let later = rank + 1; later < RULE_ORDER.length; later++) {
    if (!seen[later]) continue;
    const kw = l.kind === 'tcp' ? 'tcp-request' : l.kind === 'http' ? 'http-request' : 'use_backend';
    const name = RULE_ORDER[later]!;
    return `a '${kw}' rule placed after ${/^[aeiouh]/.test(name) ? 'an' : 'a'} '${name}' rule will still be processed before.`;
  }
  return undefined;
}

function compileProxy(
  p: Frontend | Backend,
  switching: Frontend['useBackends'],
  config: Config,
  files: PatternFiles,
  loadFile: (path: string) => string,
  out: Diagnostic[],
  tables: StickTableSet,
): ProxyRules {
  const acls = new ProxyAcls({
    files,
    proxy: p.name,
    hasBackend: (name) => config.backends.has(name),
    hasServer: (b, s) => config.backends.get(b)?.servers.some((x) => x.name === s) === true,
    stickTable: tables.resolve,
    userlist: userlistsOf(config),
  });
  const lines: Line[] = [
    ...p.acls.map((acl) => ({ line: acl.pos.line, kind: 'acl' as const, acl })),
    ...switching.map((rule) => ({ line: rule.pos.line, kind: 'switch' as const, rule })),
    ...p.httpRules.map((rule) => ({ line: rule.pos.line, kind: 'http' as const, rule })),
    ...p.tcpRules.map((rule) => ({ line: rule.pos.line, kind: 'tcp' as const, rule })),
    ...p.captures.map((capture) => ({ line: capture.pos.line, kind: 'capture' as const, capture })),
    ...(p.stickRules ?? []).map((rule) => ({ line: rule.pos.line, kind: 'stick' as const, rule })),
    ...p.persistRules.map((rule) => ({ line: rule.pos.line, kind: 'persist' as const, rule })),
  ].sort((a, b) => a.line - b.line);
  const captures: CaptureSlots = { request: [], response: [] };
  const rules = {
    switching: [] as RoutingRule[],
    request: [] as HttpRule[],
    response: [] as HttpRule[],
    afterResponse: [] as HttpRule[],
    tcpConnection: [] as TcpRule[],
    tcpSession: [] as TcpRule[],
    tcpContent: [] as TcpRule[],
    inspectDelay: p.inspectDelay ?? 0,
    captures,
    stick: null as StickRules | null,
    persist: [] as PersistRule[],
    cookieCapture: null as CookieCapture | null,
    errorReplies: new Map() as ReadonlyMap<number, HttpRule>,
  };
  const stickRequest: StickRule[] = [];
  const stickResponse: StickRule[] = [];
  const proxy: ActionProxy = {
    name: p.name,
    kind: p.fromListen ? 'proxy' : 'binds' in p ? 'frontend' : 'backend',
    frontend: 'binds' in p,
    captures,
  };
  // errorfile / http-error problems are reported before the rules' (where such lines usually stand)
  rules.errorReplies = compileErrorReplies(p.errorReplies, acls, loadFile, proxy, out);
  const seen: boolean[] = [];
  for (const l of lines) {
    const file = l.kind === 'acl' ? l.acl.pos.file : l.kind === 'capture' ? l.capture.pos.file : l.rule.pos.file;
    const warning = misplaced(l, seen);
    if (warning !== undefined) out.push({ code: 'HAWSER_CFG_RULE_ORDER', severity: 'warning', file, line: l.line, message: warning });
    const rank = ruleRank(l);
    if (rank >= 0) seen[rank] = true;
    if (l.kind === 'capture') {
      const c = l.capture;
      // `capture cookie` is logged as %CC / %CS, not in a slot.
      if (c.kind === 'cookie') rules.cookieCapture = { name: c.name, len: c.len };
      else (c.direction === 'request' ? captures.request : captures.response).push({ len: c.len, header: c.kind === 'header' ? c.name.toLowerCase() : null });
    } else if (l.kind === 'tcp') {
      const r = compileTcpRule(l.rule.set, l.rule.words, acls, l.rule.pos, proxy);
      if (isRuleError(r)) {
        out.push({ code: r.code, severity: 'error', file: r.file ?? l.rule.pos.file, line: r.line ?? l.rule.pos.line, message: ruleMessage(r) });
        continue;
      }
      if (l.rule.set === 'connection') rules.tcpConnection.push(r);
      else if (l.rule.set === 'session') rules.tcpSession.push(r);
      else rules.tcpContent.push(r);
    } else if (l.kind === 'persist') {
      const c = acls.condition(l.rule.words, l.rule.pos);
      if (isAclError(c)) out.push(aclDiagnostic(c, l.rule.pos, `error detected while parsing a '${l.rule.kind}-persist' rule : `));
      else rules.persist.push({ force: l.rule.kind === 'force', cond: c });
    } else if (l.kind === 'stick') {
      const r = compileStickRule(l.rule, acls, tables, p.name);
      if ('severity' in r) out.push(r);
      else (r.onResponse ? stickResponse : stickRequest).push(r);
    } else if (l.kind === 'acl') {
      const r = acls.declare(l.acl.words, l.acl.pos);
      if (isAclError(r)) out.push(aclDiagnostic(r, l.acl.pos, `error detected while parsing ACL '${l.acl.words[0]}' : `));
    } else if (l.kind === 'switch') {
      const r = compileSwitch(l.rule, acls);
      if (isAclError(r)) out.push(aclDiagnostic(r, l.rule.pos, 'error detected while parsing switching rule : '));
      else rules.switching.push(r);
    } else {
      const r = compileHttpRule(l.rule.phase, l.rule.words, acls, l.rule.pos, { loadFile, proxy });
      if (isRuleError(r)) {
        out.push({ code: r.code, severity: 'error', file: r.file ?? l.rule.pos.file, line: r.line ?? l.rule.pos.line, message: ruleMessage(r) });
        continue;
      }
      const cache = r.action instanceof CacheAction ? r.action.cache : undefined;
      if (cache !== undefined && !config.caches.has(cache)) {
        const message = `${proxy.kind} '${p.name}': unable to find the cache '${cache}' referenced by 'http-${l.rule.phase} ${l.rule.words[0]}'${suggestion(cache, [...config.caches.keys()])}`;
        out.push({ code: RuleCode.BAD_ARGUMENT, severity: 'error', file: l.rule.pos.file, line: l.rule.pos.line, message });
        continue;
      }
      if (l.rule.phase === 'request') rules.request.push(r);
      else if (l.rule.phase === 'response') rules.response.push(r);
      else rules.afterResponse.push(r);
    }
  }
  if (stickRequest.length + stickResponse.length > 0) rules.stick = { request: stickRequest, response: stickResponse };
  return rules;
}

function compileSwitch(rule: Frontend['useBackends'][number], acls: ProxyAcls): RoutingRule | AclError {
  let cond: Condition | null = null;
  if (rule.condition !== undefined) {
    const c = acls.condition([rule.condition.negate ? 'unless' : 'if', ...rule.condition.words], rule.pos);
    if (isAclError(c)) return c;
    cond = c;
  }
  let expr: SampleExpression | null = null;
  if (rule.dynamic) {
    const e = acls.expression(rule.backend, rule.pos);
    if (isAclError(e)) return e;
    expr = e;
  }
  return { cond, backend: rule.dynamic ? null : rule.backend, expr };
}

/** The message of a rule error without its code and position (the diagnostic carries those). */
function ruleMessage(r: { message: string; hint?: string }): string {
  return r.message + (r.hint ?? '');
}

function aclDiagnostic(e: AclError, pos: SourcePos, prefix: string): Diagnostic {
  return { code: e.code, severity: 'error', file: e.file ?? pos.file, line: e.line ?? pos.line, message: prefix + e.text };
}
