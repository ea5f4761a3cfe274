// `option httpchk` with `http-check send` and `http-check expect`: the
// request bytes as HAProxy 2.6 puts them on the wire (lower-case header
// names, "connection: close" on HTTP/1.1, a content-length only with a body),
// a small bounded parser for the answer (status line, headers, body by
// content-length, chunked or close), and HAProxy's judgement: by default
// 2xx and 3xx pass; `expect [!] status 200,300-310`, `rstatus REGEX`,
// `string TEXT` and `rstring REGEX` with HAProxy's statuses and wording
// ("Layer7 wrong status, code: 503, info: "Service Unavailable"").

import type { HttpCheckExpect } from '../config/model.ts';
import { CheckError } from './error.ts';
import { makeScript, PASS, WAIT, end, type ExpectStep, type Script, type Verdict } from './script.ts';
import { compileRegex } from './tcp-check.ts';

export interface HttpCheckRequest {
  method: string;
  uri: string;
  version: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body?: string;
}

/** HAProxy treats "HTTP/1.1" and above (and "HTTP/2") as 1.1 for connection handling. */
function isHttp11(version: string): boolean {
  if (version.length === 6) return version[5] === '2';
  if (version.length === 8) return version[5]! > '1' || (version[5] === '1' && version[7]! >= '1');
  return false;
}

/** The request bytes, as HAProxy's H1 layer writes them. */
export function httpRequest(req: HttpCheckRequest): Buffer {
  const v11 = isHttp11(req.version);
  let connection = 'close';
  let head = `${req.method} ${req.uri} ${req.version}\r\n`;
  for (const [name, value] of req.headers) {
    const lower = name.toLowerCase();
    if (value === '') continue;
    if (lower === 'connection') {
      connection = value;
      continue;
    }
    // HAProxy computes the body's length itself and never sends chunked checks.
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    head += `${lower}: ${value}\r\n`;
  }
  const body = Buffer.from(req.body ?? '', 'utf8');
  if (body.length > 0) head += `content-length: ${body.length}\r\n`;
  const conn = connection.toLowerCase();
  // The connection header is only written when it says something the version does not imply.
  if (v11 ? conn !== 'keep-alive' : conn !== 'close') head += `connection: ${connection}\r\n`;
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}

/** What was understood of the response so far. */
export interface HttpResponse {
  status: number;
  reason: string;
  /** The body read so far (de-chunked). */
  body: Buffer;
  /** The whole message was read (HAProxy's end of message). */
  complete: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const STATUS_LINE = /^HTTP\/[0-9]\.[0-9] ([0-9]{3})(?: (.*))?$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$/;

/**
 * Parses a response from raw bytes. Returns 'incomplete' while the head has
 * not all arrived, 'invalid' for anything that is not HTTP/1.x.
 */
export function parseResponse(input: Buffer, headRequest: boolean): HttpResponse | 'incomplete' | 'invalid' {
  let start = 0;
  // Interim 1xx answers (100 Continue...) come before the real one.
  for (let interim = 0; interim < 8; interim++) {
    const lines: string[] = [];
    let p = start;
    let headEnd = -1;
    while (p < input.length) {
      const nl = input.indexOf(LF, p);
      if (nl < 0) break;
      const e = nl > p && input[nl - 1] === CR ? nl - 1 : nl;
      if (e === p) {
        headEnd = nl + 1;
        break;
      }
      lines.push(input.toString('latin1', p, e));
      p = nl + 1;
    }
    if (headEnd < 0) {
      // A first line that cannot be a status line is final even when incomplete.
      if (input.length - start >= 5 && input.toString('latin1', start, start + 5) !== 'HTTP/') return 'invalid';
      return 'incomplete';
    }
    const sl = STATUS_LINE.exec(lines[0] ?? '');
    if (!sl) return 'invalid';
    const status = Number(sl[1]);
    let contentLength = -1;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const h = HEADER_LINE.exec(lines[i]!);
      if (!h) return 'invalid';
      const name = h[1]!.toLowerCase();
      if (name === 'content-length') {
        if (!/^[0-9]+$/.test(h[2]!)) return 'invalid';
        contentLength = Number(h[2]);
      } else if (name === 'transfer-encoding') {
        chunked = /(^|,)[ \t]*chunked[ \t]*$/i.test(h[2]!);
      }
    }
    if (status >= 100 && status < 200 && status !== 101) {
      start = headEnd;
      continue;
    }
    const reason = sl[2] ?? '';
    if (headRequest || status === 204 || status === 304 || (status >= 100 && status < 200)) {
      return { status, reason, body: Buffer.alloc(0), complete: true };
    }
    if (chunked) {
      const c = dechunk(input, headEnd);
      if (c === 'invalid') return 'invalid';
      return { status, reason, body: c.body, complete: c.complete };
    }
    if (contentLength >= 0) {
      const have = Math.min(input.length - headEnd, contentLength);
      return { status, reason, body: input.subarray(headEnd, headEnd + have), complete: have === contentLength };
    }
    return { status, reason, body: input.subarray(headEnd), complete: false };
  }
  return 'invalid';
}

