// `npm run bench`: hawser's proxy against references in one run. Each
// scenario is measured straight to the backend, through haproxy 2.6 and
// through hawser with the same configuration file, and reported as ratios.
//
// Environment: BENCH_DURATION (wrk -d, default 10s), BENCH_WARMUP (wrk run
// thrown away before each measured one, default 2s, 0 for none),
// BENCH_SCENARIOS (comma list, default l7,l4small,l4big,stream; also l7big,
// and nbthread: haproxy and hawser with nbthread 1 and 2, see threads.ts;
// and h2: h2load over h2c and h2 over TLS, see h2.ts; and tls: TLS handshakes
// and keep-alive requests over TLS, see tls.ts),
// BENCH_STREAM_BYTES (bulk transfer size, default 1 GiB),
// BENCH_HAWSER_NODE_ARGS (Node flags for hawser, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIG_BODY_BYTES, originConfig, proxyConfig, type Ports } from './configs.ts';
import { describeMachine } from './machine.ts';
import { freePorts } from './ports.ts';
import { HAPROXY_BIN, LOAD_CPU, installCleanup, pinSelf, spawnPinned, startHaproxy, stopPinned, waitForPort, type Pinned } from './processes.ts';
import { describeLoad, scenarioTable, targetsTable } from './report.ts';
import { SCENARIOS, runScenario, type ScenarioId, type ScenarioResult, type Settings } from './scenarios.ts';
import { checkTargets } from './targets.ts';
import { runThreads, threadsTable, type ThreadsResult } from './threads.ts';
import { h2Table, runH2, type H2Result } from './h2.ts';
import { runTls, tlsTable, type TlsResult } from './tls.ts';

const RESULTS = resolve(import.meta.dirname, 'results', 'latest.json');
const SOURCE = resolve(import.meta.dirname, 'stream-source.ts');

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function seconds(v: string | undefined, fallback: string): string {
  const s = (v ?? '').trim() || fallback;
  if (/^\d+(\.\d+)?$/.test(s)) return `${s}s`;
  if (!/^\d+(\.\d+)?(s|m)$/.test(s)) throw new Error(`bench: '${s}' is not a duration (e.g. 10s, 1m)`);
  return s;
}

function settingsFromEnv(): Settings {
  const bytes = Number(process.env.BENCH_STREAM_BYTES ?? 1024 ** 3);
  if (!Number.isInteger(bytes) || bytes <= 0) throw new Error('bench: BENCH_STREAM_BYTES must be a positive integer');
  return {
    duration: seconds(process.env.BENCH_DURATION, '10s'),
    warmup: seconds(process.env.BENCH_WARMUP, '2s'),
    threads: 1,
    connections: 50,
    streamBytes: bytes,
    streamRepeat: 3,
    hawserNodeArgs: (process.env.BENCH_HAWSER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  };
}

function wantedScenarios(): string[] {
  return (process.env.BENCH_SCENARIOS ?? '').split(',').map((x) => x.trim()).filter(Boolean);
}

/** `nbthread` is not a path-by-path scenario: it runs apart (threads.ts). */
const THREADS_SCENARIO = 'nbthread';
/** `h2` neither: h2load instead of wrk, its own configuration (h2.ts). */
const H2_SCENARIO = 'h2';
/** `tls` neither: openssl s_time for handshakes, its own configuration (tls.ts). */
const TLS_SCENARIO = 'tls';

function selectedScenarios(): typeof SCENARIOS {
  const all = wantedScenarios();
  const wanted = all.filter((w) => w !== THREADS_SCENARIO && w !== H2_SCENARIO && w !== TLS_SCENARIO);
  if (all.length === 0) return SCENARIOS.filter((s) => s.byDefault);
  const known = SCENARIOS.map((s) => s.id as string);
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length) throw new Error(`bench: unknown scenario(s) ${unknown.join(', ')}; known: ${known.join(', ')}, ${THREADS_SCENARIO}, ${H2_SCENARIO}, ${TLS_SCENARIO}`);
  return SCENARIOS.filter((s) => wanted.includes(s.id));
}

function requireTools(): void {
  for (const [cmd, args] of [['wrk', ['-v']], [HAPROXY_BIN, ['-v']], ['taskset', ['-V']]] as const) {
    const r = spawnSync(cmd, args);
    if (r.error) throw new Error(`bench: ${cmd} is needed (apt-get install wrk haproxy util-linux): ${r.error.message}`);
  }
  if (availableParallelism() < 2) throw new Error('bench: needs 2 CPUs (the proxy alone on CPU 0, load and backends on CPU 1)');
}

