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
  return { status, head: bytes.subarray(0, end + 2).toString('latin1'), body: bytes.subarray(end + 4) };
}

/** A return/deny reply with a payload or none. `fields` are [name, value, ...]. */
export function payloadReply(status: number, reason: string, fields: readonly string[], contentType: string | null, body: Buffer): HttpReply {
  let head = 'HTTP/1.1 ' + status + ' ' + reason + '\r\n';
  for (let i = 0; i < fields.length; i += 2) head += fields[i]!.toLowerCase() + ': ' + fields[i + 1] + '\r\n';
  head += 'content-length: ' + body.length + '\r\n';
  if (contentType !== null && body.length > 0) head += 'content-type: ' + contentType + '\r\n';
  return { status, head, body: body.length === 0 ? EMPTY : body };
}

export function redirectReply(code: number, reason: string, location: string, cookie: string): HttpReply {
  let head = 'HTTP/1.1 ' + code + ' ' + reason + '\r\ncontent-length: 0\r\nlocation: ' + location + '\r\n';
  if (code === 302 || code === 303 || code === 307) head += 'cache-control: no-cache\r\n';
  if (cookie !== '') head += 'set-cookie: ' + cookie + '\r\n';
  return { status: code, head, body: EMPTY };
}
