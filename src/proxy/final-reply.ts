// What becomes of a reply Hawser produces itself (a deny, a return, a
// redirect, an error page) before it is sent, as in HAProxy: a built-in
// error page is replaced by the proxy's errorfile / http-error for its
// status (the backend's first, then the frontend's), then the
// http-after-response rules edit it like a server's response.

import { applyHttpRules, errorPageReply, replyHead, withReplyHead, type HttpReply, type HttpRule, type RuleHost } from '../rules/index.ts';

/** What of a frontend's or backend's rules a reply goes through. */
export interface ReplyRules {
  readonly afterResponse: readonly HttpRule[];
  readonly errorReplies: ReadonlyMap<number, HttpRule>;
}

/** `reply` (null: the built-in page for `status`) with the proxies' errorfile / http-error applied. */
export function customErrorReply(status: number, reply: HttpReply | null, fe: ReplyRules, be: ReplyRules | null, ctx: RuleHost): HttpReply | null {
  if (reply !== null && reply.errorPage !== true) return reply;
  const custom = be?.errorReplies.get(status) ?? fe.errorReplies.get(status);
  if (custom === undefined) return reply;
  const head = { method: '', target: '', status, reason: '', headers: [] as string[] };
  const out = applyHttpRules([custom], head, ctx);
  return out.kind === 'continue' ? reply : out.reply;
}

/** Whether any http-after-response rule would see a reply. */
export function hasAfterResponse(fe: ReplyRules, be: ReplyRules | null): boolean {
  return fe.afterResponse.length + (be?.afterResponse.length ?? 0) > 0;
}

/** `reply` (null: the built-in page for `status`) after the backend's then the frontend's http-after-response rules. */
export function afterResponseReply(status: number, reply: HttpReply | null, fe: ReplyRules, be: ReplyRules | null, ctx: RuleHost): HttpReply {
  const r = reply ?? errorPageReply(status);
  const h = replyHead(r);
  const head = { method: '', target: '', status: h.status, reason: h.reason, headers: h.headers };
  let out = be === null ? { kind: 'continue' } : applyHttpRules(be.afterResponse, head, ctx);
  if (out.kind === 'continue') out = applyHttpRules(fe.afterResponse, head, ctx);
  return withReplyHead(r, head.status, head.reason, head.headers);
}

