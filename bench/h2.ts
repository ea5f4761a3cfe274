// BENCH_SCENARIOS=h2: HTTP/2 requests per second from h2load (nghttp2-client)
// through haproxy 2.6 and through hawser, in the same run, with the same
// configuration file: h2c with prior knowledge, and h2 over TLS (ALPN h2,
// an ECDSA P-256 certificate made for the run), both to the origin in
// HTTP/1.1. The proxy runs alone on CPU 0, h2load and the origin on CPU 1;
// each run is bounded by h2load's own duration (-D) plus a margin.
//
// BENCH_H2_CONNECTIONS (default 10) and BENCH_H2_STREAMS (concurrent
// streams per connection, default 10) shape the load. Beside the rates, the
// proxy's own CPU time per request (from /proc, after the warm-up), which
// other work on the machine skews much less than a rate.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCertificate } from './certificates.ts';
import { processCpuSeconds } from './cpu-usage.ts';
import { HTTP_PROXY_HEAD, type Ports } from './configs.ts';
import { LOAD_CPU, PROXY_CPU, spawnPinned, startHaproxy, startHawser, stopPinned, type Pinned } from './processes.ts';
import type { Settings } from './scenarios.ts';

export type H2Transport = 'h2c' | 'h2-tls';

export interface H2Row {
  proxy: 'haproxy' | 'hawser';
  transport: H2Transport;
  rps: number;
  succeeded: number;
  failed: number;
  /** The proxy process's CPU milliseconds per 1000 requests. */
  cpuMsPer1k: number;
}

export interface H2Result {
  connections: number;
  streams: number;
  rows: H2Row[];
  /** hawser rps / haproxy rps, per transport. */
  ratio: Record<H2Transport, number>;
  /** hawser CPU per request / haproxy CPU per request, per transport. */
  cpuRatio: Record<H2Transport, number>;
}

export interface H2Load {
  rps: number;
  succeeded: number;
  /** failed + errored + timeout. */
  failed: number;
}

/** The figures of h2load's summary ("finished in 10.00s, 12345.67 req/s, ..." and "requests: ..."). */
export function parseH2load(text: string): H2Load {
  const fin = /^finished in [\d.]+m?s, ([\d.]+) req\/s/m.exec(text);
  const req = /^requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/m.exec(text);
  if (fin === null || req === null) throw new Error(`bench: h2load printed no summary:\n${text.slice(-2000)}`);
  return { rps: Number(fin[1]), succeeded: Number(req[1]), failed: Number(req[2]) + Number(req[3]) + Number(req[4]) };
}

/** One text for both proxies: an h2c listener and a TLS one offering h2, to the origin. */
export function h2ProxyConfig(h2c: number, tls: number, origin: number, pem: string): string {
  return `${HTTP_PROXY_HEAD}
frontend h2c
    bind 127.0.0.1:${h2c}
    default_backend origin_http

frontend h2tls
    bind 127.0.0.1:${tls} ssl crt ${pem} alpn h2,http/1.1
    default_backend origin_http

backend origin_http
    server origin 127.0.0.1:${origin}
`;
}

function seconds(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m)$/.exec(d);
  if (m === null) throw new Error(`bench: '${d}' is not a duration`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

/** h2load's figures, and the CPU seconds process `pid` used after the warm-up. */
async function runH2load(url: string, o: Settings, connections: number, streams: number, pid: number): Promise<H2Load & { cpu: number }> {
  const args = ['-t', '1', '-c', String(connections), '-m', String(streams), '-D', String(seconds(o.duration))];
  if (seconds(o.warmup) > 0) args.push(`--warm-up-time=${seconds(o.warmup)}`);
  args.push(url);
  const p = spawnPinned('h2load', LOAD_CPU, 'h2load', args);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), (seconds(o.duration) + seconds(o.warmup)) * 1000 + 30_000);
  let cpuStart = processCpuSeconds(pid);
  const warm = setTimeout(() => {
    cpuStart = processCpuSeconds(pid);
  }, seconds(o.warmup) * 1000);
  const code = await p.exited;
  const cpu = processCpuSeconds(pid) - cpuStart;
  clearTimeout(timer);
  clearTimeout(warm);
  if (code !== 0) throw new Error(`bench: h2load ${args.join(' ')} ended with ${code}:\n${p.stdout().slice(-2000)}\n${p.stderr().slice(-2000)}`);
  return { ...parseH2load(p.stdout()), cpu };
}

