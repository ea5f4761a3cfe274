// A strict HTTP/1.x head parser over raw bytes. It validates every byte of
// the start line and the header fields (RFC 9112), derives the message
// framing once, and keeps the header fields as they came (names as sent) so
// the proxy can forward them unchanged. No regexes, one pass, strings only
// for what is kept.

import { FIELD_VALUE, REASON, TARGET, TOKEN } from './chars.ts';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

export const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

export interface HeadLimits {
  /** Largest head accepted, in bytes (HAProxy: tune.bufsize - tune.maxrewrite). */
  maxHeadSize: number;
  /** Most header fields accepted (HAProxy: tune.http.maxhdr, 101). */
  maxHeaders: number;
}

export const DEFAULT_LIMITS: HeadLimits = { maxHeadSize: 15360, maxHeaders: 101 };

/** A parsed request or response head. Framing facts are derived while parsing. */
export class HttpHead {
  method = '';
  target = '';
  status = 0;
  reason = '';
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  versionMinor = 1;
  /** Flat [name, value, name, value, ...], names as sent, values trimmed of OWS. */
  headers: string[] = [];
  /** -1 when absent. */
  contentLength = -1;
  chunked = false;
  /** Transfer-Encoding present but not ending in chunked (responses: read until close). */
  otherEncoding = false;
  connClose = false;
  connKeepAlive = false;
  connUpgrade = false;
  upgrade = '';
  expectContinue = false;
  host = '';
  /** Bytes of the head, including the final empty line. */
  length = 0;

  /** First value of a header, case-insensitive; `lower` must be lower case. */
  get(lower: string): string | undefined {
    const h = this.headers;
    for (let i = 0; i < h.length; i += 2) {
      if (h[i].length === lower.length && h[i].toLowerCase() === lower) return h[i + 1];
    }
    return undefined;
  }

  /** True when the message is HTTP/1.1 (or later 1.x) and nothing asked to close. */
  get keepAlive(): boolean {
    return this.versionMinor >= 1 ? !this.connClose : this.connKeepAlive && !this.connClose;
  }
}

export class HeadError {
  readonly message: string;
  /** Offset in the buffer where the problem was found (for `show errors`). */
  readonly offset: number;
  constructor(message: string, offset: number) {
    this.message = message;
    this.offset = offset;
  }
}

export function isHeadError<T>(x: T | HeadError): x is HeadError {
  return x instanceof HeadError;
}

/**
 * Parse a request head occupying buf[start, end) where end is just past the
 * blank line (as found by searching HEAD_END).
 */
export function parseRequestHead(buf: Buffer, start: number, end: number, limits: HeadLimits): HttpHead | HeadError {
  const head = new HttpHead();
  head.length = end - start;
  if (head.length > limits.maxHeadSize) return new HeadError('request head too large', start);
  let i = start;
  // method
  while (i < end && TOKEN[buf[i]] === 1) i++;
  if (i === start || buf[i] !== SP) return new HeadError('invalid method', i);
  head.method = buf.toString('latin1', start, i);
  i++;
  const t0 = i;
  while (i < end && TARGET[buf[i]] === 1) i++;
  if (i === t0 || buf[i] !== SP) return new HeadError('invalid request target', i);
  head.target = buf.toString('latin1', t0, i);
  i++;
  const v = parseVersion(buf, i);
  if (v < 0) return new HeadError('invalid HTTP version', i);
  head.versionMinor = v;
  i += 8;
  if (buf[i] !== CR || buf[i + 1] !== LF) return new HeadError('invalid request line ending', i);
  i += 2;
  const err = parseFields(buf, i, end, head, limits, true);
  if (err) return err;
  if (head.target.charCodeAt(0) !== 0x2f /* / */ && head.target !== '*' && head.method !== 'CONNECT') {
    // absolute-form is allowed (proxies get it); anything else is not a target.
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(head.target)) return new HeadError('invalid request target', t0);
  }
  if (head.versionMinor >= 1 && head.host === '' && head.get('host') === undefined) {
    return new HeadError('missing Host header in HTTP/1.1 request', start);
  }
  return head;
}

