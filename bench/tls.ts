// BENCH_SCENARIOS=tls: TLS termination through haproxy 2.6 and through
// hawser, in the same run, with one configuration file and the same two
// certificates made for the run (ECDSA P-256 and RSA 2048, one `bind ...
// ssl crt` each, mode http to the origin). Three figures per certificate:
//
// - full: new connections per second, each a full handshake and one small
//   request (`openssl s_time -new -www /`: a fresh SSL object per
//   connection, so nothing can resume);
// - resumed: the same with the session of the previous connection offered
//   again (`s_time -reuse`, TLS 1.3 tickets); the share that really resumed
//   is counted from s_time's per-connection marks;
// - keep-alive: requests per second over established TLS connections
//   (`wrk https://`, ECDSA only: after the handshake both certificates cost
//   the same).
//
// Not `wrk -H 'Connection: close'` for handshakes: wrk reuses its SSL object
// with SSL_clear(), which keeps the session, so every reconnection after a
// connection's first resumes (haproxy counts 100% reuse): that would be a
// resumed figure labelled "full". s_time is a blocking client, so
// BENCH_TLS_CLIENTS of them (default 16) run at once to keep the proxy busy.
//
// Each figure also comes per second of the proxy process's own CPU time
// (/proc/PID/stat), which still compares the proxies when the load CPU is
// the limit (full ECDSA handshakes cost the client more than the server).
//
// Both proxies run for the whole scenario, each on its own ports (the same
// configuration text otherwise), and each figure's time is cut into
// BENCH_TLS_SLICES slices (default 5, whole seconds) measured on one proxy,
// then the other, the first of each pair alternating: only one is under
// load at a time, and a passing disturbance falls on both. Measured one
// proxy after the other over minutes, the ratio followed the machine's
// drift instead (on a shared VM the same s_time load cost the client 760
// to 1100 us of CPU per connection within 20 minutes).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { makeCertificate, type CertKind } from './certificates.ts';
import { HTTP_PROXY_HEAD, SMALL_BODY } from './configs.ts';
import { busyShare, processCpuSeconds, sampleCpus } from './cpu-usage.ts';
import { freePorts } from './ports.ts';
import { LOAD_CPU, PROXY_CPU, spawnPinned, startHaproxy, startHawser, stopPinned, type Pinned } from './processes.ts';
import type { Settings } from './scenarios.ts';
import { runWrk } from './wrk.ts';

export type TlsLoad = 'full' | 'resumed' | 'keepalive';
export type TlsPorts = Record<CertKind, number>;

export type TlsProxy = 'haproxy' | 'hawser';
const PROXIES: readonly TlsProxy[] = ['haproxy', 'hawser'];

export interface TlsRow {
  proxy: TlsProxy;
  cert: CertKind;
  load: TlsLoad;
  /** Connections (full, resumed) or requests (keep-alive) per second. */
  rate: number;
  /** Share of the connections that resumed a session (null: keep-alive). */
  resumedShare: number | null;
  errors: number;
  /** The proxy process's CPU seconds per second of the run (1: a whole core). */
  proxyCpu: number;
  /** Busy share of the load CPU (wrk or s_time, the origin), from /proc/stat. */
  loadCpu: number;
  /** rate / proxyCpu: the rate per second of proxy CPU. */
  ratePerCpuS: number;
}

export interface TlsRatio {
  cert: CertKind;
  load: TlsLoad;
  /** hawser / haproxy. */
  rate: number;
  perCpuS: number;
  /** The issue's target for this figure, if it has one. */
  target: number | null;
}

export interface TlsResult {
  clients: number;
  /** Alternating slices each figure's time was cut into, and their length (s). */
  slices: number;
  sliceSeconds: number;
  rows: TlsRow[];
  ratios: TlsRatio[];
}

/** The measured combinations, in order; keep-alive once (the certificate only matters at the handshake). */
const PLAN: ReadonlyArray<{ cert: CertKind; load: TlsLoad }> = [
  { cert: 'ecdsa', load: 'full' },
  { cert: 'rsa', load: 'full' },
  { cert: 'ecdsa', load: 'resumed' },
  { cert: 'rsa', load: 'resumed' },
  { cert: 'ecdsa', load: 'keepalive' },
];

