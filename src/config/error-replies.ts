// `errorfile CODE FILE`, `errorloc[302|303] CODE URL` and `http-error status
// CODE ...` lines: which status they replace, kept with their words. The
// files are read and checked (a raw HTTP response, as HAProxy requires) when
// the rules are compiled, with this line's position.

import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import type { ProxyDraft } from './draft.ts';
import type { ErrorReplyLine } from './model.ts';

/** The statuses HAProxy lets errorfile / errorloc / http-error replace (http_err_codes). */
export const ERROR_REPLY_STATUSES: readonly number[] = [200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 421, 422, 425, 429, 500, 501, 502, 503, 504];

export function parseErrorReply(d: Directive, draft: ProxyDraft): void {
  const kw = d.keyword as ErrorReplyLine['keyword'];
  let at = 1;
  if (kw === 'http-error') {
    if (d.arg(1) !== 'status') {
      d.error(CfgCode.BAD_ARGUMENT, "'http-error' expects 'status' <code> [content-type <type>] [string|file|lf-string|lf-file ...] [hdr <name> <fmt>]*");
      return;
    }
    at = 2;
  } else if (!d.need(2, kw, kw === 'errorfile' ? '<code> and <file> as arguments' : '<code> and <url> as arguments') || !d.noMoreThan(2, kw)) {
    return;
  }
  const w = d.arg(at) ?? '';
  const status = /^\d+$/.test(w) ? Number(w) : NaN;
  if (!ERROR_REPLY_STATUSES.includes(status)) {
    d.error(CfgCode.BAD_VALUE, w === '' ? `'${kw}' expects a status code` : `'${kw}': status code '${w}' not handled.`);
    return;
  }
  (draft.own.errorReplies ??= []).push({ pos: d.pos, keyword: kw, status, words: d.words.slice(at + 1) });
}