/**
 * The field lines of a chunked body's trailer section in buf[start, end)
 * (each line with its CRLF, then the final CRLF), by the same rules as a
 * head's: [name, value, name, value, ...].
 */
export function parseTrailerFields(buf: Buffer, start: number, end: number, limits: HeadLimits): string[] | HeadError {
  const head = new HttpHead();
  return parseFields(buf, start, end, head, limits, false) ?? head.headers;
}

/** Parse a response head in buf[start, end). */
export function parseResponseHead(buf: Buffer, start: number, end: number, limits: HeadLimits): HttpHead | HeadError {
  const head = new HttpHead();
  head.length = end - start;
  if (head.length > limits.maxHeadSize) return new HeadError('response head too large', start);
  let i = start;
  const v = parseVersion(buf, i);
  if (v < 0) return new HeadError('invalid HTTP version', i);
  head.versionMinor = v;
  i += 8;
  if (buf[i] !== SP) return new HeadError('invalid status line', i);
  i++;
  const d0 = buf[i] - 0x30;
  const d1 = buf[i + 1] - 0x30;
  const d2 = buf[i + 2] - 0x30;
  if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return new HeadError('invalid status code', i);
  head.status = d0 * 100 + d1 * 10 + d2;
  i += 3;
  if (buf[i] === SP) {
    i++;
    const r0 = i;
    while (i < end && REASON[buf[i]] === 1) i++;
    head.reason = buf.toString('latin1', r0, i);
  }
  if (buf[i] !== CR || buf[i + 1] !== LF) return new HeadError('invalid status line ending', i);
  i += 2;
  const err = parseFields(buf, i, end, head, limits, false);
  return err ?? head;
}

/** Returns the minor version of "HTTP/1.x" at i, or -1. */
function parseVersion(buf: Buffer, i: number): number {
  if (
    buf[i] !== 0x48 ||
    buf[i + 1] !== 0x54 ||
    buf[i + 2] !== 0x54 ||
    buf[i + 3] !== 0x50 ||
    buf[i + 4] !== 0x2f ||
    buf[i + 5] !== 0x31 ||
    buf[i + 6] !== 0x2e
  ) {
    return -1;
  }
  const m = buf[i + 7] - 0x30;
  return m >= 0 && m <= 9 ? m : -1;
}

