// The processes a benchmark runs (proxies, backends, load generators), each
// pinned to its CPU with taskset, and the guarantee that none of them
// outlives the bench: they are killed on normal exit, on error and on Ctrl-C.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';

export const HAWSER_BIN = resolve(import.meta.dirname, '../bin/hawser.ts');
export const HAPROXY_BIN = process.env.BENCH_HAPROXY ?? '/usr/sbin/haproxy';

/** The CPU the proxy under test has to itself, and the one everything else shares. */
export const PROXY_CPU = 0;
export const LOAD_CPU = 1;

const OUTPUT_KEPT = 64 * 1024;

export interface Pinned {
  name: string;
  child: ChildProcess;
  /** The last OUTPUT_KEPT characters of stdout and of stderr, for error messages. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code, or the signal's name. */
  exited: Promise<number | string>;
}

const running = new Set<ChildProcess>();

function killRunning(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Kill every child on exit, on SIGINT/SIGTERM/SIGHUP, and on an uncaught error. */
export function installCleanup(): void {
  process.on('exit', killRunning);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping every process it started\n`);
      killRunning();
      process.exit(130);
    });
  }
}

/** Pin the bench itself to the load CPU, so the proxy's CPU runs the proxy alone. */
export function pinSelf(cpu: number): void {
  const r = spawnSync('taskset', ['-cp', String(cpu), String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset -cp ${cpu} ${process.pid} failed: ${r.stderr}`);
}

/** Start `cmd args` on one CPU (taskset -c), keeping the tail of its output. */
export function spawnPinned(name: string, cpu: number | string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Pinned {
  const child = spawn('taskset', ['-c', String(cpu), cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    out = (out + d).slice(-OUTPUT_KEPT);
  });
  child.stderr!.on('data', (d: string) => {
    err = (err + d).slice(-OUTPUT_KEPT);
  });
  const exited = new Promise<number | string>((res) => {
    child.on('error', (e) => {
      err += `\nspawn error: ${e.message}`;
    });
    child.on('close', (code, sig) => {
      running.delete(child);
      res(code ?? sig ?? -1);
    });
  });
  return { name, child, stdout: () => out, stderr: () => err, exited };
}

/** Ask a process to stop with `signal`; SIGKILL it if it is still there after `graceMs`. */
export async function stopPinned(p: Pinned, signal: NodeJS.Signals, graceMs = 5000): Promise<number | string> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exited;
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}

function failure(p: Pinned, what: string): Error {
  return new Error(`${p.name}: ${what}\n--- stdout ---\n${p.stdout().slice(-4000)}\n--- stderr ---\n${p.stderr().slice(-4000)}`);
}

/** Wait (bounded) until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(p: Pinned, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline && attempt < 1000; attempt++) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw failure(p, `exited before listening on ${port}`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw failure(p, `not listening on ${port} after ${timeoutMs} ms`);
}

/** haproxy in the foreground (-db) on `cpu`, ready once `port` accepts connections. */
export async function startHaproxy(name: string, cfgFile: string, cpu: number | string, port: number): Promise<Pinned> {
  const p = spawnPinned(name, cpu, HAPROXY_BIN, ['-db', '-f', cfgFile]);
  await waitForPort(p, port);
  return p;
}

/**
 * hawser on `cpu`, ready once it logs {"event":"ready"}. `nodeArgs` go before
 * the script (e.g. --cpu-prof), so hawser runs on the bench's own Node.
 */
export async function startHawser(cfgFile: string, cpu: number | string, nodeArgs: string[], timeoutMs = 15_000): Promise<Pinned> {
  const p = spawnPinned('hawser', cpu, process.execPath, [...nodeArgs, HAWSER_BIN, '-f', cfgFile]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw failure(p, 'exited before it was ready');
    if (/"event":"ready"/.test(p.stdout())) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  await stopPinned(p, 'SIGKILL');
  throw failure(p, `no "ready" event after ${timeoutMs} ms`);
}
