// The in-process takeover path (cluster/vrrp/native-net.ts, our addon):
// the kernel really gets the address (rtnetlink) and the wire really
// carries the gratuitous ARP (packet socket), seen with `ip` and tcpdump
// from other namespaces; and a Hawser node whose PATH has neither `ip` nor
// `arping` still takes over, so nothing on its takeover path spawns them.

import test from 'ava';
import { HAWSER_BIN, isTransition, spawnIn, tempDir, writeFile, type LabProcess } from './lab-process.ts';
import { createLab, holds, neighbourMac, run, waitUntil, type LabHost } from './netns.ts';
import { hawserConfig, VIP } from './vrrp-config.ts';

const PROBE = new URL('./native-net-probe.ts', import.meta.url).pathname;

interface ProbeResult {
  ok: boolean;
  us?: number;
  code?: string;
  message?: string;
}

async function probe(host: LabHost, ops: object[]): Promise<ProbeResult[]> {
  const r = await run('ip', ['netns', 'exec', host.ns, process.execPath, PROBE, JSON.stringify(ops)], 10_000);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
  if (lines.length !== ops.length) throw new Error(`probe in ${host.ns} (${r.code}): ${r.stdout}${r.stderr}`);
  return lines.map((l) => JSON.parse(l) as ProbeResult);
}

interface AddrInfo {
  local: string;
  prefixlen: number;
  label?: string;
  tentative?: boolean;
}

async function eth0Addresses(host: LabHost): Promise<AddrInfo[]> {
  const r = await run('ip', ['-n', host.ns, '-j', 'addr', 'show', 'dev', 'eth0']);
  return (JSON.parse(r.stdout) as Array<{ addr_info: AddrInfo[] }>).flatMap((l) => l.addr_info);
}

test.serial('addresses are added (label, nodad) and removed over rtnetlink; errors name the errno', async (t) => {
  const lab = await createLab(t, 1);
  const h = lab.hosts[0]!;
  const added = await probe(h, [
    { op: 'add', dev: 'eth0', address: '10.99.0.150', prefix: 32, label: 'eth0:hw' },
    { op: 'add', dev: 'eth0', address: '10.99.0.150', prefix: 32 },
    { op: 'add', dev: 'eth0', address: 'fd00:99::150', prefix: 128, nodad: true },
    { op: 'add', dev: 'nope0', address: '10.99.0.151', prefix: 32 },
    { op: 'garp', dev: 'lo', address: '10.99.0.150' },
  ]);
  t.like(added, [{ ok: true }, { ok: false, code: 'EEXIST' }, { ok: true }, { ok: false, code: 'ENODEV' }, { ok: false, code: 'EPROTONOSUPPORT' }]);
  t.is(added[3]!.message, "adding 10.99.0.151/32 on 'nope0': no such device (ENODEV)");
  let addrs = await eth0Addresses(h);
  t.like(
    addrs.find((a) => a.local === '10.99.0.150'),
    { prefixlen: 32, label: 'eth0:hw' },
  );
  const v6 = addrs.find((a) => a.local === 'fd00:99::150');
  t.like(v6, { prefixlen: 128 });
  t.not(v6?.tentative, true, 'nodad: usable at once');

  const removed = await probe(h, [
    { op: 'del', dev: 'eth0', address: '10.99.0.150', prefix: 32 },
    { op: 'del', dev: 'eth0', address: 'fd00:99::150', prefix: 128 },
    { op: 'del', dev: 'eth0', address: '10.99.0.150', prefix: 32 },
  ]);
  t.like(removed, [{ ok: true }, { ok: true }, { ok: false, code: 'EADDRNOTAVAIL' }]);
  addrs = await eth0Addresses(h);
  t.deepEqual(
    addrs.filter((a) => a.local === '10.99.0.150' || a.local === 'fd00:99::150'),
    [],
  );
  t.true(addrs.some((a) => a.local === h.address), 'the primary address is untouched');
});

