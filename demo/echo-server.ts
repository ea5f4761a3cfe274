// A small HTTP server that says who it is and what it received: the demo's
// backends and the tests' real servers. Routes:
//   /bytes/N      N bytes of body (streamed, Content-Length)
//   /chunked/N    N bytes of body, chunked
//   /status/N     answers with status N
//   /slow/MS      answers after MS milliseconds
//   /close        answers with Connection: close and no length (ends by closing)
//   anything else JSON: server name, method, url, headers, body size and sha-free count
//
// The body of a request is consumed and counted, never stored.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface EchoServer {
  server: Server;
  port: number;
  name: string;
  /** Requests served so far. */
  hits: number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

function streamBytes(res: ServerResponse, n: number): void {
  let left = n;
  const pump = (): void => {
    while (left > 0) {
      const k = Math.min(left, CHUNK.length);
      left -= k;
      if (!res.write(k === CHUNK.length ? CHUNK : CHUNK.subarray(0, k))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

export function handleEcho(name: string, req: IncomingMessage, res: ServerResponse): void {
  let bodyBytes = 0;
  req.on('data', (d: Buffer) => {
    bodyBytes += d.length;
  });
  req.on('end', () => {
    const url = req.url ?? '/';
    const [, route, rawArg = ''] = url.split('/');
    const arg = rawArg.split('?')[0];
    res.setHeader('x-served-by', name);
    if (route === 'bytes') {
      res.setHeader('content-length', Number(arg));
      streamBytes(res, Number(arg));
      return;
    }
    if (route === 'chunked') {
      streamBytes(res, Number(arg));
      return;
    }
    if (route === 'status') {
      res.statusCode = Number(arg);
      res.end(`status ${arg} from ${name}\n`);
      return;
    }
    if (route === 'slow') {
      setTimeout(() => res.end(`slow from ${name}\n`), Number(arg));
      return;
    }
    if (route === 'close') {
      res.shouldKeepAlive = false;
      res.useChunkedEncodingByDefault = false;
      res.setHeader('connection', 'close');
      res.end(`closing from ${name}\n`);
      return;
    }
    const body = JSON.stringify({
      server: name,
      method: req.method,
      url,
      httpVersion: req.httpVersion,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      bodyBytes,
    });
    res.setHeader('content-type', 'application/json');
    res.end(body + '\n');
  });
}

export async function startEchoServer(name: string, port = 0, host = '127.0.0.1'): Promise<EchoServer> {
  const es: EchoServer = {
    server: createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      es.hits++;
      handleEcho(name, req, res);
    }),
    port: 0,
    name,
    hits: 0,
    close: () =>
      new Promise((resolve) => {
        es.server.closeAllConnections();
        es.server.close(() => resolve());
      }),
  };
  await new Promise<void>((resolve, reject) => {
    es.server.once('error', reject);
    es.server.listen({ port, host }, () => resolve());
  });
  const a = es.server.address();
  es.port = typeof a === 'object' && a !== null ? a.port : port;
  return es;
}