function parseFields(
  buf: Buffer,
  i: number,
  end: number,
  head: HttpHead,
  limits: HeadLimits,
  isRequest: boolean,
): HeadError | undefined {
  const headers = head.headers;
  let clSeen = false;
  let teSeen = false;
  const last = end - 2; // the final CRLF
  while (i < last) {
    const n0 = i;
    while (TOKEN[buf[i]] === 1) i++;
    if (i === n0) {
      if (buf[i] === SP || buf[i] === HTAB) return new HeadError('obsolete line folding', i);
      return new HeadError('invalid header name', i);
    }
    if (buf[i] !== COLON) return new HeadError('invalid header name', i);
    const nameEnd = i;
    i++;
    while (buf[i] === SP || buf[i] === HTAB) i++;
    const v0 = i;
    while (FIELD_VALUE[buf[i]] === 1) i++;
    if (buf[i] !== CR || buf[i + 1] !== LF) return new HeadError('invalid header value', i);
    let v1 = i;
    while (v1 > v0 && (buf[v1 - 1] === SP || buf[v1 - 1] === HTAB)) v1--;
    i += 2;
    if (headers.length >= limits.maxHeaders * 2) return new HeadError('too many headers', n0);
    const name = buf.toString('latin1', n0, nameEnd);
    const value = buf.toString('latin1', v0, v1);
    headers.push(name, value);
    // Framing headers: recognised by length first so most names cost one compare.
    const len = nameEnd - n0;
    if (len === 4 && (buf[n0] | 0x20) === 0x68 && name.toLowerCase() === 'host') {
      if (head.host !== '' && isRequest) return new HeadError('duplicate Host header', n0);
      head.host = value;
    } else if (len === 14 && (buf[n0] | 0x20) === 0x63 && name.toLowerCase() === 'content-length') {
      const cl = parseContentLength(value);
      if (cl < 0) return new HeadError('invalid Content-Length', v0);
      if (clSeen && cl !== head.contentLength) return new HeadError('conflicting Content-Length headers', n0);
      clSeen = true;
      head.contentLength = cl;
    } else if (len === 17 && (buf[n0] | 0x20) === 0x74 && name.toLowerCase() === 'transfer-encoding') {
      teSeen = true;
      const codings = value.toLowerCase();
      const lastComma = codings.lastIndexOf(',');
      const final = (lastComma < 0 ? codings : codings.slice(lastComma + 1)).trim();
      if (final === 'chunked') {
        head.chunked = true;
        head.otherEncoding = false;
      } else {
        head.chunked = false;
        head.otherEncoding = true;
      }
    } else if (len === 10 && (buf[n0] | 0x20) === 0x63 && name.toLowerCase() === 'connection') {
      scanConnection(value, head);
    } else if (len === 7 && (buf[n0] | 0x20) === 0x75 && name.toLowerCase() === 'upgrade') {
      head.upgrade = value;
    } else if (len === 6 && isRequest && (buf[n0] | 0x20) === 0x65 && name.toLowerCase() === 'expect') {
      if (value.toLowerCase() === '100-continue') head.expectContinue = true;
    }
  }
  if (teSeen) {
    if (head.versionMinor === 0 && isRequest) return new HeadError('Transfer-Encoding in an HTTP/1.0 request', i);
    if (isRequest && !head.chunked) return new HeadError('unsupported Transfer-Encoding in request', i);
    // RFC 9112 6.3: with both, Transfer-Encoding wins; the length is dropped
    // when forwarding and the connection is closed afterwards.
    if (clSeen) {
      head.contentLength = -1;
      head.connClose = true;
      removeHeader(head, 'content-length');
    }
  }
  return undefined;
}

/** 1*DIGIT, or a list of identical values ("5, 5"); -1 when invalid. */
function parseContentLength(v: string): number {
  let result = -1;
  let cur = -1;
  for (let k = 0; k <= v.length; k++) {
    const c = k < v.length ? v.charCodeAt(k) : 0x2c;
    if (c >= 0x30 && c <= 0x39) {
      cur = cur < 0 ? c - 0x30 : cur * 10 + (c - 0x30);
      if (cur > Number.MAX_SAFE_INTEGER / 10) return -1;
    } else if (c === 0x2c) {
      if (cur < 0) return -1;
      if (result >= 0 && result !== cur) return -1;
      result = cur;
      cur = -1;
      while (k + 1 < v.length && (v.charCodeAt(k + 1) === SP || v.charCodeAt(k + 1) === HTAB)) k++;
    } else if (c === SP || c === HTAB) {
      // trailing space before a comma
      while (k + 1 < v.length && (v.charCodeAt(k + 1) === SP || v.charCodeAt(k + 1) === HTAB)) k++;
      if (k + 1 < v.length && v.charCodeAt(k + 1) !== 0x2c) return -1;
    } else {
      return -1;
    }
  }
  return result;
}

function scanConnection(value: string, head: HttpHead): void {
  const v = value.toLowerCase();
  let k = 0;
  while (k < v.length) {
    let e = v.indexOf(',', k);
    if (e < 0) e = v.length;
    const tok = v.slice(k, e).trim();
    if (tok === 'close') head.connClose = true;
    else if (tok === 'keep-alive') head.connKeepAlive = true;
    else if (tok === 'upgrade') head.connUpgrade = true;
    k = e + 1;
  }
}

/** Remove every field named `lower` (lower case). */
export function removeHeader(head: HttpHead, lower: string): void {
  const h = head.headers;
  let w = 0;
  for (let r = 0; r < h.length; r += 2) {
    if (h[r].length === lower.length && h[r].toLowerCase() === lower) continue;
    h[w++] = h[r];
    h[w++] = h[r + 1];
  }
  h.length = w;
}
