// Runs compiled rules over a request or response head, in order: edits are
// made in place on the head, and the first final action (deny, tarpit, use-service,
// return, redirect) ends the run with the reply to send. `allow` ends the run
// too and lets the message go on. Nothing is compiled here: per request this
// evaluates conditions and formats and edits strings.

import type { SampleContext } from '../acl/index.ts';
import { ACT_STOP, type RuleHost } from './action.ts';
import {
  removeFields,
  removeMatchingFields,
  replaceFieldValues,
  replaceListValues,
  setField,
} from './header-edit.ts';
import { LogFormat } from './log-format.ts';
import { haproxyReason, redirectReason } from './reasons.ts';
import { replaceWhole } from './regex-replace.ts';
import { type HttpReply, errorPageReply, payloadReply, redirectReply } from './reply.ts';
import type { DynamicReply, HttpRule, RedirectSpec } from './rule.ts';
import { targetPath, targetPathQuery, withPath, withPathQuery, withQuery } from './target.ts';

/** What rules edit: an HttpHead from src/http satisfies it. */
export interface MutableHead {
  method: string;
  target: string;
  status: number;
  reason: string;
  /** Flat [name, value, ...], names as sent. */
  headers: string[];
}

export type RuleOutcome =
  | { readonly kind: 'continue' }
  | { readonly kind: 'deny'; readonly status: number; readonly reply: HttpReply }
  | { readonly kind: 'tarpit'; readonly status: number; readonly reply: HttpReply }
  | { readonly kind: 'return'; readonly status: number; readonly reply: HttpReply }
  /** http-request auth: the 401 challenge (HAProxy logs it PR, as a proxy condition). */
  | { readonly kind: 'auth'; readonly status: number; readonly reply: HttpReply }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string; readonly reply: HttpReply }
  /**
   * The request goes to a service inside the process (use-service), not to a
   * backend; `reply` is the 503 to send if the process has no such service.
   */
  | { readonly kind: 'use-service'; readonly status: number; readonly reply: HttpReply; readonly service: string };

export const CONTINUE: RuleOutcome = { kind: 'continue' };

const NO_SERVICE = errorPageReply(503);

function renderDynamic(d: DynamicReply, ctx: SampleContext): HttpReply {
  const fields: string[] = [];
  for (let i = 0; i < d.fields.length; i += 2) {
    const v = d.fields[i + 1]!;
    fields.push(d.fields[i] as string, typeof v === 'string' ? v : v.render(ctx));
  }
  const b = d.body;
  const body = b instanceof LogFormat ? Buffer.from(b.render(ctx), 'latin1') : b;
  return payloadReply(d.status, d.reason, fields, d.contentType, body);
}

function hostOf(h: readonly string[]): string {
  for (let i = 0; i < h.length; i += 2) {
    if (h[i]!.length === 4 && h[i]!.toLowerCase() === 'host') return h[i + 1]!;
  }
  return '';
}

/** The Location of a redirect, or undefined when it must be skipped (ignore-empty). */
function redirectLocation(r: RedirectSpec, head: MutableHead, ctx: SampleContext): string | undefined {
  const v = r.value.render(ctx);
  if (r.type === 'location') return v === '' && r.ignoreEmpty ? undefined : v;
  if (v === '' && r.ignoreEmpty) return undefined;
  let path = r.dropQuery ? targetPath(head.target) : targetPathQuery(head.target);
  if (r.appendSlash && !path.endsWith('/')) path += '/';
  if (r.type === 'prefix') return (v === '/' ? '' : v) + path;
  return v + '://' + hostOf(head.headers) + path;
}

/**
 * Applies `rules` in order to `head`; `ctx` is what conditions and %[...]
 * samples read (for response rules, a context whose isResponse() is true).
 */
export function applyHttpRules(rules: readonly HttpRule[], head: MutableHead, ctx: RuleHost): RuleOutcome {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.cond !== null && !r.cond.eval(ctx)) continue;
    switch (r.kind) {
      case 'allow':
        return CONTINUE;
      case 'deny':
      case 'tarpit':
      case 'return': {
        const reply = r.reply ?? renderDynamic(r.dynamicReply!, ctx);
        return { kind: r.kind, status: reply.status, reply };
      }
      case 'redirect': {
        const d = r.redirect!;
        const location = redirectLocation(d, head, ctx);
        if (location === undefined) break;
        return { kind: 'redirect', status: d.code, location, reply: redirectReply(d.code, redirectReason(d.code), location, d.cookie) };
      }
      case 'auth':
        return { kind: 'auth', status: 401, reply: r.reply! };
      case 'use-service':
        return { kind: 'use-service', status: 503, reply: NO_SERVICE, service: r.service };
      case 'set-header':
        setField(head.headers, r.name, r.lower, r.value!.render(ctx));
        break;
      case 'add-header':
        head.headers.push(r.name, r.value!.render(ctx));
        break;
      case 'del-header':
        if (r.match === 'str') removeFields(head.headers, r.lower);
        else removeMatchingFields(head.headers, r.match, r.lower, r.regex);
        break;
      case 'replace-header':
        replaceFieldValues(head.headers, r.lower, r.regex!, r.value!.render(ctx));
        break;
      case 'replace-value':
        replaceListValues(head.headers, r.lower, r.regex!, r.value!.render(ctx));
        break;
      case 'set-path':
        head.target = withPath(head.target, r.value!.render(ctx));
        break;
      case 'set-pathq':
        head.target = withPathQuery(head.target, r.value!.render(ctx));
        break;
      case 'set-query':
        head.target = withQuery(head.target, r.value!.render(ctx));
        break;
      case 'set-uri':
        head.target = r.value!.render(ctx);
        break;
      case 'set-method':
        head.method = r.value!.render(ctx);
        break;
      case 'replace-path': {
        const v = replaceWhole(r.regex!, targetPath(head.target), r.value!.render(ctx));
        if (v !== undefined) head.target = withPath(head.target, v);
        break;
      }
      case 'replace-pathq': {
        const v = replaceWhole(r.regex!, targetPathQuery(head.target), r.value!.render(ctx));
        if (v !== undefined) head.target = withPathQuery(head.target, v);
        break;
      }
      case 'replace-uri': {
        const v = replaceWhole(r.regex!, head.target, r.value!.render(ctx));
        if (v !== undefined) head.target = v;
        break;
      }
      case 'set-status':
        head.status = r.status;
        head.reason = r.reason ?? haproxyReason(r.status);
        break;
      case 'action':
        if (r.action!.run(ctx) === ACT_STOP) return CONTINUE;
        break;
    }
  }
  return CONTINUE;
}
