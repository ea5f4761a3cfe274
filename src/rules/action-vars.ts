// set-var(NAME[,COND...]) EXPR, set-var-fmt(NAME[,COND...]) FORMAT and
// unset-var(NAME), with HAProxy 2.6's names, scopes and conditions
// (ifexists, ifnotexists, ifempty, ifnotempty, ifset, ifnotset, ifgt, iflt).
// A sample that cannot be fetched leaves the variable as it was.

import { checkVarName, Sample, type SampleExpression, VAR_CONDITIONS } from '../acl/index.ts';
import { ACT_CONTINUE, type Action, type ActionKeyword, type ActionParse, type ActResult, RS_ALL, type RuleHost } from './action.ts';
import { RuleError } from './errors.ts';
import type { LogFormat } from './log-format.ts';

const USAGE = "Expects 'set-var(<var-name>)', 'set-var-fmt(<var-name>)' or 'unset-var(<var-name>)'";

class SetVar implements Action {
  private readonly name: string;
  private readonly conditions: number;
  private readonly expr: SampleExpression;

  constructor(name: string, conditions: number, expr: SampleExpression) {
    this.name = name;
    this.conditions = conditions;
    this.expr = expr;
  }

  run(host: RuleHost): ActResult {
    const smp = this.expr.eval(host);
    if (smp !== null) host.vars.set(this.name, smp, this.conditions);
    return ACT_CONTINUE;
  }
}

class SetVarFmt implements Action {
  private readonly name: string;
  private readonly conditions: number;
  private readonly format: LogFormat;
  private readonly smp = new Sample();

  constructor(name: string, conditions: number, format: LogFormat) {
    this.name = name;
    this.conditions = conditions;
    this.format = format;
  }

  run(host: RuleHost): ActResult {
    this.smp.setStr(this.format.render(host));
    host.vars.set(this.name, this.smp, this.conditions);
    return ACT_CONTINUE;
  }
}

class UnsetVar implements Action {
  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  run(host: RuleHost): ActResult {
    host.vars.unset(this.name);
    return ACT_CONTINUE;
  }
}

/** The variable a set-var / set-var-fmt / unset-var acts on, and its condition bits. */
interface Target {
  name: string;
  conditions: number;
}

/** "set-var(txn.x,ifnotset)" -> name and condition bits, or an error. */
function parseTarget(p: ActionParse, keyword: string): Target | RuleError {
  const w = p.word;
  if (w[keyword.length] !== '(') return p.fail(`invalid or incomplete action '${w}'. ${USAGE}`);
  if (!w.endsWith(')')) return p.fail(`incomplete argument after action '${w}'. ${USAGE}`);
  const parts = w.slice(keyword.length + 1, -1).split(',');
  const name = parts[0]!;
  if (name === '') return p.fail('Empty variable name cannot be accepted');
  const bad = checkVarName(name);
  if (bad !== undefined) return p.fail(bad);
  let conditions = 0;
  for (const c of parts.slice(1)) {
    if (keyword === 'unset-var') {
      return p.fail('unset-var does not expect parameters after the variable name. Only "set-var" and "set-var-fmt" manage conditions');
    }
    const bit = VAR_CONDITIONS[c];
    if (bit === undefined) return p.fail(`unknown condition '${c}' (expects ${Object.keys(VAR_CONDITIONS).join(', ')})`);
    conditions |= bit;
  }
  if (name.startsWith('check.')) return p.fail(`variable '${name}': the 'check' scope belongs to health checks, not to rules`);
  return { name, conditions };
}

function oneArgument(p: ActionParse, what: string): string | RuleError {
  if (p.args.length === 0) return p.fail(`'${p.word}' expects ${what}.`);
  if (p.args.length > 1) return p.fail(`unexpected argument '${p.args[1]}' after ${what}; expects either 'if' or 'unless' followed by a condition.`);
  return p.args[0]!;
}

/** set-var and set-var-fmt: the target, then one argument (`what`) that `make` compiles into the action. */
function setter(keyword: string, what: string, make: (p: ActionParse, t: Target, text: string) => Action | RuleError): ActionKeyword {
  return {
    name: keyword,
    sets: RS_ALL,
    parse(p) {
      const t = parseTarget(p, keyword);
      if (t instanceof RuleError) return t;
      const text = oneArgument(p, what);
      if (text instanceof RuleError) return text;
      return make(p, t, text);
    },
  };
}

export const SET_VAR = setter('set-var', 'a sample expression', (p, t, text) => {
  const e = p.expression(text);
  return e instanceof RuleError ? e : new SetVar(t.name, t.conditions, e);
});

export const SET_VAR_FMT = setter('set-var-fmt', 'a log-format string', (p, t, text) => {
  const f = p.format(text);
  return f instanceof RuleError ? f : new SetVarFmt(t.name, t.conditions, f);
});

export const UNSET_VAR: ActionKeyword = {
  name: 'unset-var',
  sets: RS_ALL,
  parse(p) {
    const t = parseTarget(p, 'unset-var');
    if (t instanceof RuleError) return t;
    if (p.args.length > 0) return p.fail(`unexpected argument '${p.args[0]}'; expects either 'if' or 'unless' followed by a condition.`);
    return new UnsetVar(t.name);
  },
};