function dechunk(input: Buffer, from: number): { body: Buffer; complete: boolean } | 'invalid' {
  const parts: Buffer[] = [];
  let p = from;
  for (;;) {
    const nl = input.indexOf(LF, p);
    if (nl < 0) return { body: Buffer.concat(parts), complete: false };
    const line = input.toString('latin1', p, nl).replace(/\r$/, '');
    const sizeText = line.split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return 'invalid';
    const size = parseInt(sizeText, 16);
    p = nl + 1;
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const have = Math.min(size, input.length - p);
    parts.push(input.subarray(p, p + have));
    if (have < size) return { body: Buffer.concat(parts), complete: false };
    p += size;
    if (input.length < p + 1) return { body: Buffer.concat(parts), complete: false };
    if (input[p] === CR) p++;
    if (input.length < p + 1) return { body: Buffer.concat(parts), complete: false };
    if (input[p] !== LF) return 'invalid';
    p++;
  }
}

/** Parses "200", "200-399", "200,301,500-504" into inclusive ranges. */
export function parseStatusRanges(pattern: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of pattern.split(',')) {
    const m = /^\s*([0-9]+)(?:-([0-9]+))?\s*$/.exec(part);
    if (!m) throw new CheckError('HAWSER_CHECK_BAD_REGEX', `invalid status code list '${pattern}' in http-check expect status`);
    out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

const DEFAULT_EXPECT: Pick<HttpCheckExpect, 'negate' | 'match' | 'pattern'> = { negate: false, match: 'status', pattern: '200-399' };

/** The expect step of an HTTP check (tcpcheck_eval_expect_http). */
export function httpExpectStep(expect: Pick<HttpCheckExpect, 'negate' | 'match' | 'pattern'> | undefined, headRequest: boolean): ExpectStep {
  const e = expect ?? DEFAULT_EXPECT;
  const negate = e.negate;
  const ranges = e.match === 'status' ? parseStatusRanges(e.pattern) : undefined;
  const regex = e.match === 'rstatus' || e.match === 'rstring' ? compileRegex(e.pattern, `http-check expect ${e.match}`) : undefined;
  const text = e.match === 'string' ? Buffer.from(e.pattern, 'utf8') : undefined;
  return {
    kind: 'expect', id: 1, okStatus: 'L7OK', timeoutStatus: 'L7TOUT', errorStatus: 'L7RSP', describe: '', http: true,
    evaluate(input: Buffer, lastRead: boolean): Verdict {
      const res = parseResponse(input, headRequest);
      if (res === 'invalid') return end('L7RSP', '');
      if (res === 'incomplete') return lastRead ? end('L7RSP', '') : WAIT;
      const last = lastRead || res.complete;
      let matched: boolean;
      if (ranges !== undefined) {
        matched = ranges.some(([lo, hi]) => res.status >= lo && res.status <= hi);
      } else if (e.match === 'rstatus') {
        matched = regex!.test(String(res.status));
      } else {
        if (res.body.length === 0) {
          if (!last) return WAIT;
          return end('L7RSP', 'HTTP content check could not find a response body', res.status);
        }
        if (!last && text !== undefined && res.body.length < text.length) return WAIT;
        matched = text !== undefined ? res.body.indexOf(text) >= 0 : regex!.test(res.body.toString('latin1'));
        if (!matched && !last) return WAIT;
        if (matched === negate) {
          return end('L7RSP', negate ? 'HTTP check matched unwanted content' : 'HTTP content check did not match', res.status);
        }
        return PASS;
      }
      return matched !== negate ? PASS : end('L7STS', res.reason, res.status);
    },
    success(input: Buffer) {
      const res = parseResponse(input, headRequest);
      return { info: '', code: typeof res === 'object' ? res.status : 0 };
    },
  };
}

export function httpScript(req: HttpCheckRequest, expect?: Pick<HttpCheckExpect, 'negate' | 'match' | 'pattern'>): Script {
  const bytes = httpRequest(req);
  return makeScript([
    { kind: 'connect', id: 0, implicit: true, ssl: false, sendProxy: false },
    { kind: 'send', id: 1, data: bytes },
    httpExpectStep(expect, req.method.toUpperCase() === 'HEAD'),
  ], false);
}
