// HAProxy's log-format language (configuration manual 8.2.6), compiled once
// into a JavaScript function that renders an AccessLogRecord without
// reparsing anything.
//
// The input is the log-format argument as the configuration lexer hands it
// over: quotes and backslash escapes (`\ `, `\"`) are already resolved, as
// in HAProxy. What is left to this language:
//   %var, %{flags}var   a variable (variables.ts), flags +X / -X with X in
//                       Q (quote), X (hex), E (RFC 5424 escaping), M (emit
//                       `-` for empty values; on by default)
//   %o                  sets the flags of every later variable
//   %[fetch]            a sample expression (only a few trivial fetches)
//   %%                  a literal '%'
//   spaces              separators: consecutive spaces collapse into one,
//                       leading ones vanish, and a field that is absent (no
//                       header captured) does not leave a double space
//   anything else       literal text
//
// Messages follow HAProxy's wording so that `hawser -c` reads like
// `haproxy -c`; each also carries a stable HAWSER_LOGFMT_* code.
//
// This file generates the code; the parts live beside it: variables.ts (the
// vocabulary), format-parser.ts (the syntax), field-render.ts (how each
// field is written).

import type { AccessLogRecord } from './record.ts';
import { FIELD_RENDERERS } from './field-render.ts';
import { parseLogFormat, type LogFormatNode, type LogFormatProblem } from './format-parser.ts';
import { F_ESC, F_HEX, F_MANDATORY, F_QUOTE, VARIABLES } from './variables.ts';

export type { LogFormatProblem, LogFormatProblemCode } from './format-parser.ts';

export interface CompileLogFormatOptions {
  /** The proxy's mode; in `tcp` the HTTP-only variables are refused as HAProxy does. Default `http`. */
  mode?: 'http' | 'tcp';
}

export interface CompiledLogFormat {
  /** Renders one line (no trailing newline). Never throws for a record with sane field types. */
  format(r: AccessLogRecord): string;
  /** Problem messages in HAProxy's wording, empty when the format is valid. */
  errors: string[];
  /** The same problems with their stable codes. */
  problems: LogFormatProblem[];
  /** Names of the variables used (`ci`, `Tt`, `[src]`...), so the proxy can skip collecting the others. */
  variables: string[];
}

// --- code generation --------------------------------------------------------

/** JS expression for a lf_text field with compile-time-known flags. */
function textExpr(value: string, flags: number): string {
  if (flags & F_ESC) return `H.text(${value}, ${flags})`;
  if (flags & F_QUOTE) return `'"' + ${value} + '"'`;
  if (flags & F_MANDATORY) return `(${value} || "-")`;
  return value;
}

function plusIfLogasap(value: string): string {
  return `(r.logasap ? "+" + ${value} : "" + ${value})`;
}

/** JS expression rendering a non-conditional variable. */
function varExpr(name: string, flags: number): string {
  const def = VARIABLES[name];
  const hex = (flags & F_HEX) !== 0;
  switch (def.kind) {
    case 'text':
      return textExpr(def.expr as string, flags);
    case 'ip':
      return hex ? `H.ipHex(${def.expr}, ${flags})` : textExpr(def.expr as string, flags);
    case 'port':
      return `H.port(${def.expr}, ${flags})`;
    case 'num':
      return `H.trunc(${def.expr})`;
    case 'special':
      break;
  }
  switch (name) {
    case 'B':
      return plusIfLogasap('H.trunc(r.bytesRead)');
    case 'Ta':
      return plusIfLogasap('H.trunc(r.Ta)');
    case 'Tt':
      return plusIfLogasap('H.trunc(r.Tt)');
    case 'Tu':
      return plusIfLogasap('H.trunc(r.Tt - (r.Ti >= 0 ? r.Ti : 0))');
    case 'Td':
      return 'H.trunc(H.dataTime(r))';
    case 'rc':
      return '(r.redispatched ? "+" + H.trunc(r.retries) : "" + H.trunc(r.retries))';
    case 't':
      return 'H.localDateMs(r.acceptDate)';
    case 'tr':
      return 'H.localDateMs(H.requestDate(r))';
    case 'T':
      return 'H.gmtDate(r.acceptDate)';
    case 'trg':
      return 'H.gmtDate(H.requestDate(r))';
    case 'Tl':
      return 'H.localDateTz(r.acceptDate)';
    case 'trl':
      return 'H.localDateTz(H.requestDate(r))';
    case 'Ts':
      return hex ? 'H.hex4(Math.floor(r.acceptDate / 1000))' : '"" + Math.floor(r.acceptDate / 1000)';
    case 'ms':
      return hex
        ? 'H.hex2(Math.floor(r.acceptDate) - Math.floor(r.acceptDate / 1000) * 1000)'
        : 'H.pad3(Math.floor(r.acceptDate) - Math.floor(r.acceptDate / 1000) * 1000)';
    case 'pid':
      return hex ? 'H.hex4(r.pid)' : '"" + r.pid';
    case 'rt':
      return hex ? 'H.hex4(r.requestCounter)' : '"" + r.requestCounter';
    case 'lc':
      return hex ? 'H.hex4(r.logCounter)' : '"" + r.logCounter';
    case 'ft': {
      const q = flags & F_QUOTE ? `'"'` : '""';
      return `(${q} + r.frontendName + (r.frontendSsl ? "~" : "") + ${q})`;
    }
    case 'ts':
      return 'r.terminationState';
    case 'tsc':
      return '(r.terminationState + r.cookieState)';
    case 'r':
      return `H.uriField(H.requestLine(r), ${flags})`;
    case 'HM':
      return `H.uriField(H.httpMethod(r), ${flags})`;
    case 'HU':
      return `H.uriField(H.uriFull(r), ${flags})`;
    case 'HP':
      return `H.uriField(H.uriPath(r), ${flags})`;
    case 'HPO':
      return `H.uriField(H.uriPathOnly(r), ${flags})`;
    case 'HQ':
      return `H.uriField(H.uriQuery(r), ${flags})`;
    case 'HV':
      return `H.uriField(H.httpVersion(r), ${flags})`;
  }
  throw new Error(`HAWSER_LOGFMT_INTERNAL: no renderer for %${name}`);
}

