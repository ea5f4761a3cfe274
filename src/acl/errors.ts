// Errors of the ACL language as data: a stable code, HAProxy's wording, and
// where the problem is: the configuration line (as HAProxy reports it), plus
// the pattern or map file and its line when the file is at fault. Compilation never throws for a bad
// configuration: the compile functions return an AclError instead.

export const AclCode = {
  /** A fetch keyword (or ACL keyword) HAProxy does not have. */
  UNKNOWN_FETCH: 'HAWSER_ACL_UNKNOWN_FETCH',
  /** A condition names an ACL that was not declared (and is not predefined). */
  UNKNOWN_ACL: 'HAWSER_ACL_UNKNOWN_ACL',
  /** A converter HAProxy does not have, or one that cannot follow the previous type, or bad converter arguments. */
  BAD_CONVERTER: 'HAWSER_ACL_BAD_CONVERTER',
  /** Bad arguments to a fetch (missing, extra, wrong type, unmatched parenthesis). */
  BAD_ARGUMENT: 'HAWSER_ACL_BAD_ARGUMENT',
  /** A pattern that does not parse for its match method (number, range, address, regex, hex). */
  BAD_PATTERN: 'HAWSER_ACL_BAD_PATTERN',
  /** An unknown `-m` method, one that cannot apply to the sample type, or a misplaced/unknown flag. */
  BAD_MATCH: 'HAWSER_ACL_BAD_MATCH',
  /** A pattern or map file that cannot be read, or a line in it that does not parse. */
  BAD_FILE: 'HAWSER_ACL_BAD_FILE',
  /** Condition syntax: missing `if`/`unless`, unbalanced braces. */
  SYNTAX: 'HAWSER_ACL_SYNTAX',
  /** A bad ACL name (forbidden character, or `or`). */
  BAD_NAME: 'HAWSER_ACL_BAD_NAME',
  /** A fetch argument naming a backend or server that does not exist. */
  UNKNOWN_REFERENCE: 'HAWSER_ACL_UNKNOWN_REFERENCE',
  /** A keyword HAProxy has that Hawser does not implement. */
  UNSUPPORTED: 'HAWSER_ACL_UNSUPPORTED',
} as const;

export type AclCode = (typeof AclCode)[keyof typeof AclCode];

/** Where a configuration problem is: a line of a file. */
export interface AclPos {
  file: string;
  line: number;
}

export interface AclWhere {
  file?: string;
  line?: number;
  patternFile?: AclPos;
}

export class AclError {
  readonly code: AclCode;
  /** HAProxy-like text, without the position (e.g. "no such ACL : 'api'"). */
  readonly message: string;
  /** Hawser's addition after HAProxy's words: " (did you mean 'path'?)", or "". */
  readonly hint: string;
  /** The configuration line being compiled. */
  readonly file?: string;
  readonly line?: number;
  /** When a pattern or map file is at fault: that file and its line (the message says it too). */
  readonly patternFile?: AclPos;

  constructor(code: AclCode, message: string, where?: AclWhere, hint = '') {
    this.code = code;
    this.message = message;
    this.hint = hint;
    if (where?.file !== undefined) this.file = where.file;
    if (where?.line !== undefined) this.line = where.line;
    if (where?.patternFile !== undefined) this.patternFile = where.patternFile;
  }

  /** The message with the hint: what to show the operator. */
  get text(): string {
    return this.message + this.hint;
  }

  /** `CODE file:line: message (hint)`, the shape of every Hawser configuration diagnostic. */
  toString(): string {
    const at = this.file === undefined ? '' : this.line === undefined ? `${this.file}: ` : `${this.file}:${this.line}: `;
    return `${this.code} ${at}${this.text}`;
  }

  /** The same problem with HAProxy's wording wrapped by `wrap`. */
  rewrap(wrap: (message: string) => string): AclError {
    return new AclError(this.code, wrap(this.message), this, this.hint);
  }
}

export function isAclError(x: unknown): x is AclError {
  return x instanceof AclError;
}
