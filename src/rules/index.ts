// Hawser's http-request / http-response / http-after-response and
// tcp-request rules, with HAProxy 2.6's meaning: header edits, URI and
// method rewrites, set-status, the final actions allow, deny, tarpit,
// return, redirect and use-service, accept / reject, and the shared actions
// of action-table.ts (set-var, capture, set-log-level...). Pure: compile
// each configuration line once, apply the list per message.
//
//   const rule = compileHttpRule('request', ['set-header', 'X-Client', '%[src]', 'if', 'api'], acls, { file, line },
//     { loadFile: (p) => readFileSync(p) });
//   if (rule instanceof RuleError) report(rule.toString());
//   ...per request, before choosing the backend (head: the parsed HttpHead):
//   const out = applyHttpRules(frontendRequestRules, head, session);
//   if (out.kind !== 'continue') client.end(replyBytes(out.reply, 'close'));  // tarpit: after the delay
//
// Values are log-format strings: literal text, %% and %[sample] (other
// %-variables are refused as not supported yet). Header names match
// case-insensitively; edits keep the head's flat [name, value, ...] form and
// the names as written in the configuration.

export { RuleCode, RuleError, isRuleError, type RulePos } from './errors.ts';
export { compileHttpRule, type RuleCompileOptions } from './compile.ts';
export { applyHttpRules, CONTINUE, type MutableHead, type RuleOutcome } from './apply.ts';
export {
  type Action,
  type ActionKeyword,
  type ActionParse,
  type ActionProxy,
  type ActResult,
  type CaptureSlot,
  type CaptureSlots,
  type RuleHost,
  ACT_CONTINUE,
  ACT_STOP,
  ACT_DENY,
  RS_TCP_CONNECTION,
  RS_TCP_SESSION,
  RS_TCP_CONTENT,
  RS_HTTP_REQUEST,
  RS_HTTP_RESPONSE,
  RS_HTTP_AFTER_RESPONSE,
} from './action.ts';
export { ACTION_KEYWORDS, findAction, actionNames } from './action-table.ts';
export { CacheAction } from './action-cache.ts';
export { compileTcpRule, runTcpRules, TcpRule, type TcpRuleSet, type TcpVerdict, TCP_GO, TCP_REJECT, TCP_WAIT } from './tcp-rules.ts';
export { LOG_LEVELS } from './action-log-level.ts';
export { HttpRule, type HttpActionKind, type HttpRulePhase } from './rule.ts';
export { type HttpReply, errorPageReply, rawReply, replyBytes, replyHead, withReplyHead } from './reply.ts';
export { LogFormat, compileLogFormat } from './log-format.ts';
export { haproxyReason } from './reasons.ts';