export function requireH2load(): void {
  const r = spawnSync('h2load', ['--version']);
  if (r.error) throw new Error(`bench: h2load is needed for the h2 scenario (apt-get install nghttp2-client): ${r.error.message}`);
}

/** haproxy, then hawser, each alone on the proxy CPU, under the same h2load runs. */
export async function runH2(ports: Ports, h2Ports: { h2c: number; tls: number }, dir: string, o: Settings, log: (line: string) => void): Promise<H2Result> {
  requireH2load();
  const connections = Number(process.env.BENCH_H2_CONNECTIONS ?? 10);
  const streams = Number(process.env.BENCH_H2_STREAMS ?? 10);
  if (!Number.isInteger(connections) || connections < 1 || !Number.isInteger(streams) || streams < 1) {
    throw new Error('bench: BENCH_H2_CONNECTIONS and BENCH_H2_STREAMS must be positive integers');
  }
  const file = join(dir, 'proxy-h2.cfg');
  writeFileSync(file, h2ProxyConfig(h2Ports.h2c, h2Ports.tls, ports.origin, makeCertificate(dir, 'ecdsa', 'h2')));
  const rows: H2Row[] = [];
  for (const proxy of ['haproxy', 'hawser'] as const) {
    const p: Pinned = proxy === 'haproxy' ? await startHaproxy('haproxy (proxy)', file, PROXY_CPU, h2Ports.h2c) : await startHawser(file, PROXY_CPU, o.hawserNodeArgs);
    try {
      for (const transport of ['h2c', 'h2-tls'] as const) {
        log(`  h2: ${proxy} ${transport}...`);
        const url = transport === 'h2c' ? `http://127.0.0.1:${h2Ports.h2c}/` : `https://127.0.0.1:${h2Ports.tls}/`;
        const r = await runH2load(url, o, connections, streams, p.child.pid!);
        if (r.succeeded === 0) throw new Error(`bench: no h2 request succeeded through ${proxy} (${transport})`);
        rows.push({ proxy, transport, rps: r.rps, succeeded: r.succeeded, failed: r.failed, cpuMsPer1k: (r.cpu * 1e6) / r.succeeded });
      }
    } finally {
      await stopPinned(p, proxy === 'hawser' ? 'SIGINT' : 'SIGTERM');
    }
  }
  const rps = (proxy: string, tr: H2Transport): number => rows.find((r) => r.proxy === proxy && r.transport === tr)?.rps ?? 0;
  const ratio = (tr: H2Transport): number => (rps('haproxy', tr) > 0 ? rps('hawser', tr) / rps('haproxy', tr) : 0);
  const cpu = (proxy: string, tr: H2Transport): number => rows.find((r) => r.proxy === proxy && r.transport === tr)?.cpuMsPer1k ?? 0;
  const cpuRatio = (tr: H2Transport): number => (cpu('haproxy', tr) > 0 ? cpu('hawser', tr) / cpu('haproxy', tr) : 0);
  return {
    connections,
    streams,
    rows,
    ratio: { h2c: ratio('h2c'), 'h2-tls': ratio('h2-tls') },
    cpuRatio: { h2c: cpuRatio('h2c'), 'h2-tls': cpuRatio('h2-tls') },
  };
}

export function h2Table(r: H2Result): string {
  const lines = [
    `h2: h2load -c ${r.connections} -m ${r.streams} (small GET /), proxy on CPU ${PROXY_CPU}, h2load and origin on CPU ${LOAD_CPU}`,
    `  ${'proxy'.padEnd(8)} ${'transport'.padEnd(9)} ${'rps'.padStart(10)} ${'ok'.padStart(9)} ${'failed'.padStart(7)} ${'cpu ms/1k req'.padStart(14)}`,
  ];
  for (const row of r.rows) {
    lines.push(`  ${row.proxy.padEnd(8)} ${row.transport.padEnd(9)} ${row.rps.toFixed(0).padStart(10)} ${String(row.succeeded).padStart(9)} ${String(row.failed).padStart(7)} ${row.cpuMsPer1k.toFixed(0).padStart(14)}`);
  }
  lines.push(`  hawser / haproxy: h2c ${r.ratio.h2c.toFixed(2)}x, h2 over TLS ${r.ratio['h2-tls'].toFixed(2)}x`);
  lines.push(`  hawser CPU per request / haproxy's: h2c ${r.cpuRatio.h2c.toFixed(2)}x, h2 over TLS ${r.cpuRatio['h2-tls'].toFixed(2)}x`);
  return lines.join('\n');
}
