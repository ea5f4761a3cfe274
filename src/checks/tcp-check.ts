// `option tcp-check` with its `tcp-check connect / send / send-binary /
// expect / comment` rules, compiled to a check script the way HAProxy does:
// an implicit connect when the rules don't start with one, comments handed
// to the rules that follow them, step ids counted over the rules as written,
// and expect rules with HAProxy's waiting rules (min-recv) and wording
// ("TCPCHK did not match content '+PONG' at step 3"). The protocol checks
// (redis, smtp, pgsql, ssl-hello) are rule sets built from `expectRule` too.

import type { TcpCheckRule } from '../config/model.ts';
import { CheckError } from './error.ts';
import { makeScript, PASS, WAIT, end, type ExpectStep, type Script, type Step, type Verdict } from './script.ts';
import type { CheckStatus } from './status.ts';

export type ExpectMatch = 'string' | 'rstring' | 'binary' | 'rbinary';

export interface ExpectOptions {
  id: number;
  match: ExpectMatch;
  /** string: text; rstring: a regex on the bytes; binary: hex digits; rbinary: a regex on the uppercase hex dump. */
  pattern: string;
  negate?: boolean;
  /** HAProxy's min-recv: -1 (default) waits for more data on a mismatch; otherwise the mismatch is final. */
  minRecv?: number;
  okStatus?: CheckStatus;
  errorStatus?: CheckStatus;
  timeoutStatus?: CheckStatus;
  comment?: string;
  /** tcp-check wording for failures and success; protocol checks stay silent unless they say more. */
  verbose: boolean;
  /** on-error: the info reported when the rule fails. */
  onError?(input: Buffer): string;
  /** on-success: the info reported when this last rule passes. */
  onSuccess?(input: Buffer): string;
  /** status-code: the code reported with the result. */
  statusCode?(input: Buffer): number;
}

/** Compiles a regex once, at configuration time, with a stable error. */
export function compileRegex(source: string, what: string): RegExp {
  try {
    // The bytes are matched as latin1 text, so the pattern's own UTF-8 bytes are too.
    return new RegExp(Buffer.from(source, 'utf8').toString('latin1'));
  } catch (e) {
    throw new CheckError('HAWSER_CHECK_BAD_REGEX', `invalid regex '${source}' in ${what}: ${(e as Error).message}`);
  }
}

export function hexBytes(hex: string, what: string): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new CheckError('HAWSER_CHECK_BAD_HEX', `'${hex}' in ${what} is not an even number of hex digits`);
  }
  return Buffer.from(hex, 'hex');
}

