// A lab of hosts in network namespaces, built and torn down by the test
// that uses it: a bridge in its own namespace and one namespace per host,
// each with eth0 on the bridge and 10.99.0.(11+i)/24. Names are unique per
// lab (hw + random), so labs run side by side. The namespaces (and every
// process left in them) are removed at teardown, on failure too, and on
// the test worker's exit when ava gives up on a test. Requires root: when
// namespaces cannot be created the test fails saying so, it never skips.

import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';

export interface LabHost {
  ns: string;
  address: string;
  /** eth0's MAC. */
  mac: string;
}

export interface Lab {
  id: string;
  bridgeNs: string;
  hosts: LabHost[];
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
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1;
      resolve({ code, stdout, stderr: stderr || (err?.message ?? '') });
    });
  });
}

async function must(file: string, args: string[]): Promise<string> {
  const r = await run(file, args);
  if (r.code !== 0) throw new Error(`'${file} ${args.join(' ')}' failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

const live = new Set<string>();

function removeNamespacesSync(names: Iterable<string>): void {
  for (const ns of names) {
    try {
      const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 2000 }).split('\n').filter((p) => /^\d+$/.test(p));
      for (const p of pids) {
        try {
          process.kill(Number(p), 'SIGKILL');
        } catch {
          // gone already
        }
      }
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
}

// ava may kill a worker after a timeout without running teardowns.
process.on('exit', () => removeNamespacesSync([...live]));

async function removeNamespaces(names: string[]): Promise<void> {
  for (const ns of names) {
    const r = await run('ip', ['netns', 'pids', ns], 2000);
    for (const p of r.stdout.split('\n')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  // Deleting the bridge namespace deletes the host ends of the veth pairs with it.
  await Promise.all(names.map((ns) => run('ip', ['netns', 'del', ns], 2000)));
  for (const ns of names) live.delete(ns);
}

/** Builds a lab of `count` hosts; removed at teardown. */
export async function createLab(t: ExecutionContext, count: number): Promise<Lab> {
  const id = `hw${randomBytes(3).toString('hex')}`;
  const bridgeNs = `${id}b`;
  const names = [bridgeNs, ...Array.from({ length: count }, (_, i) => `${id}h${i + 1}`)];
  t.teardown(() => removeNamespaces(names));
  const first = await run('ip', ['netns', 'add', bridgeNs]);
  if (first.code !== 0) {
    throw new Error(
      `lab tests need network namespaces (root and iproute2), and 'ip netns add' failed: ${first.stderr.trim()}. Run the suite as root (CI does).`,
    );
  }
  live.add(bridgeNs);
  await must('ip', ['-n', bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
  await must('ip', ['-n', bridgeNs, 'link', 'set', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', '0']);
  await must('ip', ['-n', bridgeNs, 'link', 'set', 'br0', 'up']);
  const hosts: LabHost[] = [];
  for (let i = 0; i < count; i++) {
    const ns = names[i + 1]!;
    const address = `10.99.0.${11 + i}`;
    await must('ip', ['netns', 'add', ns]);
    live.add(ns);
    await must('ip', ['link', 'add', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await must('ip', ['link', 'set', ns, 'netns', bridgeNs]);
    await must('ip', ['-n', bridgeNs, 'link', 'set', ns, 'master', 'br0', 'up']);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await must('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    // Before the link is up: its IPv6 link-local address is then usable at once (no DAD wait).
    await must('ip', [
      'netns', 'exec', ns, 'sysctl', '-qw',
      'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.ip_nonlocal_bind=1', 'net.ipv6.ip_nonlocal_bind=1',
      'net.ipv6.conf.eth0.accept_dad=0',
    ]);
    await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    const link = JSON.parse(await must('ip', ['-n', ns, '-j', 'link', 'show', 'eth0'])) as Array<{ address: string }>;
    hosts.push({ ns, address, mac: link[0]!.address });
  }
  return { id, bridgeNs, hosts };
}

/** The IPv4 addresses on a host's eth0. */
export async function ipv4Addresses(host: LabHost): Promise<string[]> {
  const out = JSON.parse(await must('ip', ['-n', host.ns, '-j', '-4', 'addr', 'show', 'dev', 'eth0'])) as Array<{ addr_info: Array<{ local: string }> }>;
  return out.flatMap((l) => l.addr_info.map((a) => a.local));
}

export async function holds(host: LabHost, address: string): Promise<boolean> {
  return (await ipv4Addresses(host)).includes(address);
}

/** The MAC a host's neighbour table has for `address`, if any. */
export async function neighbourMac(host: LabHost, address: string): Promise<string | undefined> {
  const out = JSON.parse(await must('ip', ['-n', host.ns, '-j', 'neigh', 'show', address])) as Array<{ lladdr?: string }>;
  return out[0]?.lladdr;
}

/** Polls `probe` every `everyMs` until it is true, failing with `what` after `timeoutMs`. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 25): Promise<void> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
