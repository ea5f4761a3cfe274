// Errors of the rule language as data: a stable code, HAProxy's wording and
// the configuration line. Compiling a rule never throws for a bad line: it
// returns a RuleError, so the config parser can report every problem of a file.

import type { AclError } from '../acl/index.ts';

export const RuleCode = {
  /** An action keyword HAProxy does not have for this rule set. */
  UNKNOWN_ACTION: 'HAWSER_RULE_UNKNOWN_ACTION',
  /** Missing, extra or malformed arguments to an action. */
  BAD_ARGUMENT: 'HAWSER_RULE_BAD_ARGUMENT',
  /** Something HAProxy has that Hawser does not implement yet. */
  UNSUPPORTED: 'HAWSER_RULE_UNSUPPORTED',
  /** A file named by the rule (return file) that cannot be read. */
  BAD_FILE: 'HAWSER_RULE_BAD_FILE',
} as const;

export type RuleCode = (typeof RuleCode)[keyof typeof RuleCode];

export interface RulePos {
  file: string;
  line: number;
}

export class RuleError {
  /** A RuleCode, or the AclError's code when the condition or a %[...] sample is at fault. */
  readonly code: string;
  /** HAProxy-like text without the position. */
  readonly message: string;
  /** " (did you mean 'deny'?)" or "". */
  readonly hint: string;
  readonly file?: string;
  readonly line?: number;

  constructor(code: string, message: string, pos?: RulePos, hint = '') {
    this.code = code;
    this.message = message;
    this.hint = hint;
    if (pos !== undefined) {
      this.file = pos.file;
      this.line = pos.line;
    }
  }

  static fromAcl(e: AclError, prefix: string, pos?: RulePos): RuleError {
    return new RuleError(e.code, prefix + e.message, pos ?? (e.file !== undefined ? { file: e.file, line: e.line ?? 0 } : undefined), e.hint);
  }

  get text(): string {
    return this.message + this.hint;
  }

  /** `CODE file:line: message (hint)`, as every Hawser configuration diagnostic. */
  toString(): string {
    const at = this.file === undefined ? '' : `${this.file}:${this.line ?? 0}: `;
    return `${this.code} ${at}${this.text}`;
  }
}

export function isRuleError(x: unknown): x is RuleError {
  return x instanceof RuleError;
}
