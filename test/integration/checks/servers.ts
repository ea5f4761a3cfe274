// Real servers for the check integration tests: free loopback ports, temp
// dirs and child processes that are cleaned up with the test (also when it
// fails), and a loud failure naming the apt package when a binary is missing.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';

/** Fails the test when `binary` is missing, saying what to install. */
export function requireBinary(binary: string, aptPackage: string): string {
  const dirs = binary.startsWith('/') ? [''] : [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const path = dir === '' ? binary : join(dir, binary);
    if (existsSync(path)) return path;
  }
  throw new Error(`${binary} is not installed: apt-get install -y ${aptPackage}`);
}

const handedOut = new Set<number>();

/**
 * A port nobody listens on right now (the kernel's pick, released), never
 * the same twice in one test process: concurrent tests must not start their
 * daemons on one port.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const srv = net.createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const { port } = srv.address() as net.AddressInfo;
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found');
}

export function tempDir(t: ExecutionContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hawser-${prefix}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a daemon in the foreground; it is killed when the test ends. */
export function daemon(t: ExecutionContext, cmd: string, args: string[], opts: { cwd?: string; uid?: number; gid?: number } = {}): ChildProcess {
  const child = spawn(cmd, args, { cwd: opts.cwd, uid: opts.uid, gid: opts.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  child.stderr?.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-4000); });
  // Even if the test process dies before its teardown, the daemon must not outlive it.
  const reap = (): void => { child.kill('SIGKILL'); };
  process.once('exit', reap);
  child.once('exit', () => process.removeListener('exit', reap));
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  });
  (child as ChildProcess & { output: () => string }).output = () => output;
  return child;
}

/** The last few KiB a daemon printed. */
export function outputOf(child: ChildProcess): string {
  return (child as ChildProcess & { output?: () => string }).output?.() ?? '';
}

/** Waits until a daemon prints something matching `pattern` (bounded). */
export async function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(outputOf(child))) {
    if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}: ${outputOf(child)}`);
    if (Date.now() > deadline) throw new Error(`daemon did not print ${pattern} in ${timeoutMs}ms: ${outputOf(child)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until something accepts connections on `port` (bounded). */
export async function waitForPort(port: number, child: ChildProcess, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`daemon exited with ${child.exitCode}: ${outputOf(child)}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs}ms`);
}

/** Runs a command to completion, failing loudly with its output. */
export function run(cmd: string, args: string[], opts: { input?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A TCP server on a free loopback port, closed with the test. */
export async function tcpServer(t: ExecutionContext, onConnection: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    srv.close(() => resolve());
  }));
  return (srv.address() as net.AddressInfo).port;
}

/** Polls `cond` every 10 ms until true; fails after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
