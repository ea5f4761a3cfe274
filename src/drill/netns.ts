// The drill's network: a bridge in its own namespace and one namespace per
// host (Hawser nodes, backends, clients), each with eth0 on the bridge and
// one address in 10.98.0.0/24. Every namespace, and every process left in
// one, is removed by destroy() — also when the drill fails, and on exit.
// Needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN): the error says so.

import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const SUBNET = '10.98.0';

export interface Host {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; never rejects (the caller looks at code), bounded by `timeoutMs`. */
export function run(file: string, args: string[], timeoutMs = 5000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr: stderr || (err?.message ?? '') });
    });
  });
}

export async function must(file: string, args: string[]): Promise<string> {
  const r = await run(file, args);
  if (r.code !== 0) throw new Error(`'${file} ${args.join(' ')}' failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

const live = new Set<string>();

function killAndDeleteSync(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 2000 }).split('\n');
    for (const p of pids) if (/^\d+$/.test(p)) killQuietly(Number(p));
  } catch {
    // namespace already gone
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 2000 });
  } catch {
    // already gone
  }
  live.delete(ns);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

process.on('exit', () => {
  for (const ns of [...live]) killAndDeleteSync(ns);
});

export class Network {
  readonly id: string;
  readonly bridgeNs: string;
  readonly hosts: Host[] = [];
  #next = 11;

  private constructor(id: string) {
    this.id = id;
    this.bridgeNs = `${id}b`;
  }

  /** A bridge namespace; hosts are added with addHost(). */
  static async create(prefix = 'hd'): Promise<Network> {
    const net = new Network(`${prefix}${randomBytes(3).toString('hex')}`);
    const first = await run('ip', ['netns', 'add', net.bridgeNs]);
    if (first.code !== 0) {
      throw new Error(`the drill builds network namespaces and needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN): 'ip netns add' failed: ${first.stderr.trim()}`);
    }
    live.add(net.bridgeNs);
    await must('ip', ['-n', net.bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    await must('ip', ['-n', net.bridgeNs, 'link', 'set', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', '0']);
    await must('ip', ['-n', net.bridgeNs, 'link', 'set', 'br0', 'up']);
    return net;
  }

  /** A host namespace on the bridge, with `extra` more addresses on eth0 (clients binding several sources). */
  async addHost(name: string, extra = 0): Promise<Host> {
    const ns = `${this.id}${name}`;
    const address = `${SUBNET}.${this.#next}`;
    this.#next += 1 + extra;
    await must('ip', ['netns', 'add', ns]);
    live.add(ns);
    const veth = `${this.id}${this.hosts.length}`;
    await must('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await must('ip', ['link', 'set', veth, 'netns', this.bridgeNs]);
    await must('ip', ['-n', this.bridgeNs, 'link', 'set', veth, 'master', 'br0', 'up']);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await must('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    const last = Number(address.split('.')[3]);
    for (let i = 1; i <= extra; i++) await must('ip', ['-n', ns, 'addr', 'add', `${SUBNET}.${last + i}/24`, 'dev', 'eth0']);
    await must('ip', [
      'netns', 'exec', ns, 'sysctl', '-qw',
      'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.ip_nonlocal_bind=1',
    ]);
    await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    const host = { name, ns, address };
    this.hosts.push(host);
    return host;
  }

  /** The bridge port of a host: setting it down partitions the host. */
  bridgePort(host: Host): string {
    return `${this.id}${this.hosts.indexOf(host)}`;
  }

  async setLink(host: Host, up: boolean): Promise<void> {
    await must('ip', ['-n', this.bridgeNs, 'link', 'set', this.bridgePort(host), up ? 'up' : 'down']);
  }

  /**
   * The bridge stops (or resumes) forwarding the host's frames while its
   * link stays up: a switch failing between the nodes, the partition that
   * leaves both sides master (a split brain), unlike a link down.
   */
  async setForwarding(host: Host, on: boolean): Promise<void> {
    await must('ip', ['netns', 'exec', this.bridgeNs, 'bridge', 'link', 'set', 'dev', this.bridgePort(host), 'state', on ? '3' : '0']);
  }

  /**
   * Drops (or stops dropping) VRRP, IP protocol 112, on the host's input:
   * what a firewall that does not know VRRP does, while TCP (peers, clients)
   * still flows. nft by its path: `npm run` puts node_modules/.bin first, and
   * a package there is called nft too.
   */
  async filterVrrp(host: Host, on: boolean): Promise<void> {
    const nft = ['netns', 'exec', host.ns, '/usr/sbin/nft'];
    if (!on) return void (await must('ip', [...nft, 'delete', 'table', 'inet', 'hawser_drill']));
    await must('ip', [...nft, 'add', 'table', 'inet', 'hawser_drill']);
    await must('ip', [...nft, 'add', 'chain', 'inet', 'hawser_drill', 'in', '{ type filter hook input priority 0 ; }']);
    await must('ip', [...nft, 'add', 'rule', 'inet', 'hawser_drill', 'in', 'meta', 'l4proto', '112', 'drop']);
  }

  async addresses(host: Host): Promise<string[]> {
    const r = await run('ip', ['-n', host.ns, '-j', '-4', 'addr', 'show', 'dev', 'eth0'], 2000);
    if (r.code !== 0) return [];
    const out = JSON.parse(r.stdout) as Array<{ addr_info: Array<{ local: string }> }>;
    return out.flatMap((l) => l.addr_info.map((a) => a.local));
  }

  /** Kills what runs in the namespaces and deletes them. */
  async destroy(): Promise<void> {
    const names = [...this.hosts.map((h) => h.ns), this.bridgeNs];
    for (const ns of names) {
      const r = await run('ip', ['netns', 'pids', ns], 2000);
      for (const p of r.stdout.split('\n')) if (/^\d+$/.test(p)) killQuietly(Number(p));
    }
    await Promise.all(names.map((ns) => run('ip', ['netns', 'del', ns], 2000)));
    for (const ns of names) live.delete(ns);
  }
}
