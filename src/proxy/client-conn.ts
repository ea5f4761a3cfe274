// What a listener learns about a client connection before its session
// starts: the addresses (the socket's, or those of the PROXY header when the
// bind has `accept-proxy`) and the TLS facts when it terminates TLS. The
// reading of the PROXY header lives here too: bounded in size and time, and
// whatever followed the header is handed back to the socket unread.

import type { Socket } from 'node:net';
import type { ClientTls } from '../tls/index.ts';
import type { StickCounters } from '../stick/index.ts';
import { parseProxyHeader, V1_MAX, V2_MAX, type ProxyHeader } from './proxy-protocol.ts';

export interface ClientConn {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** TLS terminated here; null for a plain connection. */
  readonly tls: ClientTls | null;
  /** The PROXY header received, if the bind accepts one. */
  readonly proxy: ProxyHeader | null;
  /** One HTTP/2 stream of the connection (logs say HTTP/2.0, as HAProxy's do). */
  readonly http2?: boolean;
  /** What the HTTP/2 connection's tcp-request connection/session rules tracked, seen by each of its streams. */
  readonly sc?: StickCounters | null;
}

/** "::ffff:127.0.0.1" -> "127.0.0.1", as HAProxy logs v4 clients on dual-stack binds. */
export function unmapped(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/** The facts of `s` itself (no PROXY header). A UNIX-socket client has no address: HAProxy logs `unix`. */
export function socketConn(s: Socket, tls: ClientTls | null): ClientConn {
  const unix = s.remoteAddress === undefined && s.localAddress === undefined;
  return {
    src: unix ? 'unix' : unmapped(s.remoteAddress ?? ''),
    srcPort: s.remotePort ?? 0,
    dst: unix ? 'unix' : unmapped(s.localAddress ?? ''),
    dstPort: s.localPort ?? 0,
    tls,
    proxy: null,
  };
}

/** The facts once a PROXY header was read: its addresses, unless it says LOCAL/UNKNOWN. */
export function proxiedConn(s: Socket, h: ProxyHeader, tls: ClientTls | null): ClientConn {
  if (h.local || h.family === 'unix' || h.family === 'unspec') return { ...socketConn(s, tls), proxy: h };
  return { src: unmapped(h.src), srcPort: h.srcPort, dst: unmapped(h.dst), dstPort: h.dstPort, tls, proxy: h };
}

/**
 * Reads a PROXY header from `s`, then calls `done` with the socket paused
 * and the bytes after the header pushed back; `failed` gets HAProxy's
 * reason when the header is wrong, the peer leaves, or `timeoutMs` passes.
 */
export function readProxyHeader(
  s: Socket,
  timeoutMs: number,
  done: (h: ProxyHeader) => void,
  failed: (why: string) => void,
): void {
  let buf: Buffer | null = null;
  let settled = false;
  const finish = (): void => {
    settled = true;
    s.removeListener('data', onData);
    s.removeListener('end', onEnd);
    s.removeListener('close', onEnd);
    s.removeListener('timeout', onTimeout);
    if (timeoutMs > 0) s.setTimeout(0);
  };
  const fail = (why: string): void => {
    if (settled) return;
    finish();
    s.destroy();
    failed(why);
  };
  const onData = (chunk: Buffer): void => {
    buf = buf === null ? chunk : Buffer.concat([buf, chunk]);
    const r = parseProxyHeader(buf);
    if (r.kind === 'more') {
      if (buf.length > V2_MAX + V1_MAX) fail('PROXY header too long');
      return;
    }
    if (r.kind === 'error') return fail(r.reason);
    s.pause();
    finish();
    if (r.length < buf.length) s.unshift(buf.subarray(r.length));
    done(r.header);
  };
  const onEnd = (): void => fail('Connection closed while waiting for PROXY protocol header');
  const onTimeout = (): void => fail('Timeout while waiting for PROXY protocol header');
  s.on('data', onData);
  s.on('end', onEnd);
  s.on('close', onEnd);
  s.on('timeout', onTimeout);
  s.on('error', noop);
  if (timeoutMs > 0) s.setTimeout(timeoutMs);
}

function noop(): void {}
