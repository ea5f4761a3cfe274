// Split brain seen through the peers channel: VRRP (protocol 112) is
// filtered between two nodes while their peers TCP session still works,
// the case VRRP adverts alone cannot catch. The backup keeps deferring to
// the master's claims carried by peers (no second master at all); when the
// peers link is cut one way (lb1 hears nothing), lb1 becomes master too:
// lb2 sees it over peers and reports it; once lb1 hears again, it yields
// (lower priority) within a bounded time; both log `vrrp-split-brain` with
// via=peers, and `show vrrp` / `show cluster` count it.

import test from 'ava';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { isTransition, startHawser, tempDir, writeFile, type LabProcess } from './lab-process.ts';
import { createLab, holds, waitUntil, type LabHost } from './netns.ts';
import { hawserConfig, VIP } from './vrrp-config.ts';
import { socat } from '../support/socat.ts';

const PEERS_PORT = 10000;
const ADVERT_MS = 100;

/** Loads an nft ruleset into a host's namespace (its own table, gone with the namespace). */
function nft(host: LabHost, script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // By path: npm puts node_modules/.bin first in PATH, and a package there is also called nft.
    const c = spawn('ip', ['netns', 'exec', host.ns, '/usr/sbin/nft', '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'], timeout: 5000 });
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`nft in ${host.ns} failed (${code}): ${err}`))));
    c.stdin!.end(script);
  });
}

const masters = (procs: LabProcess[]): number => procs.filter((p) => lastState(p) === 'Master').length;

function lastState(p: LabProcess): string | undefined {
  for (let i = p.events.length - 1; i >= 0; i--) if (p.events[i]!.event === 'vrrp-transition') return String(p.events[i]!.to);
  return undefined;
}

test('VRRP filtered, peers up: the backup stays backup; two masters after a peers cut meet through peers and one yields', async (t) => {
  const lab = await createLab(t, 2);
  const [h1, h2] = lab.hosts as [LabHost, LabHost];
  const dir = tempDir(t);
  const sections = ['peers lb', `    peer lb1 ${h1.address}:${PEERS_PORT}`, `    peer lb2 ${h2.address}:${PEERS_PORT}`, ''].join('\n');
  const cfg = writeFile(dir, 'hawser.cfg', hawserConfig({ priorities: { lb1: 100, lb2: 150 }, advertInterval: ADVERT_MS, statsSocketDir: dir, sections }));
  const lb2 = await startHawser(t, h2, cfg, 'lb2');
  await lb2.waitFor('lb2 Master', (_l, e) => isTransition(e, 'Master'), 3000);
  const lb1 = await startHawser(t, h1, cfg, 'lb1');
  await lb1.waitFor('lb1 Backup', (_l, e) => isTransition(e, 'Backup'), 3000);
  await lb1.waitFor('peers session', (_l, e) => e?.event === 'peers-connected', 5000);

  // VRRP filtered both ways, on each node's input (raw sockets see packets after netfilter's input hook).
  for (const h of [h1, h2]) await nft(h, 'table inet hwvrrp {\n chain in {\n type filter hook input priority 0;\n meta l4proto 112 drop\n }\n}\n');
  const blocked = lb1.events.length;
  // Five Master_Down_Intervals of lb1 without an advert heard: without peers it would have taken over after one.
  await new Promise((r) => setTimeout(r, 5 * (3 * ADVERT_MS + 60)));
  t.false(lb1.events.slice(blocked).some((e) => isTransition(e, 'Master')), 'lb1 deferred to the claims lb2 sends over peers');
  t.false(await holds(h1, VIP), 'lb1 does not hold the VIP');
  t.true(await holds(h2, VIP));

  // Now cut the peers link too (lb1's input): lb1 hears nothing from lb2 and becomes master: two masters.
  await nft(h1, `table inet hwpeers {\n chain in {\n type filter hook input priority 0;\n tcp sport ${PEERS_PORT} drop\n tcp dport ${PEERS_PORT} drop\n }\n}\n`);
  await lb1.waitFor('lb1 Master while cut off', (_l, e) => isTransition(e, 'Master') && lb1.events.indexOf(e!) >= blocked, 5000);
  t.is(masters([lb1, lb2]), 2, 'two masters while lb1 hears nothing from lb2');
  // lb2 still hears lb1 over peers (only lb1's input drops): it sees two masters at once and reports it.
  const isPeersSplit = (e: Record<string, unknown> | undefined): boolean => e?.event === 'vrrp-split-brain' && e.via === 'peers' && e.code === 'HAWSER_VRRP_SPLIT_BRAIN';
  const won = await lb2.waitFor('lb2 split brain report', (_l, e) => isPeersSplit(e), 3000);
  t.like(JSON.parse(won), { level: 'error', peerNode: 'lb1', yielded: false, peerPriority: 100, priority: 150 });
  const healedAt = performance.now();
  await nft(h1, 'delete table inet hwpeers\n');
  // TCP retransmits what waited; lb1 (priority 100) yields to lb2 (150).
  await lb1.waitFor('lb1 yields', (_l, e) => isTransition(e, 'Backup') && lb1.events.indexOf(e!) >= blocked, 6000);
  const yieldMs = performance.now() - healedAt;
  t.log(`one master again ${Math.round(yieldMs)} ms after the peers link came back`);
  t.true(yieldMs < 6000);
  t.is(masters([lb1, lb2]), 1);
  await waitUntil('the VIP only on lb2', async () => !(await holds(h1, VIP)) && (await holds(h2, VIP)), 3000);

  // lb1 saw two masters through peers too, and says it yielded.
  const lost = await lb1.waitFor('lb1 split brain report', (_l, e) => isPeersSplit(e), 3000);
  t.like(JSON.parse(lost), { level: 'error', peerNode: 'lb2', yielded: true, peerPriority: 150, priority: 100 });

  const vrrp2 = await socat(join(dir, 'lb2.sock'), 'show vrrp\n');
  t.regex(vrrp2, /^split_brains: [1-9]\d*$/m, vrrp2);
  const cluster1 = await socat(join(dir, 'lb1.sock'), 'show cluster\n');
  t.regex(cluster1, /masters=web=lb2 split_brains=[1-9]/, cluster1);
  t.regex(cluster1, /^lb2 \S+ 0 up ESTA \S+ [0-9a-f]+ 0 web=MASTER\(150\)$/m, cluster1);
  // Still one master a few intervals later: no flapping while VRRP stays filtered.
  const settled = lb1.events.length;
  await new Promise((r) => setTimeout(r, 10 * ADVERT_MS));
  t.false(lb1.events.slice(settled).some((e) => isTransition(e, 'Master')), 'lb1 stays backup');
});
