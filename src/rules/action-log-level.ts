// set-log-level LEVEL: the syslog level of this transaction's access-log
// line, or `silent` for none (HAProxy's way to keep health probes or noisy
// clients out of the logs).

import { ACT_CONTINUE, type Action, type ActionKeyword, type ActResult, RS_HTTP, RS_TCP_CONTENT, type RuleHost } from './action.ts';

export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'silent'] as const;

class SetLogLevel implements Action {
  private readonly level: string;

  constructor(level: string) {
    this.level = level;
  }

  run(host: RuleHost): ActResult {
    host.setLogLevel(this.level);
    return ACT_CONTINUE;
  }
}

export const SET_LOG_LEVEL: ActionKeyword = {
  name: 'set-log-level',
  sets: RS_TCP_CONTENT | RS_HTTP,
  parse(p) {
    const l = p.args[0];
    if (l === undefined || !(LOG_LEVELS as readonly string[]).includes(l)) {
      return p.fail(`'set-log-level' expects a level (${LOG_LEVELS.join(', ')})${l === undefined ? '' : `, not '${l}'`}.`);
    }
    if (p.args.length > 1) return p.fail(`unexpected argument '${p.args[1]}'; expects either 'if' or 'unless' followed by a condition.`);
    return new SetLogLevel(l);
  },
};
