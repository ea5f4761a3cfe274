// Renders a parsed head back to bytes for the other side. The connection-
// management fields are hop-by-hop (RFC 9110 7.6.1): they are dropped and
// the proxy states its own `Connection` for each side.

import type { HttpHead } from './head.ts';

/** Whether a field name is hop-by-hop and must not be forwarded as is. */
function isHopByHop(name: string): boolean {
  const n = name.length;
  if (n === 10) {
    const l = name.toLowerCase();
    return l === 'connection' || l === 'keep-alive';
  }
  return n === 16 && name.toLowerCase() === 'proxy-connection';
}

function appendFields(s: string, h: HttpHead): string {
  const f = h.headers;
  for (let i = 0; i < f.length; i += 2) {
    const name = f[i];
    if ((name.length === 10 || name.length === 16) && isHopByHop(name)) continue;
    s += name + ': ' + f[i + 1] + '\r\n';
  }
  return s;
}

/**
 * The request head towards a server. `extra` holds complete header lines to
 * add ("Name: value\r\n..."); `connection` the Connection value to state, or
 * '' for none.
 */
export function renderRequestHead(h: HttpHead, extra: string, connection: string): string {
  let s = h.method + ' ' + h.target + (h.versionMinor === 0 ? ' HTTP/1.0\r\n' : ' HTTP/1.1\r\n');
  s = appendFields(s, h);
  if (connection !== '') s += 'Connection: ' + connection + '\r\n';
  return s + extra + '\r\n';
}

/** The response head towards the client. */
export function renderResponseHead(h: HttpHead, connection: string): string {
  let s = 'HTTP/1.1 ' + h.status + ' ' + h.reason + '\r\n';
  s = appendFields(s, h);
  if (connection !== '') s += 'connection: ' + connection + '\r\n';
  return s + '\r\n';
}
