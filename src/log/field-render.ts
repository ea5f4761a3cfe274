// How HAProxy writes each kind of log field, called by the functions that
// compileLogFormat generates: strings under the Q/E/M flags (HAProxy's
// lf_text), addresses and ports in text or +X hex, the request line and its
// parts (`<BADREQ>` when there was no valid request), captured-header
// blocks, and the derived timers and dates.

import type { AccessLogRecord } from './record.ts';
import { encodeHeader, encodeUri, escapeText } from './encode.ts';
import { gmtDate, localDateMs, localDateTz, pad3 } from './dates.ts';
import { F_ESC, F_HEX, F_MANDATORY, F_QUOTE } from './variables.ts';

/** lf_text: how HAProxy writes a string field under the node's flags. */
function text(v: string, flags: number): string {
  if (v === '') {
    if (flags & F_QUOTE) return '""';
    return flags & F_MANDATORY ? '-' : '';
  }
  if (flags & F_ESC) v = escapeText(v);
  return flags & F_QUOTE ? '"' + v + '"' : v;
}

function hex2(n: number): string {
  const s = n.toString(16).toUpperCase();
  return s.length >= 2 ? s : '0' + s;
}

function hex4(n: number): string {
  const s = (n >>> 0).toString(16).toUpperCase();
  return s.length >= 4 ? s : '0000'.slice(s.length) + s;
}

/** Expands an IPv6 text into its 16 bytes; empty array when it is not one. */
function ipv6Bytes(ip: string): number[] {
  let head = ip;
  let tail = '';
  const dbl = ip.indexOf('::');
  if (dbl >= 0) {
    head = ip.slice(0, dbl);
    tail = ip.slice(dbl + 2);
  }
  const words = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = g.split('.').map(Number);
        if (v4.length !== 4 || v4.some((b) => !(b >= 0 && b <= 255))) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        const w = Number.parseInt(g, 16);
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
        out.push(w);
      }
    }
    return out;
  };
  const h = words(head);
  const t = words(tail);
  if (!h || !t) return [];
  const missing = 8 - h.length - t.length;
  if (missing < 0 || (dbl < 0 && missing !== 0)) return [];
  const all = [...h, ...new Array<number>(missing).fill(0), ...t];
  const bytes: number[] = [];
  for (const w of all) bytes.push(w >> 8, w & 255);
  return bytes;
}

/** lf_ip under +X: the address bytes in upper-case hex, most significant first. */
function ipHex(ip: string, flags: number): string {
  if (ip === '') return text('', flags);
  const v4 = ip.split('.');
  let bytes: number[];
  if (v4.length === 4 && !ip.includes(':')) bytes = v4.map(Number);
  else bytes = ipv6Bytes(ip);
  if (bytes.length === 0) return text(ip, flags);
  let out = '';
  for (const b of bytes) out += hex2(b);
  return out;
}

/** lf_port: a number, 4 hex digits under +X, the empty-string rules when unknown. */
function port(p: number, flags: number): string {
  if (p < 0) return text('', flags);
  return flags & F_HEX ? hex4(p & 0xffff) : String(p);
}

const BADREQ = '<BADREQ>';

function isSpHt(c: string): boolean {
  return c === ' ' || c === '\t';
}

/** %r: the request line as HAProxy keeps it, `<BADREQ>` when there was no valid request. */
function requestLine(r: AccessLogRecord): string {
  if (r.method === '') return BADREQ;
  return r.httpVersion === '' ? r.method + ' ' + r.uri : r.method + ' ' + r.uri + ' ' + r.httpVersion;
}

/** %HP: the target up to '?', or up to the first blank. */
function uriPath(r: AccessLogRecord): string {
  if (r.method === '' || r.uri === '') return BADREQ;
  let end = 0;
  const u = r.uri;
  while (end < u.length && u[end] !== '?' && !isSpHt(u[end])) end++;
  return u.slice(0, end);
}

/** %HU: the target as received. */
function uriFull(r: AccessLogRecord): string {
  if (r.method === '' || r.uri === '') return BADREQ;
  return r.uri;
}

