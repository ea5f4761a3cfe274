// Real servers for the tests to put behind hawser, closed at teardown.

import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { ExecutionContext } from 'ava';
import { startEchoServer, type EchoServer } from '../../demo/echo-server.ts';

export async function echoServers(t: ExecutionContext, names: string[]): Promise<EchoServer[]> {
  const out = await Promise.all(names.map((n) => startEchoServer(n)));
  t.teardown(() => Promise.all(out.map((s) => s.close())).then(() => undefined));
  return out;
}

export interface TcpServer {
  server: Server;
  port: number;
  sockets: Set<Socket>;
}

/** A raw TCP server with the given connection handler. */
export async function tcpServer(t: ExecutionContext, onConn: (s: Socket) => void, host = '127.0.0.1'): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConn(s);
  });
  await new Promise<void>((r) => server.listen({ host, port: 0 }, () => r()));
  const a = server.address();
  t.teardown(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { server, port: typeof a === 'object' && a !== null ? a.port : 0, sockets };
}

/** A TCP server that echoes every byte back and answers "name\n" on connect when asked. */
export async function tcpEchoServer(t: ExecutionContext, banner = ''): Promise<TcpServer> {
  return tcpServer(t, (s) => {
    if (banner) s.write(banner);
    s.pipe(s);
  });
}

/** Counts how many requests an echo server handles at once; `peak` is the most seen. */
export function trackConcurrency(es: EchoServer): { readonly peak: number } {
  let current = 0;
  const seen = { peak: 0 };
  es.server.on('request', (_req, res) => {
    current++;
    seen.peak = Math.max(seen.peak, current);
    res.on('finish', () => current--);
  });
  return seen;
}

/** An HTTP server on 127.0.0.1 that answers every request with its name. */
export async function namedServer(t: ExecutionContext, name: string): Promise<number> {
  const s = createHttpServer((_req, res) => res.end(name));
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    s.closeAllConnections();
    s.close();
  });
  return (s.address() as { port: number }).port;
}
