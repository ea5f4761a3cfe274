// The I/O adapter of the checks: runs one check script over a real socket
// (node:net, node:tls for `tcp-check connect ssl`), one connection per
// connect step, and turns socket events into the engine's events. Reads are
// bounded by the engine's 16 KiB buffer.
//
// Deadlines, as HAProxy sets them at each connect: without `timeout check`,
// `inter` bounds the whole check; with it, the connection gets
// min(inter, timeout connect) and, once established, `timeout check`
// bounds the exchange.

import net from 'node:net';
import tls from 'node:tls';
import type { CheckTiming, Endpoint } from './health.ts';
import { CheckRun, type Action, type Script } from './script.ts';
import { makeResult, type CheckResult } from './status.ts';

type Done = Extract<Action, { kind: 'done' }>;
type Connect = Extract<Action, { kind: 'connect' }>;

/** strerror() wording, which HAProxy puts in its logs ("Connection refused"). */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EPIPE: 'Broken pipe',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
};

function errorText(err: NodeJS.ErrnoException): string {
  return (err.code !== undefined && ERRNO_TEXT[err.code]) || err.message;
}

/** The PROXY protocol v1 line for a check connection: its own addresses. */
function proxyLine(s: net.Socket): string {
  const family = s.remoteFamily === 'IPv6' ? 'TCP6' : 'TCP4';
  return `PROXY ${family} ${s.localAddress} ${s.remoteAddress} ${s.localPort} ${s.remotePort}\r\n`;
}

/** Runs `script` against `endpoint`; always resolves with a result. */
export function runScript(script: Script, endpoint: Endpoint, timing: CheckTiming, signal?: AbortSignal): Promise<CheckResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const run = new CheckRun(script, { nowMs: Date.now() });
    let sock: net.Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;

    const finish = (a: Done): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock?.destroy();
      const result = makeResult(a.status, a.info, a.code, Math.round(performance.now() - started));
      if (a.agent) result.agent = a.agent;
      resolve(result);
    };
    const onAbort = (): void => finish({ kind: 'done', status: 'SOCKERR', info: 'aborted', code: 0 });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const arm = (ms: number): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => drive(run.timeout()), ms);
    };

    const drive = (first: Action): void => {
      let a = first;
      // Each send moves the script one step on: bounded by its length.
      for (let i = 0; i <= script.steps.length; i++) {
        if (finished) return;
        switch (a.kind) {
          case 'done':
            return finish(a);
          case 'recv':
            return;
          case 'connect':
            return open(a);
          case 'send':
            sock!.write(a.data);
            a = run.sent();
            break;
        }
      }
    };

    const ready = (s: net.Socket): void => {
      if (timing.timeoutCheck) arm(timing.timeoutCheck);
      s.on('data', (chunk: Buffer) => {
        if (sock === s) drive(run.data(chunk));
      });
      s.on('end', () => {
        if (sock === s) drive(run.eof());
      });
      drive(run.connected());
    };

    const open = (a: Connect): void => {
      sock?.destroy();
      const connectMs = timing.timeoutCheck && timing.timeoutConnect
        ? Math.min(timing.inter, timing.timeoutConnect)
        : timing.inter;
      arm(connectMs);
      const own = a.addr === undefined && a.port === undefined;
      const s = own && endpoint.path !== undefined
        ? net.connect({ path: endpoint.path })
        : net.connect({ host: a.addr ?? endpoint.host, port: a.port ?? endpoint.port });
      sock = s;
      s.setNoDelay(true);
      s.on('error', (err: NodeJS.ErrnoException) => {
        if (sock === s) drive(run.error(errorText(err)));
      });
      s.once('connect', () => {
        if (sock !== s) return;
        run.transportUp();
        if (a.sendProxy) s.write(proxyLine(s));
        else if (own && endpoint.preamble !== undefined) s.write(endpoint.preamble(s));
        const serverTls = own ? endpoint.tls : undefined;
        if (!a.ssl && serverTls === undefined) return ready(s);
        const t = tls.connect({ ...(serverTls ?? { rejectUnauthorized: false }), socket: s });
        sock = t;
        let handshaken = false;
        t.on('error', (err: NodeJS.ErrnoException) => {
          if (sock === t) drive(run.error(handshaken ? errorText(err) : 'SSL handshake failure'));
        });
        t.once('secureConnect', () => {
          handshaken = true;
          if (sock === t) ready(t);
        });
      });
    };

    drive(run.start());
  });
}
