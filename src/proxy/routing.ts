// The rules of each proxy, compiled once per configuration load: its `acl`
// lines, its `use_backend` switching rules (frontends) and its
// `http-request` / `http-response` / `http-after-response` rules, in file
// order (a condition sees only the ACLs declared above it). `hawser -c`
// reports their errors as it does every configuration error; the engine
// evaluates them per request.

import { readFileSync } from 'node:fs';
import { PatternFiles, ProxyAcls, isAclError, type AclError, type Condition, type SampleExpression } from '../acl/index.ts';
import type { Backend, Config, Diagnostic, Frontend, SourcePos } from '../config/index.ts';
import { compileHttpRule, isRuleError, type HttpRule } from '../rules/index.ts';

export interface RoutingRule {
  /** null: unconditional. */
  readonly cond: Condition | null;
  /** A static backend name, or null when `expr` names it per request. */
  readonly backend: string | null;
  readonly expr: SampleExpression | null;
}

/** Everything a proxy evaluates per request. */
export interface ProxyRules {
  readonly switching: RoutingRule[];
  readonly request: HttpRule[];
  readonly response: HttpRule[];
  readonly afterResponse: HttpRule[];
}

export interface CompiledRouting {
  readonly frontends: Map<string, ProxyRules>;
  readonly backends: Map<string, ProxyRules>;
  readonly diagnostics: Diagnostic[];
}

export const NO_RULES: ProxyRules = { switching: [], request: [], response: [], afterResponse: [] };

export function compileRouting(config: Config): CompiledRouting {
  const loadFile = (path: string): string => readFileSync(path, 'latin1');
  const files = new PatternFiles(loadFile);
  const out: CompiledRouting = { frontends: new Map(), backends: new Map(), diagnostics: [] };
  for (const fe of config.frontends.values()) out.frontends.set(fe.name, compileProxy(fe, fe.useBackends, config, files, loadFile, out.diagnostics));
  for (const be of config.backends.values()) {
    // A listen section's lines were compiled (and reported) with its frontend part.
    const report = be.fromListen ? [] : out.diagnostics;
    out.backends.set(be.name, compileProxy(be, [], config, files, loadFile, report));
  }
  return out;
}

type Line =
  | { line: number; kind: 'acl'; acl: Frontend['acls'][number] }
  | { line: number; kind: 'switch'; rule: Frontend['useBackends'][number] }
  | { line: number; kind: 'http'; rule: Frontend['httpRules'][number] };

function compileProxy(
  p: Frontend | Backend,
  switching: Frontend['useBackends'],
  config: Config,
  files: PatternFiles,
  loadFile: (path: string) => string,
  out: Diagnostic[],
): ProxyRules {
  const acls = new ProxyAcls({
    files,
    proxy: p.name,
    hasBackend: (name) => config.backends.has(name),
    hasServer: (b, s) => config.backends.get(b)?.servers.some((x) => x.name === s) === true,
  });
  const lines: Line[] = [
    ...p.acls.map((acl) => ({ line: acl.pos.line, kind: 'acl' as const, acl })),
    ...switching.map((rule) => ({ line: rule.pos.line, kind: 'switch' as const, rule })),
    ...p.httpRules.map((rule) => ({ line: rule.pos.line, kind: 'http' as const, rule })),
  ].sort((a, b) => a.line - b.line);
  const rules = { switching: [] as RoutingRule[], request: [] as HttpRule[], response: [] as HttpRule[], afterResponse: [] as HttpRule[] };
  for (const l of lines) {
    if (l.kind === 'acl') {
      const r = acls.declare(l.acl.words, l.acl.pos);
      if (isAclError(r)) out.push(aclDiagnostic(r, l.acl.pos, `error detected while parsing ACL '${l.acl.words[0]}' : `));
    } else if (l.kind === 'switch') {
      const r = compileSwitch(l.rule, acls);
      if (isAclError(r)) out.push(aclDiagnostic(r, l.rule.pos, 'error detected while parsing switching rule : '));
      else rules.switching.push(r);
    } else {
      const r = compileHttpRule(l.rule.phase, l.rule.words, acls, l.rule.pos, { loadFile });
      if (isRuleError(r)) {
        out.push({ code: r.code, severity: 'error', file: r.file ?? l.rule.pos.file, line: r.line ?? l.rule.pos.line, message: ruleMessage(r) });
        continue;
      }
      if (l.rule.phase === 'request') rules.request.push(r);
      else if (l.rule.phase === 'response') rules.response.push(r);
      else rules.afterResponse.push(r);
    }
  }
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
