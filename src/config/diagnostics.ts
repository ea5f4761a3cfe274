// Configuration problems as data: every error or warning the front end finds
// becomes one Diagnostic with a stable code and, whenever the problem comes
// from a line of a file, that `file:line`. Nothing is thrown for a bad
// configuration: the parser keeps going so that one run reports every problem.

/** Where a problem is: a line of a file, or a whole file (no line). */
export interface Place {
  file: string;
  line?: number;
}

export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  file?: string;
  line?: number;
  message: string;
}

/**
 * The stable codes. A code names the kind of problem, never the keyword, so
 * scripts and tests can match on it while the message stays free to improve.
 */
export const CfgCode = {
  /** Cannot read a file or directory given with -f. */
  IO: 'HAWSER_CFG_IO',
  /** Lexical problem: unmatched quote or brace, bad escape, bad variable name. */
  SYNTAX: 'HAWSER_CFG_SYNTAX',
  /** A keyword (or option, server/bind parameter, section) HAProxy does not have. */
  UNKNOWN_KEYWORD: 'HAWSER_CFG_UNKNOWN_KEYWORD',
  /** An HAProxy keyword that Hawser does not implement yet. */
  UNSUPPORTED: 'HAWSER_CFG_UNSUPPORTED',
  /** A keyword HAProxy removed; the message names the replacement. */
  DEPRECATED: 'HAWSER_CFG_DEPRECATED',
  /** A keyword used in a section (or before any section) where it has no meaning. */
  WRONG_SECTION: 'HAWSER_CFG_WRONG_SECTION',
  /** Missing, extra or malformed arguments. */
  BAD_ARGUMENT: 'HAWSER_CFG_BAD_ARGUMENT',
  /** A value out of its range, or a time/size/number/address that does not parse. */
  BAD_VALUE: 'HAWSER_CFG_BAD_VALUE',
  /** Two proxies, servers, peers... with a name (or id) that must be unique. */
  DUPLICATE: 'HAWSER_CFG_DUPLICATE',
  /** default_backend / use_backend / track-backend naming no backend. */
  UNKNOWN_BACKEND: 'HAWSER_CFG_UNKNOWN_BACKEND',
  /** `from NAME` naming no defaults section (or an ambiguous one). */
  UNKNOWN_DEFAULTS: 'HAWSER_CFG_UNKNOWN_DEFAULTS',
  /** A frontend in http mode sending to a backend in tcp mode. */
  MODE_MISMATCH: 'HAWSER_CFG_MODE_MISMATCH',
  /** A proxy routing to itself. */
  LOOP: 'HAWSER_CFG_LOOP',
  /** Something required is absent: a frontend without bind, a check without a port... */
  INCOMPLETE: 'HAWSER_CFG_INCOMPLETE',
  /** Timeouts HAProxy warns about when they are missing. */
  MISSING_TIMEOUT: 'HAWSER_CFG_MISSING_TIMEOUT',
  /** A keyword accepted but without effect in Hawser (warning). */
  IGNORED: 'HAWSER_CFG_IGNORED',
  /** `.alert` / `.warning` directives written by the configuration's author. */
  USER: 'HAWSER_CFG_USER',
} as const;

export type CfgCode = (typeof CfgCode)[keyof typeof CfgCode];

/**
 * One line per diagnostic: `CODE file:line: message`, with `warning: ` before
 * the message of a warning (errors carry no prefix), e.g.
 *
 *   HAWSER_CFG_UNKNOWN_KEYWORD hawser.cfg:12: unknown keyword 'balanse' in backend 'app' (did you mean 'balance'?)
 *   HAWSER_CFG_MISSING_TIMEOUT hawser.cfg:9: warning: missing timeouts for frontend 'www' ...
 *
 * A diagnostic about a whole file has `file:` without a line, and one about
 * no file at all has just the code and the message.
 */
export function formatDiagnostic(d: Diagnostic): string {
  let where = '';
  if (d.file !== undefined) where = d.line !== undefined ? `${d.file}:${d.line}: ` : `${d.file}: `;
  const kind = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.code} ${where}${kind}${d.message}`;
}

/** Collects diagnostics in the order they are found. */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];
  #errors = 0;

  error(code: CfgCode, pos: Place | undefined, message: string): void {
    this.#add(code, 'error', pos, message);
  }

  warning(code: CfgCode, pos: Place | undefined, message: string): void {
    this.#add(code, 'warning', pos, message);
  }

  get errorCount(): number {
    return this.#errors;
  }

  get warningCount(): number {
    return this.items.length - this.#errors;
  }

  #add(code: CfgCode, severity: 'error' | 'warning', pos: Place | undefined, message: string): void {
    if (severity === 'error') this.#errors++;
    const d: Diagnostic = { code, severity, message };
    if (pos !== undefined) {
      d.file = pos.file;
      if (pos.line !== undefined) d.line = pos.line;
    }
    this.items.push(d);
  }
}
