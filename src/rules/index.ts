// Hawser's http-request / http-response / http-after-response rules, with
// HAProxy 2.6's meaning: header edits, URI and method rewrites, set-status,
// and the final actions allow, deny, tarpit, return, redirect and use-service. Pure:
// compile each configuration line once, apply the list per message.
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
export { HttpRule, type HttpActionKind, type HttpRulePhase } from './rule.ts';
export { type HttpReply, replyBytes } from './reply.ts';
export { LogFormat, compileLogFormat } from './log-format.ts';
export { haproxyReason } from './reasons.ts';
