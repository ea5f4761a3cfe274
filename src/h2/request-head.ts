// An HTTP/2 request's header block as the HTTP/1.1 request head the proxy
// pipeline reads (RFC 9113 8.3 -> RFC 9112): `:method` and `:path` make the
// request line, `:authority` becomes Host when the client sent none, split
// `cookie` fields are joined with "; " (RFC 9113 8.2.3), and a body without
// a content-length is sent chunked. An extended CONNECT (RFC 8441,
// `:protocol websocket`) becomes the HTTP/1.1 Upgrade request it stands
// for, with the Sec-WebSocket-Key HTTP/2 does without (RFC 8441 5), so the
// server answers 101 and the stream carries the tunnel. Pure: the key comes
// from the caller.

import type { IncomingHttpHeaders } from 'node:http2';

/** Connection-specific fields HTTP/2 forbids (RFC 9113 8.2.2); dropped if a client sends them anyway. */
const CONNECTION_FIELDS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export interface RequestHead {
  /** The head, CRLF-terminated. */
  text: string;
  /** The body must be framed as chunks (a body follows and no content-length says how long). */
  chunked: boolean;
  /** An extended CONNECT: after the server's 101, the stream is a tunnel. */
  tunnel: boolean;
}

/**
 * `hasBody`: the HEADERS frame did not end the stream; `wsKey`: the
 * Sec-WebSocket-Key to send for an extended CONNECT (16 random bytes, base64).
 */
export function requestHead(h: IncomingHttpHeaders, hasBody: boolean, wsKey = ''): RequestHead | string {
  const method = h[':method'];
  const authority = h[':authority'];
  const protocol = h[':protocol'];
  const tunnel = method === 'CONNECT' && typeof protocol === 'string' && protocol !== '';
  const path = method === 'CONNECT' && !tunnel ? authority : h[':path'];
  if (typeof method !== 'string' || typeof path !== 'string' || path === '') return 'missing :method or :path';
  let out = `${tunnel ? 'GET' : method} ${path} HTTP/1.1\r\n`;
  // Host right after the request line when only :authority names it (as a client's own Host would be placed).
  if (h.host === undefined) {
    if (typeof authority !== 'string' || authority === '') return 'missing :authority and host';
    out += `host: ${authority}\r\n`;
  }
  if (tunnel) out += `connection: upgrade\r\nupgrade: ${protocol}\r\n`;
  if (tunnel && protocol.toLowerCase() === 'websocket') out += `sec-websocket-key: ${wsKey}\r\n`;
  let length = false;
  let cookie = '';
  for (const name in h) {
    if (name.charCodeAt(0) === 0x3a /* : */ || CONNECTION_FIELDS.has(name) || (tunnel && name === 'sec-websocket-key')) continue;
    const v = h[name];
    if (v === undefined) continue;
    if (name === 'cookie') {
      cookie = Array.isArray(v) ? v.join('; ') : v;
      continue;
    }
    if (name === 'content-length') length = true;
    if (Array.isArray(v)) for (const x of v) out += `${name}: ${x}\r\n`;
    else out += `${name}: ${v}\r\n`;
  }
  if (cookie !== '') out += `cookie: ${cookie}\r\n`;
  const chunked = hasBody && !length && !tunnel;
  if (chunked) out += 'transfer-encoding: chunked\r\n';
  return { text: out + '\r\n', chunked, tunnel };
}