async function main(): Promise<void> {
  installCleanup();
  requireTools();
  const settings = settingsFromEnv();
  const scenarios = selectedScenarios();
  // Before pinning: nproc counts the CPUs this process may run on.
  const machine = describeMachine();
  pinSelf(LOAD_CPU);
  const load1 = Number(machine.loadAverage.split(' ')[0]);
  if (load1 > 1) log(`bench: warning, load average is ${machine.loadAverage}: other work may skew the figures`);

  const [origin, source, l7, l7rules, l4, stream, h2c, h2tls, tlsEcdsa, tlsRsa] = await freePorts(10);
  const ports: Ports = { origin, source, l7, l7rules, l4, stream };
  const dir = mkdtempSync(join(tmpdir(), 'hawser-bench-'));
  // 'exit' also runs on Ctrl-C (the cleanup handlers end with process.exit).
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const started: Pinned[] = [];
  const results: Partial<Record<ScenarioId, ScenarioResult>> = {};
  let threads: ThreadsResult | null = null;
  let h2: H2Result | null = null;
  let tls: TlsResult | null = null;
  try {
    const bigBody = join(dir, 'body-64k');
    writeFileSync(bigBody, Buffer.alloc(BIG_BODY_BYTES, 'x'));
    writeFileSync(join(dir, 'origin.cfg'), originConfig(ports, bigBody));
    const proxyCfg = join(dir, 'proxy.cfg');
    writeFileSync(proxyCfg, proxyConfig(ports));

    started.push(await startHaproxy('haproxy (origin)', join(dir, 'origin.cfg'), LOAD_CPU, ports.origin));
    const src = spawnPinned('stream-source', LOAD_CPU, process.execPath, [SOURCE, String(ports.source), String(settings.streamBytes)]);
    started.push(src);
    await waitForPort(src, ports.source);

    log(`bench: ${scenarios.map((s) => s.id).join(', ')}; proxy on CPU 0, wrk and backends on CPU ${LOAD_CPU}`);
    for (const s of scenarios) {
      const r = await runScenario(s, ports, proxyCfg, settings, log);
      results[s.id] = r;
      process.stdout.write(`\n${scenarioTable(s, r, settings)}\n`);
    }
    if (wantedScenarios().includes(THREADS_SCENARIO)) {
      threads = await runThreads(ports, dir, settings, log);
      process.stdout.write(`\n${threadsTable(threads)}\n`);
    }
    if (wantedScenarios().includes(H2_SCENARIO)) {
      h2 = await runH2(ports, { h2c: h2c!, tls: h2tls! }, dir, settings, log);
      process.stdout.write(`\n${h2Table(h2)}\n`);
    }
    if (wantedScenarios().includes(TLS_SCENARIO)) {
      tls = await runTls(ports.origin, { ecdsa: tlsEcdsa!, rsa: tlsRsa! }, dir, settings, log);
      process.stdout.write(`\n${tlsTable(tls)}\n`);
    }
  } finally {
    for (const p of started) await stopPinned(p, 'SIGTERM');
  }

  const checks = checkTargets(results);
  process.stdout.write(`\n${targetsTable(checks)}\n`);
  process.stdout.write(`\nmachine: ${machine.nproc} CPUs, ${machine.cpuModel}, node ${machine.node}, ${machine.haproxy}\n`);

  mkdirSync(resolve(RESULTS, '..'), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    command: 'npm run bench',
    machine,
    settings: { ...settings, pinning: { proxy: 'CPU 0 alone', load: `CPU ${LOAD_CPU}: wrk, origin haproxy, stream source and sink` } },
    scenarios: scenarios.map((s) => ({ id: s.id, title: s.title, load: describeLoad(s, settings), results: results[s.id] })),
    targets: checks,
    nbthread: threads,
    h2,
    tls,
    proxyConfig: proxyConfig(ports),
  };
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  log(`bench: results written to ${RESULTS}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    // The bench's own usage errors need no stack; anything else does.
    const err = e instanceof Error ? e : new Error(String(e));
    log(err.message.startsWith('bench:') ? err.message : (err.stack ?? err.message));
    process.exit(1);
  },
);
