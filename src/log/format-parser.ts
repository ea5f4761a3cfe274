// Parses a log-format string (the argument as the configuration lexer hands
// it over: quotes and backslash escapes already resolved, as in HAProxy)
// into nodes: literal text, separators (every space; the generator merges
// them), variables with their flags, and trivial sample fetches. Follows
// HAProxy 2.6's parser where its behaviour is visible: a '%' before
// punctuation is dropped, `%o` sets the default flags, unknown flag letters
// are ignored, and the messages use its wording. Every problem is
// collected; the faulty parts are left out.

import {
  FLAG_LETTERS,
  F_MANDATORY,
  TRIVIAL_FETCHES,
  VARIABLES,
} from './variables.ts';

export type LogFormatProblemCode =
  | 'HAWSER_LOGFMT_UNKNOWN_VARIABLE'
  | 'HAWSER_LOGFMT_HTTP_ONLY'
  | 'HAWSER_LOGFMT_SYNTAX'
  | 'HAWSER_LOGFMT_SAMPLE_UNSUPPORTED';

export interface LogFormatProblem {
  code: LogFormatProblemCode;
  message: string;
}

export type LogFormatNode =
  | { type: 'text'; text: string }
  | { type: 'sep' }
  | { type: 'var'; name: string; flags: number }
  | { type: 'expr'; expr: string; source: string; flags: number };

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isAlnum(c: string): boolean {
  return isAlpha(c) || isDigit(c);
}

/** Applies `+Q,-M,...` to `flags` the way HAProxy scans them (unknown letters are ignored). */
function applyFlags(arg: string, flags: number): number {
  let sign = 0;
  let start = -1;
  for (let i = 0; i <= arg.length; i++) {
    const c = i < arg.length ? arg[i] : '';
    if (c === '+' || c === '-') {
      sign = c === '+' ? 1 : 2;
      start = i + 1;
    }
    if (c === '' || c === ',') {
      if (start >= 0) {
        const letter = arg.slice(start, i);
        const bit = Object.hasOwn(FLAG_LETTERS, letter) ? FLAG_LETTERS[letter] : undefined;
        if (bit !== undefined) flags = sign === 1 ? flags | bit : flags & ~bit;
      }
      start = -1;
    }
  }
  return flags;
}

/** Index of the ']' closing a sample expression that starts at `from`, skipping (...) arguments; -1 if none. */
function closingBracket(fmt: string, from: number): number {
  let depth = 0;
  for (let i = from; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === ']' && depth === 0) return i;
  }
  return -1;
}

export interface ParseResult {
  nodes: LogFormatNode[];
  problems: LogFormatProblem[];
}

export function parseLogFormat(fmt: string, mode: 'http' | 'tcp'): ParseResult {
  const nodes: LogFormatNode[] = [];
  const problems: LogFormatProblem[] = [];
  let text = '';
  let defaults = F_MANDATORY;

  const flushText = (): void => {
    if (text !== '') nodes.push({ type: 'text', text });
    text = '';
  };
  const syntax = (message: string): void => {
    problems.push({ code: 'HAWSER_LOGFMT_SYNTAX', message });
  };

  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i];
    if (c === ' ') {
      flushText();
      nodes.push({ type: 'sep' });
      i++;
      continue;
    }
    if (c !== '%') {
      text += c;
      i++;
      continue;
    }
    i++;
    if (i >= fmt.length) {
      syntax("truncated line after '%'");
      break;
    }
    let d = fmt[i];
    if (d === '%') {
      text += '%';
      i++;
      continue;
    }
    let arg = '';
    let hasArg = false;
    if (d === '{') {
      const close = fmt.indexOf('}', i + 1);
      if (close < 0) {
        syntax(`truncated line after '${fmt.slice(i + 1)}'`);
        break;
      }
      arg = fmt.slice(i + 1, close);
      hasArg = true;
      i = close + 1;
      d = i < fmt.length ? fmt[i] : '';
      if (d !== '[' && !(d !== '' && isAlnum(d))) {
        syntax(`parse argument modifier without variable name near '%{${arg}}'`);
        break;
      }
    } else if (isDigit(d) || d === ' ' || d === '\t') {
      syntax(
        `unexpected variable name near '${d}' at position ${i} line : '${fmt}'. ` +
          "Maybe you want to write a single '%', use the syntax '%%'",
      );
      break;
    } else if (d !== '[' && !isAlpha(d)) {
      // HAProxy drops a '%' followed by punctuation and keeps the character.
      continue;
    }

    if (d === '[') {
      const close = closingBracket(fmt, i + 1);
      const source = close < 0 ? fmt.slice(i + 1) : fmt.slice(i + 1, close);
      if (close < 0) {
        syntax(`missing ']' after '${source}'`);
        break;
      }
      i = close + 1;
      flushText();
      const flags = hasArg ? applyFlags(arg, defaults) : defaults;
      const fetch = /^([a-z_][a-z0-9_.-]*)(?:\((\d+)\))?$/.exec(source.trim());
      let expr: string | undefined;
      if (fetch && fetch[2] === undefined && Object.hasOwn(TRIVIAL_FETCHES, fetch[1])) expr = TRIVIAL_FETCHES[fetch[1]];
      else if (fetch && (fetch[1] === 'capture.req.hdr' || fetch[1] === 'capture.res.hdr')) {
        const list = fetch[1] === 'capture.req.hdr' ? 'r.requestHeaders' : 'r.responseHeaders';
        expr = `(${list}[${Number(fetch[2])}] ?? "")`;
      }
      if (expr === undefined) {
        problems.push({
          code: 'HAWSER_LOGFMT_SAMPLE_UNSUPPORTED',
          message: `sample expressions in log-format are not supported yet: '%[${source}]' (only ${[
            ...Object.keys(TRIVIAL_FETCHES),
            'capture.req.hdr(N)',
            'capture.res.hdr(N)',
          ].join(', ')} without converters)`,
        });
        continue;
      }
      nodes.push({ type: 'expr', expr, source, flags });
      continue;
    }

    let end = i;
    while (end < fmt.length && isAlnum(fmt[end])) end++;
    const name = fmt.slice(i, end);
    i = end;
    flushText();
    const flags = hasArg ? applyFlags(arg, defaults) : defaults;
    if (name === 'o') {
      defaults = flags;
      continue;
    }
    // hasOwn: `%constructor` must not find Object.prototype's members.
    const def = Object.hasOwn(VARIABLES, name) ? VARIABLES[name] : undefined;
    if (!def) {
      problems.push({
        code: 'HAWSER_LOGFMT_UNKNOWN_VARIABLE',
        message: `no such format variable '${name}'. If you wanted to emit the '%' character verbatim, you need to use '%%'`,
      });
      continue;
    }
    if (def.http && mode !== 'http') {
      problems.push({ code: 'HAWSER_LOGFMT_HTTP_ONLY', message: `format variable '${name}' is reserved for HTTP mode` });
      continue;
    }
    nodes.push({ type: 'var', name, flags });
  }
  flushText();
  return { nodes, problems };
}
