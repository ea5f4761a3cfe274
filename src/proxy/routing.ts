// Backend switching rules of each frontend: its `acl` lines and
// `use_backend NAME [if|unless COND]` / `use_backend %[EXPR]` rules,
// compiled once per configuration load in file order (a condition sees only
// the ACLs declared above it). `hawser -c` reports their errors as it does
// every configuration error; the engine evaluates them per request.

import { readFileSync } from 'node:fs';
import { PatternFiles, ProxyAcls, isAclError, type AclError, type Condition, type SampleExpression } from '../acl/index.ts';
import type { Config, Diagnostic, Frontend } from '../config/index.ts';

export interface RoutingRule {
  /** null: unconditional. */
  readonly cond: Condition | null;
  /** A static backend name, or null when `expr` names it per request. */
  readonly backend: string | null;
  readonly expr: SampleExpression | null;
}

export interface CompiledRouting {
  readonly rules: Map<string, RoutingRule[]>;
  readonly diagnostics: Diagnostic[];
}

export function compileRouting(config: Config): CompiledRouting {
  const files = new PatternFiles((path) => readFileSync(path, 'latin1'));
  const rules = new Map<string, RoutingRule[]>();
  const diagnostics: Diagnostic[] = [];
  for (const fe of config.frontends.values()) {
    rules.set(fe.name, compileFrontend(fe, config, files, diagnostics));
  }
  return { rules, diagnostics };
}

function compileFrontend(fe: Frontend, config: Config, files: PatternFiles, out: Diagnostic[]): RoutingRule[] {
  const acls = new ProxyAcls({
    files,
    proxy: fe.name,
    hasBackend: (name) => config.backends.has(name),
    hasServer: (b, s) => config.backends.get(b)?.servers.some((x) => x.name === s) === true,
  });
  // Declarations and rules interleaved in the order they were written.
  type Line = { line: number; acl?: Frontend['acls'][number]; rule?: Frontend['useBackends'][number] };
  const lines: Line[] = [
    ...fe.acls.map((acl) => ({ line: acl.pos.line, acl })),
    ...fe.useBackends.map((rule) => ({ line: rule.pos.line, rule })),
  ].sort((a, b) => a.line - b.line);
  const compiled: RoutingRule[] = [];
  for (const l of lines) {
    if (l.acl !== undefined) {
      const r = acls.declare(l.acl.words, l.acl.pos);
      if (isAclError(r)) out.push(toDiagnostic(r, l.acl.pos, `error detected while parsing ACL '${l.acl.words[0]}' : `));
      continue;
    }
    const rule = l.rule!;
    let cond: Condition | null = null;
    if (rule.condition !== undefined) {
      const c = acls.condition([rule.condition.negate ? 'unless' : 'if', ...rule.condition.words], rule.pos);
      if (isAclError(c)) {
        out.push(toDiagnostic(c, rule.pos, 'error detected while parsing switching rule : '));
        continue;
      }
      cond = c;
    }
    let expr: SampleExpression | null = null;
    if (rule.dynamic) {
      const e = acls.expression(rule.backend, rule.pos);
      if (isAclError(e)) {
        out.push(toDiagnostic(e, rule.pos, 'error detected while parsing switching rule : '));
        continue;
      }
      expr = e;
    }
    compiled.push({ cond, backend: rule.dynamic ? null : rule.backend, expr });
  }
  return compiled;
}

function toDiagnostic(e: AclError, pos: { file: string; line: number }, prefix: string): Diagnostic {
  return { code: e.code, severity: 'error', file: e.file ?? pos.file, line: e.line ?? pos.line, message: prefix + e.text };
}