/** Issue 4: full handshakes >= 0.95x haproxy, keep-alive rps over TLS >= 0.5x. */
const TARGETS: Readonly<Record<TlsLoad, number | null>> = { full: 0.95, resumed: null, keepalive: 0.5 };

/** One text for both proxies: a TLS listener per certificate, to the origin. */
export function tlsProxyConfig(ports: TlsPorts, origin: number, pems: Record<CertKind, string>): string {
  return `${HTTP_PROXY_HEAD}
frontend tls_ecdsa
    bind 127.0.0.1:${ports.ecdsa} ssl crt ${pems.ecdsa}
    default_backend origin_http

frontend tls_rsa
    bind 127.0.0.1:${ports.rsa} ssl crt ${pems.rsa}
    default_backend origin_http

backend origin_http
    server origin 127.0.0.1:${origin}
`;
}

export interface STimeReport {
  connections: number;
  /** Per-connection marks: 'r' resumed, anything else a full handshake. */
  resumed: number;
  marked: number;
}

/** What one `openssl s_time` run printed: its count ("N connections in 1.23s; ...") and its marks. */
export function parseSTime(text: string): STimeReport {
  const m = /^(\d+) connections in [\d.]+s;/m.exec(text);
  if (m === null) throw new Error(`bench: openssl s_time printed no count:\n${text.slice(-2000)}`);
  let resumed = 0;
  let marked = 0;
  for (const line of text.split('\n')) {
    if (!/^[*rt3]+$/.test(line)) continue;
    marked += line.length;
    for (const c of line) if (c === 'r') resumed++;
  }
  return { connections: Number(m[1]), resumed, marked };
}

function seconds(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m)$/.exec(d);
  if (m === null) throw new Error(`bench: '${d}' is not a duration`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

interface LoadFigures {
  rate: number;
  resumedShare: number | null;
  errors: number;
}

/**
 * `clients` s_time processes at once for `secs` (whole seconds: s_time's
 * unit); the rate is the sum of each process's connections over its own
 * wall time. Each is killed if it outlives its time by 30 s.
 */
async function runSTime(port: number, mode: '-new' | '-reuse', secs: number, clients: number): Promise<LoadFigures> {
  const args = ['s_time', '-connect', `127.0.0.1:${port}`, mode, '-time', String(secs), '-www', '/'];
  const runs = Array.from({ length: clients }, async () => {
    const t0 = performance.now();
    const p = spawnPinned('openssl s_time', LOAD_CPU, 'openssl', args);
    const timer = setTimeout(() => p.child.kill('SIGKILL'), (secs + 30) * 1000);
    const code = await p.exited;
    clearTimeout(timer);
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`bench: openssl ${args.join(' ')} ended with ${code}:\n${p.stdout().slice(-1000)}\n${p.stderr().slice(-1000)}`);
    return { ...parseSTime(p.stdout()), wall };
  });
  const done = await Promise.all(runs);
  const rate = done.reduce((a, r) => a + r.connections / r.wall, 0);
  const marked = done.reduce((a, r) => a + r.marked, 0);
  const resumed = done.reduce((a, r) => a + r.resumed, 0);
  return { rate, resumedShare: marked > 0 ? resumed / marked : 0, errors: 0 };
}

async function runLoad(load: TlsLoad, port: number, duration: string, clients: number): Promise<LoadFigures> {
  if (load === 'keepalive') {
    const w = await runWrk({ url: `https://127.0.0.1:${port}/`, duration, threads: 1, connections: 50, cpu: LOAD_CPU });
    return { rate: w.rps, resumedShare: null, errors: w.non2xx + w.socketErrors };
  }
  return runSTime(port, load === 'full' ? '-new' : '-reuse', Math.max(1, Math.round(seconds(duration))), clients);
}

/** A request over TLS must come back 200 with the origin's body before anything is measured. */
async function expectHttps200(port: number): Promise<void> {
  const r = await new Promise<{ status: number; body: string }>((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, agent: false, timeout: 5000 }, (resp) => {
      let body = '';
      resp.setEncoding('utf8');
      resp.on('data', (d: string) => (body += d));
      resp.on('end', () => res({ status: resp.statusCode ?? 0, body }));
      resp.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 5000 ms')));
    req.on('error', rej);
    req.end();
  }).catch((e: Error) => {
    throw new Error(`bench: sanity check GET https://127.0.0.1:${port}/: ${e.message}`);
  });
  if (r.status !== 200 || r.body !== SMALL_BODY) throw new Error(`bench: sanity check GET https://127.0.0.1:${port}/: status ${r.status}, body '${r.body.slice(0, 80)}'`);
}

