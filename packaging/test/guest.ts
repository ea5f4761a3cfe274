// One QEMU guest of the package proof: software emulation (TCG: KVM cannot
// run a stock kernel here), the cached image under a throw-away qcow2
// overlay, two NICs:
//   eth0  QEMU user networking, restricted (no way out), ssh forwarded from
//         127.0.0.1:<sshPort> on this machine;
//   eth1  a multicast socket netdev on this machine's loopback: every guest
//         given the same group and port shares one L2 segment (ARP, VRRP
//         multicast and gratuitous ARP pass between them).
// Commands run over ssh as root with the image's key. Every wait is
// bounded; kill() is idempotent and also runs if this process exits.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run, type GuestImage } from './guest-image.ts';

export interface GuestOptions {
  name: string;
  image: GuestImage;
  /** Overlay, console log and pid file go here (removed by kill()). */
  workDir: string;
  sshPort: number;
  /** The shared L2 segment: multicast group:port on 127.0.0.1. */
  segment: string;
  mac: string;
  /** Address (with prefix) of eth1. */
  address: string;
  memoryMiB?: number;
}

export interface Result {
  code: number;
  out: string;
  err: string;
}

const live = new Set<Guest>();
process.on('exit', () => {
  for (const g of live) g.killNow();
});

export class Guest {
  readonly name: string;
  readonly address: string;
  readonly mac: string;
  readonly console: string;
  readonly #o: GuestOptions;
  #qemu: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();

  constructor(o: GuestOptions) {
    this.#o = o;
    this.name = o.name;
    this.address = o.address;
    this.mac = o.mac;
    this.console = join(o.workDir, 'console.log');
  }

  async start(): Promise<void> {
    const o = this.#o;
    rmSync(o.workDir, { recursive: true, force: true });
    mkdirSync(o.workDir, { recursive: true });
    const overlay = join(o.workDir, 'overlay.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', o.image.disk, overlay], { timeoutMs: 30_000 });
    const args = [
      '-name', o.name,
      '-machine', 'q35',
      '-cpu', 'max',
      '-smp', '1',
      // Two Node processes at once (the check, then the service, plus the
      // test's backend) must fit: 768 MB was tight.
      '-m', String(o.memoryMiB ?? 1024),
      // Translated code is cached per guest; 256 MB is plenty and caps host memory.
      '-accel', 'tcg,tb-size=256',
      '-kernel', o.image.kernel,
      '-initrd', o.image.initrd,
      '-append', `root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet systemd.show_status=0 lab.hostname=${o.name} lab.addr=${o.address}`,
      '-drive', `file=${overlay},if=virtio,format=qcow2,cache=unsafe`,
      '-netdev', `user,id=mgmt,restrict=on,hostfwd=tcp:127.0.0.1:${o.sshPort}-:22`,
      '-device', 'virtio-net-pci,netdev=mgmt',
      '-netdev', `socket,id=l2,mcast=${o.segment},localaddr=127.0.0.1`,
      '-device', `virtio-net-pci,netdev=l2,mac=${o.mac}`,
      '-serial', `file:${this.console}`,
      '-display', 'none',
      '-monitor', 'none',
      '-no-reboot',
    ];
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    qemu.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString('utf8');
    });
    this.#qemu = qemu;
    live.add(this);
    this.#exited = new Promise((r) => qemu.on('exit', () => r()));
    await new Promise((r) => setTimeout(r, 500));
    if (qemu.exitCode !== null) throw new Error(`${o.name}: qemu exited at once: ${stderr.trim()}`);
  }

  /** Resolves once sshd answers (the guest has booted); rejects after `timeoutMs`. */
  async waitSsh(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: Result | undefined;
    while (Date.now() < deadline) {
      if (this.#qemu?.exitCode !== null) throw new Error(`${this.name}: qemu exited while booting\n${this.consoleTail()}`);
      last = await this.ssh('true', { timeoutMs: 15_000, connectTimeout: 5 }).catch(() => undefined);
      if (last?.code === 0) return;
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`${this.name}: no ssh within ${timeoutMs / 1000} s (${last?.err.trim() ?? 'no answer'})\n${this.consoleTail()}`);
  }

  consoleTail(lines = 30): string {
    try {
      return readFileSync(this.console, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no console log)';
    }
  }

  #sshArgs(connectTimeout: number): string[] {
    return [
      '-i', this.#o.image.key,
      '-p', String(this.#o.sshPort),
      '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'LogLevel=ERROR',
      '-o', 'BatchMode=yes',
      '-o', `ConnectTimeout=${connectTimeout}`,
      '-o', 'ServerAliveInterval=5',
      '-o', 'ServerAliveCountMax=6',
    ];
  }

  /** Runs `command` (a shell line) as root in the guest. Never rejects for a non-zero exit; rejects on timeout. */
  ssh(command: string, opts: { timeoutMs?: number; connectTimeout?: number; input?: string } = {}): Promise<Result> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    return new Promise((resolvePromise, reject) => {
      const child = spawn('ssh', [...this.#sshArgs(opts.connectTimeout ?? 10), 'root@127.0.0.1', command], {
        stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
      if (opts.input !== undefined) child.stdin!.end(opts.input);
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${this.name}: '${command}' did not finish within ${timeoutMs / 1000} s\n${out}${err}`));
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolvePromise({ code: code ?? -1, out, err });
      });
    });
  }

  /** Like ssh(), but a non-zero exit is an error carrying the output. */
  async must(command: string, timeoutMs = 60_000): Promise<string> {
    const r = await this.ssh(command, { timeoutMs });
    if (r.code !== 0) throw new Error(`${this.name}: '${command}' exited ${r.code}\n${r.out}${r.err}`);
    return r.out;
  }

  /** Writes `text` to `path` in the guest. */
  async write(path: string, text: string): Promise<void> {
    const r = await this.ssh(`cat > '${path}'`, { input: text, timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`${this.name}: writing ${path}: ${r.err}`);
  }

  async copyTo(local: string, remote: string, timeoutMs = 180_000): Promise<void> {
    await run('scp', [...this.#sshArgs(10).map((a) => (a === '-p' ? '-P' : a)), local, `root@127.0.0.1:${remote}`], { timeoutMs });
  }

  /** Polls `command` until it exits 0; resolves with the ms waited, rejects after `timeoutMs`. */
  async waitUntil(command: string, timeoutMs: number, everyMs = 200): Promise<number> {
    const started = Date.now();
    let last: Result | undefined;
    while (Date.now() - started < timeoutMs) {
      last = await this.ssh(command, { timeoutMs: Math.max(5000, timeoutMs) }).catch(() => undefined);
      if (last?.code === 0) return Date.now() - started;
      await new Promise((r) => setTimeout(r, everyMs));
    }
    throw new Error(`${this.name}: '${command}' still failing after ${timeoutMs / 1000} s\n${last?.out ?? ''}${last?.err ?? ''}`);
  }

  /** Stops the guest and removes its overlay. */
  async kill(): Promise<void> {
    this.killNow();
    await Promise.race([this.#exited, new Promise((r) => setTimeout(r, 5000))]);
    live.delete(this);
  }

  killNow(): void {
    const q = this.#qemu;
    if (q !== null && q.exitCode === null && q.signalCode === null) q.kill('SIGKILL');
  }

  removeFiles(): void {
    rmSync(this.#o.workDir, { recursive: true, force: true });
  }
}