test.serial('the gratuitous ARP leaves right after the address is added and moves a neighbour cache', async (t) => {
  const lab = await createLab(t, 3);
  const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
  // The neighbour learns the VIP at h1 first: a gratuitous ARP only updates an existing entry.
  await run('ip', ['-n', h1.ns, 'addr', 'add', `${VIP}/32`, 'dev', 'eth0']);
  await run('ip', ['netns', 'exec', h3.ns, 'bash', '-c', `echo hello > /dev/udp/${VIP}/9`]);
  await waitUntil(`h3's ARP entry for ${VIP} at h1 (${h1.mac})`, async () => (await neighbourMac(h3, VIP)) === h1.mac, 2000);
  await run('ip', ['-n', h1.ns, 'addr', 'del', `${VIP}/32`, 'dev', 'eth0']);

  const dump = spawnIn(t, h3, ['tcpdump', '-l', '-nn', '-e', '-i', 'eth0', 'arp']);
  await dump.waitFor('tcpdump to listen', (l) => l.includes('listening on'), 5000);
  const [add, garp] = await probe(h2, [
    { op: 'add', dev: 'eth0', address: VIP, prefix: 32 },
    { op: 'garp', dev: 'eth0', address: VIP, count: 2 },
  ]);
  t.like(add, { ok: true });
  t.like(garp, { ok: true });
  t.log(`in process: address added in ${add!.us} us, 2 gratuitous ARPs sent in ${garp!.us} us`);
  t.true(await holds(h2, VIP));
  // Request, broadcast, sender = target = the VIP, from h2's MAC: what arping -U sends.
  const want = (l: string): boolean => l.includes(` ${h2.mac} > ff:ff:ff:ff:ff:ff,`) && l.includes('Request who-has') && l.includes(`${VIP} (`) && l.includes(`tell ${VIP}`);
  await dump.waitFor(`h2's gratuitous ARP for ${VIP}`, want, 3000);
  await waitUntil(`h3's ARP entry for ${VIP} to move to h2 (${h2.mac})`, async () => (await neighbourMac(h3, VIP)) === h2.mac, 2000);
  await new Promise((r) => setTimeout(r, 100));
  t.is(dump.lines.filter(want).length, 2, 'count: two frames');
});

test.serial('a node with no `ip` and no `arping` on its PATH takes over and gives back the VIP in process', async (t) => {
  const lab = await createLab(t, 3);
  const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
  const cfg = writeFile(tempDir(t), 'hawser.cfg', hawserConfig({ priorities: { lb1: 150, lb2: 100 }, advertInterval: 100, extra: ['garp-master-delay 0'] }));
  const start = async (host: LabHost, name: string): Promise<LabProcess> => {
    const p = spawnIn(t, host, ['env', 'PATH=/nonexistent', process.execPath, HAWSER_BIN, '-f', cfg, '-L', name]);
    await p.waitFor('hawser ready', (_l, e) => e?.event === 'ready', 15_000);
    return p;
  };
  const lb1 = await start(h1, 'lb1');
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  await waitUntil('lb1 to hold the VIP', () => holds(h1, VIP), 2000);
  const lb2 = await start(h2, 'lb2');
  await lb2.waitFor('lb2 Backup', (_l, e) => isTransition(e, 'Backup'), 3000);
  await run('ip', ['netns', 'exec', h3.ns, 'bash', '-c', `echo hello > /dev/udp/${VIP}/9`]);
  await waitUntil(`h3's ARP entry for ${VIP} at lb1`, async () => (await neighbourMac(h3, VIP)) === h1.mac, 2000);

  lb1.kill('SIGKILL');
  await lb2.waitFor('lb2 Master', (_l, e) => isTransition(e, 'Master'), 2000);
  await waitUntil('lb2 to hold the VIP', () => holds(h2, VIP), 1000);
  await waitUntil(`h3's ARP entry for ${VIP} to move to lb2 (${h2.mac})`, async () => (await neighbourMac(h3, VIP)) === h2.mac, 2000);

  lb2.kill('SIGTERM');
  await lb2.exited;
  t.false(await holds(h2, VIP), 'removed on stop');
  for (const p of [lb1, lb2]) {
    const bad = p.events.filter((e) => e.event === 'vrrp-address-error' || e.event === 'vrrp-native-unavailable');
    t.deepEqual(bad, [], 'no fallback to the commands, no address errors');
  }
});