function requireOpenssl(): void {
  const r = spawnSync('openssl', ['version']);
  if (r.error) throw new Error(`bench: the openssl command is needed for the tls scenario (apt-get install openssl): ${r.error.message}`);
}

export function tlsClients(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_TLS_CLIENTS ?? 16);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error('bench: BENCH_TLS_CLIENTS must be an integer from 1 to 256');
  return n;
}

/** How many alternating slices a figure's measured time is cut into (BENCH_TLS_SLICES, default 5). */
export function tlsSlices(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_TLS_SLICES ?? 5);
  if (!Number.isInteger(n) || n < 1 || n > 60) throw new Error('bench: BENCH_TLS_SLICES must be an integer from 1 to 60');
  return n;
}

/** One proxy's figures of one combination, summed over its slices. */
class SliceSum {
  wall = 0;
  rateWall = 0;
  resumedWall = 0;
  errors = 0;
  cpu = 0;
  loadWall = 0;
  add(f: LoadFigures, wall: number, cpu: number, load: number): void {
    this.wall += wall;
    this.rateWall += f.rate * wall;
    this.resumedWall += (f.resumedShare ?? 0) * wall;
    this.errors += f.errors;
    this.cpu += cpu;
    this.loadWall += load * wall;
  }
}

/**
 * haproxy and hawser on the proxy CPU, each on its own ports. For each
 * figure both are warmed up, then the measured time is cut into slices
 * taken on one proxy, then the other (one under load at a time), the first
 * of each pair alternating, so that the machine's drift and passing
 * disturbances fall on both.
 */
export async function runTls(origin: number, ports: TlsPorts, dir: string, o: Settings, log: (line: string) => void): Promise<TlsResult> {
  requireOpenssl();
  const clients = tlsClients();
  const total = Math.max(1, Math.round(seconds(o.duration)));
  const slices = Math.min(tlsSlices(), total);
  const slice = `${Math.max(1, Math.round(total / slices))}s`;
  const pems = { ecdsa: makeCertificate(dir, 'ecdsa', 'tls-ecdsa'), rsa: makeCertificate(dir, 'rsa', 'tls-rsa') };
  const [hawserEcdsa, hawserRsa] = await freePorts(2);
  const portsOf: Record<TlsProxy, TlsPorts> = { haproxy: ports, hawser: { ecdsa: hawserEcdsa!, rsa: hawserRsa! } };
  const files: Record<TlsProxy, string> = { haproxy: join(dir, 'proxy-tls-haproxy.cfg'), hawser: join(dir, 'proxy-tls-hawser.cfg') };
  for (const proxy of PROXIES) writeFileSync(files[proxy], tlsProxyConfig(portsOf[proxy], origin, pems));
  const rows: TlsRow[] = [];
  const running: Partial<Record<TlsProxy, Pinned>> = {};
  try {
    running.haproxy = await startHaproxy('haproxy (proxy)', files.haproxy, PROXY_CPU, portsOf.haproxy.rsa);
    running.hawser = await startHawser(files.hawser, PROXY_CPU, o.hawserNodeArgs);
    for (const proxy of PROXIES) for (const cert of ['ecdsa', 'rsa'] as const) await expectHttps200(portsOf[proxy][cert]);
    for (const { cert, load } of PLAN) {
      log(`  tls: ${cert} ${load}, ${slices} x ${slice} on each proxy...`);
      if (seconds(o.warmup) > 0) for (const proxy of PROXIES) await runLoad(load, portsOf[proxy][cert], o.warmup, clients);
      const sums: Record<TlsProxy, SliceSum> = { haproxy: new SliceSum(), hawser: new SliceSum() };
      for (let i = 0; i < slices; i++) {
        for (const proxy of i % 2 === 0 ? PROXIES : [...PROXIES].reverse()) {
          const pid = running[proxy]!.child.pid ?? 0;
          const cpu0 = processCpuSeconds(pid);
          const before = sampleCpus();
          const t0 = performance.now();
          const f = await runLoad(load, portsOf[proxy][cert], slice, clients);
          const wall = (performance.now() - t0) / 1000;
          sums[proxy].add(f, wall, processCpuSeconds(pid) - cpu0, busyShare(before, sampleCpus(), LOAD_CPU));
        }
      }
      for (const proxy of PROXIES) {
        const m = sums[proxy];
        const rate = m.rateWall / m.wall;
        const proxyCpu = m.cpu / m.wall;
        rows.push({
          proxy,
          cert,
          load,
          rate,
          resumedShare: load === 'keepalive' ? null : m.resumedWall / m.wall,
          errors: m.errors,
          proxyCpu,
          loadCpu: m.loadWall / m.wall,
          ratePerCpuS: proxyCpu > 0.01 ? rate / proxyCpu : 0,
        });
      }
    }
  } finally {
    if (running.hawser !== undefined) await stopPinned(running.hawser, 'SIGINT');
    if (running.haproxy !== undefined) await stopPinned(running.haproxy, 'SIGTERM');
  }
  // The table lists haproxy's figures, then hawser's (sort is stable: PLAN order within each).
  rows.sort((x, y) => PROXIES.indexOf(x.proxy) - PROXIES.indexOf(y.proxy));
  return { clients, slices, sliceSeconds: seconds(slice), rows, ratios: tlsRatios(rows) };
}

