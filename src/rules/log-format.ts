// Log-format strings in rule values (`set-header X-Client %[src]`): literal
// text with embedded `%[expr]` samples, compiled once into parts so that a
// request only fetches and concatenates. `%%` is a literal percent; the other
// %-variables (%ci, %{+Q}[...]) are refused as not supported yet.

import { AclError, type ProxyAcls, type SampleContext, type SampleExpression } from '../acl/index.ts';
import { RuleCode, RuleError, type RulePos } from './errors.ts';

export class LogFormat {
  /** The string as written. */
  readonly text: string;
  /** Literal text and expressions, alternating in order. */
  private readonly parts: readonly (string | SampleExpression)[];
  /** Set when the format is only literal text. */
  readonly constant: string | undefined;

  constructor(text: string, parts: (string | SampleExpression)[]) {
    this.text = text;
    this.parts = parts;
    this.constant = parts.length === 0 ? '' : parts.length === 1 && typeof parts[0] === 'string' ? parts[0] : undefined;
  }

  /** The text for this request. An absent sample adds nothing (HAProxy writes "-" only in logs). */
  render(ctx: SampleContext): string {
    if (this.constant !== undefined) return this.constant;
    const parts = this.parts;
    let s = '';
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (typeof p === 'string') s += p;
      else s += p.evalString(ctx) ?? '';
    }
    return s;
  }
}

/** Compiles `text`; `what` names the argument in messages ("'set-header' value"). */
export function compileLogFormat(text: string, acls: ProxyAcls, pos: RulePos | undefined, what: string): LogFormat | RuleError {
  const parts: (string | SampleExpression)[] = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    const n = text[i + 1];
    if (n === '%') {
      lit += '%';
      i += 2;
      continue;
    }
    if (n !== '[') {
      const m = /^%(\{[^}]*\})?(\[|[A-Za-z]+)?/.exec(text.slice(i))!;
      const v = m[0].length > 1 ? m[0] : '%';
      return new RuleError(RuleCode.UNSUPPORTED, `${what} : log-format variable '${v}' in '${text}' is not supported yet (only %[sample] and %%)`, pos);
    }
    // the expression ends at the ']' that closes the '[' (arguments may hold brackets)
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      const d = text[j];
      if (d === '[') depth++;
      else if (d === ']' && --depth === 0) break;
    }
    if (j >= text.length) return new RuleError(RuleCode.BAD_ARGUMENT, `${what} : missing closing ']' in '${text}'`, pos);
    const expr = acls.expression(text.slice(i, j + 1), pos);
    if (expr instanceof AclError) return RuleError.fromAcl(expr, `${what} : `, pos);
    if (lit !== '') parts.push(lit);
    lit = '';
    parts.push(expr);
    i = j + 1;
  }
  if (lit !== '') parts.push(lit);
  return new LogFormat(text, parts);
}
