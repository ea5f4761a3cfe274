// A proxy's own answers for the statuses it produces: `errorfile CODE FILE`
// (a raw HTTP response, read once at load), `errorloc[302|303] CODE URL`
// and `http-error status CODE ...` (return's arguments). Each becomes a
// `return` rule, so an lf-string is rendered per request like any other
// reply. The last line for a status wins, defaults' lines come first.

import type { ProxyAcls } from '../acl/index.ts';
import type { Diagnostic, ErrorReplyLine } from '../config/index.ts';
import { HttpRule, RuleCode, compileHttpRule, isRuleError, rawReply, withReplyHead, type ActionProxy } from '../rules/index.ts';

export function compileErrorReplies(
  lines: readonly ErrorReplyLine[] | undefined,
  acls: ProxyAcls,
  loadFile: (path: string) => string,
  proxy: ActionProxy,
  out: Diagnostic[],
): Map<number, HttpRule> {
  const replies = new Map<number, HttpRule>();
  // a line of `defaults` is compiled for every proxy that inherits it, and reported once
  const report = (code: string, l: ErrorReplyLine, message: string): void => {
    const same = out.some((d) => d.file === l.pos.file && d.line === l.pos.line && d.message === message);
    if (!same) out.push({ code, severity: 'error', file: l.pos.file, line: l.pos.line, message });
  };
  for (const l of lines ?? []) {
    if (l.keyword === 'http-error') {
      // http-error takes no condition: an if/unless is just an unknown word to it
      const cond = l.words.findIndex((w) => w === 'if' || w === 'unless');
      const r = cond >= 0 ? null : compileHttpRule('request', ['return', 'status', String(l.status), ...l.words], acls, l.pos, { loadFile, proxy });
      if (r === null || isRuleError(r)) {
        const found = r === null ? l.words[cond] : /but found '([^']*)'\.$/.exec(r.message)?.[1];
        const message = found !== undefined ? `http-error : unknown keyword '${found}'.` : r!.message.replace(/'http-request return'( rule)?/g, "'http-error'");
        report(r?.code ?? RuleCode.BAD_ARGUMENT, l, message);
      } else {
        replies.set(l.status, r);
      }
      continue;
    }
    const rule = new HttpRule('request', 'return', l.pos);
    if (l.keyword === 'errorfile') {
      let text: Buffer;
      try {
        text = Buffer.from(loadFile(l.words[0]!), 'latin1');
      } catch {
        report(RuleCode.BAD_FILE, l, `errorfile : error opening file '${l.words[0]}'.`);
        continue;
      }
      const reply = rawReply(text);
      if (reply === null) {
        report(RuleCode.BAD_FILE, l, `errorfile : unable to parse error message from file '${l.words[0]}': not a raw HTTP response.`);
        continue;
      }
      rule.reply = { ...reply, status: l.status };
    } else {
      // HAProxy's own fields and order for errorloc, not a redirect rule's
      const code = l.keyword === 'errorloc303' ? 303 : 302;
      const fields = ['cache-control', 'no-cache', 'content-length', '0', 'location', l.words[0]!];
      rule.reply = withReplyHead({ status: code, head: '', body: Buffer.alloc(0) }, code, code === 303 ? 'See Other' : 'Found', fields);
    }
    replies.set(l.status, rule);
  }
  return replies;
}