export function tlsRatios(rows: readonly TlsRow[]): TlsRatio[] {
  const row = (proxy: string, cert: CertKind, load: TlsLoad): TlsRow | undefined => rows.find((r) => r.proxy === proxy && r.cert === cert && r.load === load);
  const div = (a: number | undefined, b: number | undefined): number => (a !== undefined && b !== undefined && b > 0 ? a / b : 0);
  return PLAN.map(({ cert, load }) => {
    const h = row('hawser', cert, load);
    const r = row('haproxy', cert, load);
    return { cert, load, rate: div(h?.rate, r?.rate), perCpuS: div(h?.ratePerCpuS, r?.ratePerCpuS), target: TARGETS[load] };
  });
}

const LOAD_TEXT: Readonly<Record<TlsLoad, string>> = {
  full: 'full handshakes/s',
  resumed: 'resumed handshakes/s',
  keepalive: 'keep-alive req/s',
};

export function tlsTable(r: TlsResult): string {
  const lines = [
    `tls: bind ... ssl crt (ECDSA P-256, RSA 2048), mode http; handshakes: ${r.clients} x openssl s_time -new|-reuse -www /; keep-alive: wrk -t1 -c50 https; proxy on CPU ${PROXY_CPU}, load and origin on CPU ${LOAD_CPU}; each figure ${r.slices} x ${r.sliceSeconds} s per proxy, alternating`,
    `  ${'proxy'.padEnd(8)} ${'figure'.padEnd(27)} ${'rate'.padStart(9)} ${'resumed'.padStart(8)} ${'errors'.padStart(7)} ${'proxy CPU'.padStart(10)} ${'load CPU'.padStart(9)} ${'per CPU-s'.padStart(10)}`,
  ];
  for (const row of r.rows) {
    const figure = `${row.cert} ${LOAD_TEXT[row.load]}`;
    const resumed = row.resumedShare === null ? '-' : `${(row.resumedShare * 100).toFixed(0)}%`;
    lines.push(
      `  ${row.proxy.padEnd(8)} ${figure.padEnd(27)} ${row.rate.toFixed(0).padStart(9)} ${resumed.padStart(8)} ${String(row.errors).padStart(7)} ${`${(row.proxyCpu * 100).toFixed(0)}%`.padStart(10)} ${`${(row.loadCpu * 100).toFixed(0)}%`.padStart(9)} ${row.ratePerCpuS.toFixed(0).padStart(10)}`,
    );
  }
  lines.push(`  hawser / haproxy:`);
  for (const x of r.ratios) {
    const verdict = x.target === null ? '' : `  target >= ${x.target.toFixed(2)}x: ${x.rate >= x.target ? 'met' : 'NOT MET'}`;
    lines.push(`    ${`${x.cert} ${LOAD_TEXT[x.load]}`.padEnd(27)} ${`${x.rate.toFixed(2)}x`.padStart(7)}  (per proxy CPU-s ${x.perCpuS.toFixed(2)}x)${verdict}`);
  }
  return lines.join('\n');
}
