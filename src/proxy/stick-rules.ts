// Compiles a backend's `stick on|match|store-request|store-response` lines
// into StickRules (src/stick/persistence.ts), with the proxy's ACLs and
// HAProxy 2.6's checks and messages: the pattern must have a value when the
// rule runs, the table must exist and take keys of the pattern's type. And
// what a session keeps while it applies them.

import { canCast, isAclError, Sample, USE_REQ, USE_RES, type Condition, type ProxyAcls, type SampleContext } from '../acl/index.ts';
import type { PersistRule, RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import type { Diagnostic, StickRuleLine } from '../config/index.ts';
import { PendingStores, StickRule, stickRequest, stickResponse, type StickTarget } from '../stick/index.ts';
import type { StickTableSet } from './stick-tables.ts';

const CODE = 'HAWSER_CFG_BAD_ARGUMENT';

function diag(line: StickRuleLine, message: string, code = CODE, at?: { file?: string; line?: number }): Diagnostic {
  return { code, severity: 'error', file: at?.file ?? line.pos.file, line: at?.line ?? line.pos.line, message };
}

/** One `stick` line of proxy `proxy`; a Diagnostic when it cannot be used. */
export function compileStickRule(line: StickRuleLine, acls: ProxyAcls, tables: StickTableSet, proxy: string): StickRule | Diagnostic {
  const expr = acls.expression(line.pattern, line.pos);
  if (isAclError(expr)) return diag(line, `'stick': ${expr.text}`, expr.code, expr);
  const onResponse = line.kind === 'store-response';
  if ((expr.use & (onResponse ? USE_RES : USE_REQ)) === 0) {
    return diag(
      line,
      `'stick': fetch method '${expr.fetch.name}' extracts information that is not available ${onResponse ? "for 'store-response'" : 'during request'}.`,
    );
  }
  let cond: Condition | null = null;
  if (line.condition !== undefined) {
    const c = acls.condition(line.condition, line.pos);
    if (isAclError(c)) return diag(line, `'stick': error detected while parsing sticking condition : ${c.text}.`, c.code, c);
    cond = c;
  }
  const name = line.table ?? proxy;
  const ref = tables.resolve(name);
  if (ref === undefined) {
    return diag(line, `Proxy '${proxy}': unable to find ${onResponse ? 'store table' : 'stick-table'} '${name}'.`);
  }
  if (!canCast(expr.type, ref.sampleType)) return diag(line, `Proxy '${proxy}': type of fetch not usable with type of stick-table '${name}'.`);
  ref.server = true;
  return new StickRule(line.kind, expr, ref, cond);
}

/**
 * A session's stick persistence for the current request (sessions allocate
 * one when their backend has stick rules): runs the rules, remembers the
 * keys to store, and writes them once the server is known.
 */
export class StickState implements StickTarget {
  readonly pending = new PendingStores();
  private readonly smp = new Sample();
  private stuck: RuntimeServer | null = null;
  private be: RuntimeBackend | null = null;
  private ctx: SampleContext | null = null;

  /** Request-time rules: the server an entry names, unless `chosen` (a cookie's) is set already. */
  request(be: RuntimeBackend, ctx: SampleContext, chosen: RuntimeServer | null): RuntimeServer | null {
    this.be = be;
    this.ctx = ctx;
    this.stuck = chosen;
    stickRequest(be.rules.stick!, ctx, this, this.pending, this.smp);
    this.ctx = null;
    return this.stuck;
  }

  /** An entry names server `name`: it takes the request unless it is stopped (or persistence is forced). */
  stickTo(name: string): boolean {
    if (this.stuck !== null) return true;
    const be = this.be!;
    const s = be.byName.get(name);
    if (s === undefined || !(s.running || be.persist || persistenceForced(be.rules.persist, this.ctx!))) return false;
    this.stuck = s;
    return true;
  }

  /** The server is known: store-response keys (`ctx` reads the response), then every pending key written with its name. */
  store(be: RuntimeBackend, ctx: SampleContext, server: RuntimeServer): void {
    const rules = be.rules.stick!;
    if (rules.response.length > 0) stickResponse(rules, ctx, this.pending, this.smp);
    this.pending.commit(server.name);
  }
}

/** force-persist / ignore-persist: the first rule whose condition holds decides; true when it forces. */
function persistenceForced(rules: readonly PersistRule[], ctx: SampleContext): boolean {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.cond.eval(ctx)) return r.force;
  }
  return false;
}
