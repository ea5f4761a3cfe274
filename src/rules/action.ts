// Actions that several rule sets share (tcp-request connection / session /
// content, http-request, http-response, http-after-response): their types
// and results. Each is a keyword (action-table.ts) with a parse function
// that turns its words into an Action object once, at configuration load;
// per connection or request the rule engine calls action.run(host). An
// Action keeps its prepared arguments as fields and does its work in run(),
// so nothing is compiled or allocated per call beyond what the action
// itself produces.

import type { StickCounters } from '../stick/index.ts';
import type { ProxyAcls, SampleContext, SampleExpression, Variables } from '../acl/index.ts';
import type { RuleError, RulePos } from './errors.ts';
import type { LogFormat } from './log-format.ts';
import type { CacheAction } from './action-cache.ts';

/** Rule sets, as bits (where an action is allowed). */
export const RS_TCP_CONNECTION = 1;
export const RS_TCP_SESSION = 2;
export const RS_TCP_CONTENT = 4;
export const RS_HTTP_REQUEST = 8;
export const RS_HTTP_RESPONSE = 16;
export const RS_HTTP_AFTER_RESPONSE = 32;
export const RS_TCP = RS_TCP_CONNECTION | RS_TCP_SESSION | RS_TCP_CONTENT;
export const RS_HTTP = RS_HTTP_REQUEST | RS_HTTP_RESPONSE | RS_HTTP_AFTER_RESPONSE;
export const RS_ALL = RS_TCP | RS_HTTP;

/** What run() returns: go on with the next rule... */
export const ACT_CONTINUE = 0;
/** ...stop this rule set and let the connection or message go on (accept, allow)... */
export const ACT_STOP = 1;
/** ...or stop and refuse it (reject). */
export const ACT_DENY = 2;
export type ActResult = typeof ACT_CONTINUE | typeof ACT_STOP | typeof ACT_DENY;

/** What actions act on: the session, which is also what their samples read. */
export interface RuleHost extends SampleContext {
  /** The variables of this connection and transaction. */
  readonly vars: Variables;
  /** Stores `value` in capture slot `slot` of the frontend's request (or response) captures. */
  capture(response: boolean, slot: number, value: string): void;
  /** `set-log-level`: the level of this transaction's access-log line ('silent': none). */
  setLogLevel(level: string): void;
  /** `cache-use` / `cache-store` (HTTP sessions only; others have no cache). */
  cacheAction?(action: CacheAction): void;
  /** The session's stick counters, created on first use (track-sc*); absent where nothing can be tracked. */
  trackCounters?(): StickCounters;
}

export interface Action {
  run(host: RuleHost): ActResult;
}

/** A capture slot of a frontend (`capture request header`, `declare capture`, `http-request capture ... len`). */
export interface CaptureSlot {
  /** Longest value kept. */
  readonly len: number;
  /** The header captured into this slot (lower case), or null for a slot that rules fill. */
  readonly header: string | null;
}

/** The capture slots of a proxy, in declaration order (a slot's index is its `id`). */
export interface CaptureSlots {
  readonly request: CaptureSlot[];
  readonly response: CaptureSlot[];
}

/** What an action's parse function sees of the proxy it is compiled in. */
export interface ActionProxy {
  readonly name: string;
  /** "frontend", "backend" or "proxy" (a listen section), for messages. */
  readonly kind: string;
  readonly frontend: boolean;
  /** Its capture slots; actions may declare new ones (`capture ... len N`). */
  readonly captures: CaptureSlots;
}

export interface ActionParse {
  /** The action word as written, e.g. "set-var(txn.x)". */
  readonly word: string;
  /** The words after it, up to `if`/`unless`. */
  readonly args: readonly string[];
  /** The rule set being compiled (one RS_* bit) and its name ("tcp-request content"). */
  readonly set: number;
  readonly where: string;
  readonly proxy: ActionProxy;
  readonly acls: ProxyAcls;
  readonly pos: RulePos | undefined;
  /** A RuleError in HAProxy's shape for this rule. */
  fail(message: string): RuleError;
  /** HAProxy's complaint about a word `found` where the condition should start. */
  trailing(found: string): RuleError;
  /** A sample expression ("req.hdr(host),lower"), checked for this rule set. */
  expression(text: string): SampleExpression | RuleError;
  /** A log-format string ("%[src]:%[src_port]"). */
  format(text: string): LogFormat | RuleError;
}

export interface ActionKeyword {
  readonly name: string;
  /** RS_* bits of the rule sets that accept it. */
  readonly sets: number;
  parse(p: ActionParse): Action | RuleError;
}
