// A compiled http-request / http-response / http-after-response rule: the
// action, its prepared arguments (formats compiled, regexes built, constant
// replies rendered) and its optional condition. Built once at load by
// compileHttpRule, run per request by applyHttpRules.

import type { Condition } from '../acl/index.ts';
import type { Action } from './action.ts';
import type { NameMatch } from './header-edit.ts';
import type { LogFormat } from './log-format.ts';
import type { HttpReply } from './reply.ts';
import type { RulePos } from './errors.ts';

export type HttpRulePhase = 'request' | 'response' | 'after-response';

export type HttpActionKind =
  | 'allow'
  | 'deny'
  | 'tarpit'
  | 'return'
  | 'redirect'
  | 'set-header'
  | 'add-header'
  | 'del-header'
  | 'replace-header'
  | 'replace-value'
  | 'set-path'
  | 'set-pathq'
  | 'replace-path'
  | 'replace-pathq'
  | 'set-query'
  | 'set-uri'
  | 'replace-uri'
  | 'set-method'
  | 'set-status'
  | 'use-service'
  | 'auth'
  /** An action of the shared table (set-var, capture, set-log-level...): see `action`. */
  | 'action';

/** A reply whose body or header values depend on the request (lf-string, hdr with %[...]). */
export interface DynamicReply {
  status: number;
  reason: string;
  contentType: string | null;
  /** [name, format, ...]. */
  fields: (string | LogFormat)[];
  /** A constant body, or a format rendered per request. */
  body: Buffer | LogFormat;
}

export type RedirectType = 'location' | 'prefix' | 'scheme';

export interface RedirectSpec {
  type: RedirectType;
  value: LogFormat;
  code: number;
  dropQuery: boolean;
  appendSlash: boolean;
  ignoreEmpty: boolean;
  /** The set-cookie value ("" for none): "N=V; path=/;" or "N; path=/; Max-Age=0;". */
  cookie: string;
}

export class HttpRule {
  readonly phase: HttpRulePhase;
  readonly kind: HttpActionKind;
  readonly pos: RulePos | undefined;
  /** null: always applies. */
  cond: Condition | null = null;
  /** Header name as written, and lower-cased, for header actions. */
  name = '';
  lower = '';
  /** The value / replacement format (set-*, add-header, replace-*). */
  value: LogFormat | null = null;
  regex: RegExp | null = null;
  match: NameMatch = 'str';
  /** set-status. */
  status = 0;
  reason: string | null = null;
  /** deny, tarpit, return: the rendered reply when it is constant... */
  reply: HttpReply | null = null;
  /** ...or what to render per request. */
  dynamicReply: DynamicReply | null = null;
  redirect: RedirectSpec | null = null;
  /** use-service: the service's name (`prometheus-exporter`). */
  service = '';
  /** kind 'action': the shared action to run. */
  action: Action | null = null;

  constructor(phase: HttpRulePhase, kind: HttpActionKind, pos: RulePos | undefined) {
    this.phase = phase;
    this.kind = kind;
    this.pos = pos;
  }
}