/** The path of an origin-form or absolute-form target, without the query; '' for authority and `*` forms. */
function pathOf(u: string): string {
  let path: string;
  if (u.startsWith('/')) {
    path = u;
  } else {
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(u);
    if (!scheme) return '';
    const slash = u.indexOf('/', scheme[0].length);
    if (slash < 0) return '';
    path = u.slice(slash);
  }
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

/** %HPO: the path only (no scheme, host nor query). */
function uriPathOnly(r: AccessLogRecord): string {
  if (r.method === '' || r.uri === '') return BADREQ;
  return pathOf(r.uri);
}

/** %HQ: the query string with its '?', '' when there is none. */
function uriQuery(r: AccessLogRecord): string {
  if (r.method === '') return BADREQ;
  const q = r.uri.indexOf('?');
  return q < 0 ? '' : r.uri.slice(q);
}

/** %HV: the version, `HTTP/0.9` for a line without one. */
function httpVersion(r: AccessLogRecord): string {
  if (r.method === '' || r.uri === '') return BADREQ;
  return r.httpVersion === '' ? 'HTTP/0.9' : r.httpVersion;
}

/** %HM */
function httpMethod(r: AccessLogRecord): string {
  return r.method === '' || r.uri === '' ? BADREQ : r.method;
}

/** Wraps an encoded request-line piece in quotes when +Q is set. */
function uriField(v: string, flags: number): string {
  const e = encodeUri(v, (flags & F_ESC) !== 0);
  return flags & F_QUOTE ? '"' + e + '"' : e;
}

/** %hr %hs: `{a|b|}` (null = header absent: nothing between the bars). */
function headerBlock(values: Array<string | null>, flags: number): string {
  const esc = (flags & F_ESC) !== 0;
  let out = flags & F_QUOTE ? '"{' : '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += '|';
    const v = values[i];
    if (v !== null) out += encodeHeader(v, esc);
  }
  return out + (flags & F_QUOTE ? '}"' : '}');
}

/** %hrl %hsl: one field per header, space separated, `-` (or `""`) for an absent one. */
function headerList(values: Array<string | null>, flags: number): string {
  const esc = (flags & F_ESC) !== 0;
  const quote = (flags & F_QUOTE) !== 0;
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ' ';
    const v = values[i];
    if (quote) out += '"';
    if (v !== null) out += encodeHeader(v, esc);
    else if (!quote) out += '-';
    if (quote) out += '"';
  }
  return out;
}

/** Start of the request: the explicit date, else accept date + Th + Ti as HAProxy derives %tr. */
function requestDate(r: AccessLogRecord): number {
  if (r.requestDate >= 0) return r.requestDate;
  return r.acceptDate + (r.Ti >= 0 ? r.Ti + (r.Th > 0 ? r.Th : 0) : 0);
}

/** %Td: data transmission time (manual 8.4). */
function dataTime(r: AccessLogRecord): number {
  if (r.mode === 'http') {
    if (r.Tr < 0) return -1;
    return r.Tt - ((r.Tq > 0 ? r.Tq : 0) + (r.Tw > 0 ? r.Tw : 0) + (r.Tc > 0 ? r.Tc : 0) + r.Tr);
  }
  if (r.Tc < 0) return -1;
  return r.Tt - ((r.Th > 0 ? r.Th : 0) + (r.Tw > 0 ? r.Tw : 0) + r.Tc);
}

/** Everything the generated code may call, passed to it as `H`. */
export const FIELD_RENDERERS = {
  text,
  escapeText,
  hex2,
  hex4,
  ipHex,
  port,
  requestLine,
  uriPath,
  uriFull,
  uriPathOnly,
  uriQuery,
  httpVersion,
  httpMethod,
  uriField,
  headerBlock,
  headerList,
  requestDate,
  dataTime,
  localDateMs,
  gmtDate,
  localDateTz,
  pad3,
  trunc: Math.trunc,
};
