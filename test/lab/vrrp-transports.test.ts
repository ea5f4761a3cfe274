// The same election and failover over the other ways adverts travel:
// unicast peers over raw IP 112 (no multicast on the segment), and UDP
// (for networks that filter protocol 112), multicast and unicast. The peer
// list names every node: one file is shared, each node skips itself.

import test, { type ExecutionContext } from 'ava';
import { isTransition, startHawser, tempDir, watchAddressAdded, writeFile } from './lab-process.ts';
import { createLab, holds } from './netns.ts';
import { hawserConfig, masterDownInterval, VIP } from './vrrp-config.ts';

const INTERVAL = 100;

async function electAndFailOver(t: ExecutionContext, extra: string[], transport: 'raw' | 'udp'): Promise<void> {
  const lab = await createLab(t, 2);
  const [h1, h2] = lab.hosts as [(typeof lab.hosts)[0], (typeof lab.hosts)[0]];
  const cfg = writeFile(tempDir(t), 'hawser.cfg', hawserConfig({ priorities: { lb1: 150, lb2: 100 }, advertInterval: INTERVAL, extra }));
  const lb1 = await startHawser(t, h1, cfg, 'lb1');
  await lb1.waitFor('lb1 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  t.like(lb1.events.find((e) => e.event === 'vrrp-start'), { transport, source: h1.address });
  const lb2 = await startHawser(t, h2, cfg, 'lb2');
  await lb2.waitFor('lb2 to hear lb1', (_l, e) => e?.event === 'vrrp-master' && e.master === h1.address, 2000);
  t.true(await holds(h1, VIP));
  t.false(await holds(h2, VIP));

  const { down } = masterDownInterval(100, INTERVAL);
  const watch = await watchAddressAdded(t, h2, VIP);
  const t0 = performance.now();
  lb1.kill('SIGKILL');
  const takeover = (await watch.added(3000)) - t0;
  t.log(`${extra.join(', ')}: takeover after SIGKILL ${takeover.toFixed(1)} ms (Master_Down_Interval ${down.toFixed(1)} ms)`);
  t.true(takeover >= down - INTERVAL - 5 && takeover < 1000, `${takeover.toFixed(1)} ms`);
}

test('unicast peers over raw IP protocol 112', (t) => electAndFailOver(t, ['unicast-peer 10.99.0.11 10.99.0.12'], 'raw'));
test('transport udp, multicast', (t) => electAndFailOver(t, ['transport udp'], 'udp'));
test('transport udp, unicast peers', (t) => electAndFailOver(t, ['transport udp port 5799', 'unicast-peer 10.99.0.11 10.99.0.12'], 'udp'));
