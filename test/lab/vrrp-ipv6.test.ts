// An IPv6 virtual router (VRRPv3 over raw IPv6, adverts from the link-local
// address to ff02::12): the higher priority holds the VIP, the backup takes
// it when the master dies, and an unsolicited Neighbor Advertisement moves
// the neighbour's cache entry to the new master at once.

import test from 'ava';
import { isTransition, startHawser, tempDir, watchAddressAdded, writeFile } from './lab-process.ts';
import { createLab, run, waitUntil, type LabHost } from './netns.ts';
import { masterDownInterval } from './vrrp-config.ts';

const VIP6 = 'fd99::100';

const config = `global
    log stdout format raw local0

vrrp web6
    interface eth0
    virtual-router-id 52
    priority lb1 150 lb2 100
    advert-interval 100ms
    garp-master-delay 0
    virtual-ipaddress ${VIP6}/128
`;

async function holds6(host: LabHost): Promise<boolean> {
  const r = await run('ip', ['-n', host.ns, '-6', '-o', 'addr', 'show', 'dev', 'eth0']);
  return r.stdout.includes(` ${VIP6}/128 `);
}

async function neighbourMac6(host: LabHost): Promise<string | undefined> {
  const r = await run('ip', ['-n', host.ns, '-j', '-6', 'neigh', 'show', VIP6]);
  return (JSON.parse(r.stdout || '[]') as Array<{ lladdr?: string }>)[0]?.lladdr;
}

test('IPv6: election, SIGKILL takeover, neighbour cache moved by an unsolicited NA', async (t) => {
  const lab = await createLab(t, 3);
  const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
  const cfg = writeFile(tempDir(t), 'hawser.cfg', config);
  const lb1 = await startHawser(t, h1, cfg, 'lb1');
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  t.regex(String(lb1.events.find((e) => e.event === 'vrrp-start')?.source), /^fe80:/);
  const lb2 = await startHawser(t, h2, cfg, 'lb2');
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master', 2000);
  t.true(await holds6(h1));
  t.false(await holds6(h2));

  // The neighbour reaches the VIP on-link, so it has a cache entry for it.
  await run('ip', ['-n', h3.ns, '-6', 'route', 'add', 'fd99::/64', 'dev', 'eth0']);
  await run('ip', ['netns', 'exec', h3.ns, 'bash', '-c', `echo hello > /dev/udp/${VIP6}/9`]);
  await waitUntil(`the neighbour's entry for ${VIP6} to be lb1's MAC`, async () => (await neighbourMac6(h3)) === h1.mac, 3000);

  const watch = await watchAddressAdded(t, h2, VIP6, 6);
  const t0 = performance.now();
  lb1.kill('SIGKILL');
  const takeover = (await watch.added(3000)) - t0;
  const { down } = masterDownInterval(100, 100);
  t.log(`IPv6 takeover after SIGKILL: ${takeover.toFixed(1)} ms (Master_Down_Interval ${down.toFixed(1)} ms)`);
  t.true(takeover >= down - 105 && takeover < 1000, `${takeover.toFixed(1)} ms`);
  await waitUntil(`the neighbour's entry for ${VIP6} to move to lb2's MAC`, async () => (await neighbourMac6(h3)) === h2.mac, 2000);
  t.false(lb2.events.some((e) => e.event === 'vrrp-address-error'), JSON.stringify(lb2.events.filter((e) => e.event === 'vrrp-address-error')));
});