/** One expect rule with HAProxy's semantics (tcpcheck_eval_expect). */
export function expectRule(o: ExpectOptions): ExpectStep {
  const negate = o.negate === true;
  const minRecv = o.minRecv ?? -1;
  const errorStatus = o.errorStatus ?? 'L7RSP';
  let bytes: Buffer | undefined;
  let regex: RegExp | undefined;
  let kindText: string;
  let describe: string;
  switch (o.match) {
    case 'string':
      bytes = Buffer.from(o.pattern, 'utf8');
      kindText = ` '${o.pattern}'`;
      describe = ` (expect string '${o.pattern}')`;
      break;
    case 'binary':
      bytes = hexBytes(o.pattern, 'tcp-check expect binary');
      kindText = ' (binary)';
      describe = ` (expect binary '${bytes.toString('latin1')}')`;
      break;
    case 'rstring':
      regex = compileRegex(o.pattern, 'tcp-check expect rstring');
      kindText = ' (regex)';
      describe = ' (expect regex)';
      break;
    case 'rbinary':
      regex = compileRegex(o.pattern, 'tcp-check expect rbinary');
      kindText = ' (binary regex)';
      describe = ' (expect binary regex)';
      break;
  }
  const comment = o.comment === undefined ? '' : ` comment: ${o.comment}`;
  const failure = (input: Buffer, matched: boolean): Verdict => {
    let info: string;
    if (o.onError) info = o.onError(input);
    else if (o.verbose) info = `${matched ? 'TCPCHK matched unwanted content' : 'TCPCHK did not match content'}${kindText} at step ${o.id}`;
    else info = '';
    return end(errorStatus, info + comment, o.statusCode ? o.statusCode(input) : 0);
  };
  const step: ExpectStep = {
    kind: 'expect',
    id: o.id,
    comment: o.comment,
    okStatus: o.okStatus ?? 'L7OK',
    timeoutStatus: o.timeoutStatus ?? 'L7TOUT',
    errorStatus,
    describe,
    http: false,
    evaluate(input: Buffer, lastRead: boolean): Verdict {
      if (!lastRead) {
        if (bytes !== undefined && input.length < bytes.length) return WAIT;
        if (minRecv > 0 && input.length < minRecv) return WAIT;
      }
      let matched: boolean;
      if (bytes !== undefined) matched = input.indexOf(bytes) >= 0;
      else if (o.match === 'rstring') matched = regex!.test(input.toString('latin1'));
      else matched = regex!.test(input.toString('hex').toUpperCase());
      if (!matched && !lastRead && minRecv === -1) return WAIT;
      return matched !== negate ? PASS : failure(input, matched);
    },
  };
  if (o.onSuccess || o.statusCode) {
    const verbose = o.verbose;
    step.success = (input) => ({
      info: o.onSuccess ? o.onSuccess(input) : verbose ? '(tcp-check)' : '',
      code: o.statusCode ? o.statusCode(input) : 0,
    });
  }
  return step;
}

/**
 * Options HAProxy allows on a rule that the config model may carry
 * (`comment`, `min-recv`, `ok-status`, `error-status`, `tout-status`).
 */
export interface RuleOptions {
  comment?: string;
  minRecv?: number;
  okStatus?: CheckStatus;
  errorStatus?: CheckStatus;
  timeoutStatus?: CheckStatus;
}

/** Compiles `tcp-check` rules (in the order written) into a script. */
export function tcpCheckScript(rules: readonly (TcpCheckRule & RuleOptions)[]): Script {
  // Comments go to the rules after them, until the kind of rule changes
  // (HAProxy's check_proxy_tcpcheck); a connect takes one and ends it.
  const comments: (string | undefined)[] = [];
  let comment: string | undefined;
  let prev: string = 'comment';
  for (const r of rules) {
    const kind = r.kind === 'send-binary' ? 'send' : r.kind;
    if (kind !== prev && prev !== 'comment') comment = undefined;
    prev = kind;
    if (r.kind === 'comment') {
      comment = r.text;
      comments.push(undefined);
    } else if (r.kind === 'connect') {
      comments.push(r.comment ?? comment);
      comment = undefined;
    } else {
      comments.push(r.comment ?? comment);
    }
  }

  const steps: Step[] = [];
  const first = rules.find((r) => r.kind !== 'comment');
  if (first === undefined || first.kind !== 'connect') {
    steps.push({ kind: 'connect', id: 0, implicit: true, ssl: false, sendProxy: false });
  }
  rules.forEach((r, i) => {
    const id = i + 1;
    const c = comments[i];
    switch (r.kind) {
      case 'comment':
        return;
      case 'connect':
        steps.push({ kind: 'connect', id, implicit: false, port: r.port, addr: r.addr, ssl: r.ssl, sendProxy: r.sendProxy, comment: c });
        return;
      case 'send':
        steps.push({ kind: 'send', id, data: Buffer.from(r.data, 'utf8'), comment: c });
        return;
      case 'send-binary':
        steps.push({ kind: 'send', id, data: hexBytes(r.hex, 'tcp-check send-binary'), comment: c });
        return;
      case 'expect':
        steps.push(expectRule({
          id,
          match: r.match,
          pattern: r.pattern,
          negate: r.negate,
          minRecv: r.minRecv,
          okStatus: r.okStatus,
          errorStatus: r.errorStatus,
          timeoutStatus: r.timeoutStatus,
          comment: c,
          verbose: true,
        }));
        return;
    }
  });
  return makeScript(steps, true);
}