/** The captured-header variables print nothing (not even their separator) when no capture is configured. */
const CONDITIONAL: Record<string, { list: string; block: boolean }> = {
  hr: { list: 'r.requestHeaders', block: true },
  hs: { list: 'r.responseHeaders', block: true },
  hrl: { list: 'r.requestHeaders', block: false },
  hsl: { list: 'r.responseHeaders', block: false },
};

/**
 * Turns the nodes into the body of `function (r)`. HAProxy writes a
 * separator only when the last thing written was not one ("last_isspace");
 * that state is known while compiling except after a conditional field,
 * where the code tracks it in `sp`.
 */
function generate(nodes: LogFormatNode[]): string {
  const lines: string[] = ['let s = "";'];
  let pending: string[] = [];
  /** Literal text not yet added to `pending`, so that adjacent literals become one. */
  let literal = '';
  let state: 'space' | 'nonspace' | 'dynamic' = 'space';
  let usesSp = false;

  const addLiteral = (text: string): void => {
    literal += text;
  };
  const addExpr = (code: string): void => {
    if (literal !== '') pending.push(JSON.stringify(literal));
    literal = '';
    pending.push(code);
  };
  const flush = (): void => {
    if (literal !== '') pending.push(JSON.stringify(literal));
    literal = '';
    // `s = s + a + b` (not `s += a + b`): two numeric fields in a row must
    // concatenate, not add.
    if (pending.length > 0) lines.push(`s = s + ${pending.join(' + ')};`);
    pending = [];
  };

  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        addLiteral(node.text);
        state = 'nonspace';
        break;
      case 'sep':
        if (state === 'nonspace') addLiteral(' ');
        else if (state === 'dynamic') {
          flush();
          lines.push('if (!sp) s += " ";');
        }
        state = 'space';
        break;
      case 'expr':
        addExpr(textExpr(node.expr, node.flags));
        state = 'nonspace';
        break;
      case 'var': {
        const cond = Object.hasOwn(CONDITIONAL, node.name) ? CONDITIONAL[node.name] : undefined;
        if (!cond) {
          addExpr(varExpr(node.name, node.flags));
          state = 'nonspace';
          break;
        }
        flush();
        const render = `H.${cond.block ? 'headerBlock' : 'headerList'}(${cond.list}, ${node.flags})`;
        if (state === 'nonspace') {
          lines.push(`if (${cond.list}.length > 0) s += ${render};`);
        } else {
          usesSp = true;
          lines.push('sp = true;');
          lines.push(`if (${cond.list}.length > 0) { s += ${render}; sp = false; }`);
          state = 'dynamic';
        }
        break;
      }
    }
  }
  flush();
  if (usesSp) lines.splice(1, 0, 'let sp = true;');
  lines.push('return s;');
  return lines.join('\n');
}

/**
 * Compiles a log-format string once; `format(record)` then renders lines
 * with no parsing. Problems do not throw: they are listed in `errors` (the
 * caller reports them with the config position), and the faulty parts are
 * left out of what `format` renders.
 *
 * @example
 *   const { format, errors } = compileLogFormat('%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts');
 *   if (errors.length === 0) line = format(record);
 */
export function compileLogFormat(fmt: string, options: CompileLogFormatOptions = {}): CompiledLogFormat {
  const { nodes, problems } = parseLogFormat(fmt, options.mode ?? 'http');
  const body = generate(nodes);
  // The body is built only from fixed snippets, numbers and JSON-quoted
  // literal text, never from raw configuration text.
  const factory = new Function('H', `"use strict"; return function format(r) {\n${body}\n};`) as (
    h: typeof FIELD_RENDERERS,
  ) => (r: AccessLogRecord) => string;
  const variables: string[] = [];
  for (const n of nodes) {
    const name = n.type === 'var' ? n.name : n.type === 'expr' ? `[${n.source}]` : undefined;
    if (name !== undefined && !variables.includes(name)) variables.push(name);
  }
  return {
    format: factory(FIELD_RENDERERS),
    errors: problems.map((p) => p.message),
    problems,
    variables,
  };
}
