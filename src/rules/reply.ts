// The responses rules produce themselves (deny, tarpit, return, redirect),
// rendered as HAProxy 2.6 sends them: for return and deny with a payload,
// `hdr` fields (lower-cased) then content-length then content-type; for
// redirects content-length 0, location, cache-control: no-cache for 302, 303
// and 307, then set-cookie. The session adds `connection:` when it closes
// (or answers HTTP/1.0), last, as HAProxy does.

import { errorResponse } from '../http/index.ts';

export interface HttpReply {
  status: number;
  /** Status line and fields, each ending in CRLF, without the empty line and without `connection`. */
  head: string;
  body: Buffer;
  /** A built-in error page, which `errorfile` / `http-error` of the proxy replace. */
  errorPage?: boolean;
}

const EMPTY = Buffer.alloc(0);

/** The bytes to send: `connection` is the Connection value to state ('' for none). */
export function replyBytes(reply: HttpReply, connection = ''): Buffer {
  const head = reply.head + (connection === '' ? '' : 'connection: ' + connection + '\r\n') + '\r\n';
  if (reply.body.length === 0) return Buffer.from(head, 'latin1');
  return Buffer.concat([Buffer.from(head, 'latin1'), reply.body]);
}

/** HAProxy's built-in error page for `status` (deny and tarpit without a payload). */
export function errorPageReply(status: number): HttpReply {
  const bytes = errorResponse(status);
  const end = bytes.indexOf('\r\n\r\n');
  return { status, head: bytes.subarray(0, end + 2).toString('latin1'), body: bytes.subarray(end + 4), errorPage: true };
}

/** The status line and fields of a reply, for http-after-response rules to edit. */
export function replyHead(reply: HttpReply): { status: number; reason: string; headers: string[] } {
  const lines = reply.head.split('\r\n');
  const first = lines[0]!;
  const sp = first.indexOf(' ', 9);
  const headers: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const c = l.indexOf(':');
    if (c > 0) headers.push(l.slice(0, c), l.slice(c + 1).trim());
  }
  return { status: reply.status, reason: sp < 0 ? '' : first.slice(sp + 1), headers };
}

/** `reply` with an edited status line and fields (names lower-cased, as HAProxy emits them). */
export function withReplyHead(reply: HttpReply, status: number, reason: string, headers: readonly string[]): HttpReply {
  let head = 'HTTP/1.1 ' + status + ' ' + reason + '\r\n';
  for (let i = 0; i < headers.length; i += 2) head += headers[i]!.toLowerCase() + ': ' + headers[i + 1] + '\r\n';
  return { status, head, body: reply.body };
}

/**
 * An `errorfile`: a raw HTTP response as HAProxy requires it (status line,
 * fields, empty line, body); null when the text is not one.
 */
export function rawReply(text: Buffer): HttpReply | null {
  const s = text.toString('latin1');
  let end = s.indexOf('\r\n\r\n');
  let sep = 4;
  if (end < 0) {
    end = s.indexOf('\n\n');
    sep = 2;
  }
  if (end < 0) return null;
  const m = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?\r?\n/.exec(s);
  if (m === null) return null;
  const status = Number(m[1]);
  const headers: string[] = [];
  for (const l of s.slice(m[0].length, end).split(/\r?\n/)) {
    const c = l.indexOf(':');
    if (c > 0) headers.push(l.slice(0, c), l.slice(c + 1).trim());
  }
  return withReplyHead({ status, head: '', body: text.subarray(end + sep) }, status, m[2] ?? '', headers);
}

/** A return/deny reply with a payload or none. `fields` are [name, value, ...]. */
export function payloadReply(status: number, reason: string, fields: readonly string[], contentType: string | null, body: Buffer): HttpReply {
  let head = 'HTTP/1.1 ' + status + ' ' + reason + '\r\n';
  for (let i = 0; i < fields.length; i += 2) head += fields[i]!.toLowerCase() + ': ' + fields[i + 1] + '\r\n';
  // HAProxy states no length for the statuses that never have a body
  if (status !== 204 && status !== 304) head += 'content-length: ' + body.length + '\r\n';
  if (contentType !== null && body.length > 0) head += 'content-type: ' + contentType + '\r\n';
  return { status, head, body: body.length === 0 ? EMPTY : body };
}

const UNAUTHORIZED_BODY = Buffer.from('<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n', 'latin1');

/** `http-request auth`'s challenge: HAProxy's 401 page with a Basic challenge for `realm`. */
export function authChallengeReply(realm: string): HttpReply {
  const head =
    'HTTP/1.1 401 Unauthorized\r\ncontent-length: ' + UNAUTHORIZED_BODY.length + '\r\ncache-control: no-cache\r\n' +
    'content-type: text/html\r\nwww-authenticate: Basic realm="' + realm + '"\r\n';
  return { status: 401, head, body: UNAUTHORIZED_BODY };
}

export function redirectReply(code: number, reason: string, location: string, cookie: string): HttpReply {
  let head = 'HTTP/1.1 ' + code + ' ' + reason + '\r\ncontent-length: 0\r\nlocation: ' + location + '\r\n';
  if (code === 302 || code === 303 || code === 307) head += 'cache-control: no-cache\r\n';
  if (cookie !== '') head += 'set-cookie: ' + cookie + '\r\n';
  return { status: code, head, body: EMPTY };
}
