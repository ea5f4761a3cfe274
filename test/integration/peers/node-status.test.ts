// NodeStatus frames between two peers nodes over real sockets: what one
// announces reaches the other (at once, and again to a peer that connects
// later, with the file hash in the handshake too); a frame whose content
// is not valid is dropped and counted (HAWSER_PEERS_BAD_STATUS, one warning)
// and the session carries on, tables and later statuses included. Each
// status comes with its age: how much longer it took than the fastest.

import test from 'ava';
import { PeersCode, type NodeStatusMsg } from '../../../cluster/peers/index.ts';
import { nodeStatusMsg, readNodeStatus, type NodeStatus } from '../../../cluster/node-status.ts';
import type { VrrpClaim } from '../../../cluster/vrrp/index.ts';
import { freePorts } from '../../support/ports.ts';
import { peersNode, peersSection, peerStatus, table, until } from '../../support/peers.ts';

const CLAIM: VrrpClaim = { name: 'web', interface: 'eth0', vrid: 51, state: 'Master', priority: 150, address: '127.0.0.1', advertInterval: 100 };
const HASH = Buffer.alloc(32, 0xab);
/** The sending node's monotonic clock: another process's, with another origin. */
const clock = (): number => performance.now() + 10_000;

test('statuses flow; a bad one is dropped and counted, the session and the next statuses carry on', async (t) => {
  const [pa, pb] = (await freePorts(2)) as [number, number];
  const cfg = peersSection({ a: pa, b: pb });
  const got: NodeStatus[] = [];
  const ages: Array<number | undefined> = [];
  const onNodeStatus = (_peer: string, msg: NodeStatusMsg, age: number | undefined): boolean => {
    const st = readNodeStatus(msg);
    if (st !== undefined) {
      got.push(st);
      ages.push(age);
    }
    return st !== undefined;
  };
  const a = await peersNode(t, cfg, 'a', [table('a')]);
  // Announced before any peer: sent to each as its session is established, the hash in the Hello too.
  a.node.announce(nodeStatusMsg(HASH, [CLAIM], clock()));
  const b = await peersNode(t, cfg, 'b', [table('b')], { onNodeStatus });
  await until(() => got.length === 1, 5000, 'the first status');
  t.deepEqual(got[0]!.vrrp, [CLAIM]);
  t.is(peerStatus(b, 'a').remoteFileHash, HASH.subarray(0, 6).toString('hex'));
  const sessions = peerStatus(b, 'a').sessions;

  const now = clock();
  for (const bad of [nodeStatusMsg(HASH, [{ ...CLAIM, vrid: 0 }], now), nodeStatusMsg(Buffer.alloc(3), [], now), nodeStatusMsg(HASH, [{ ...CLAIM, address: 'x' }], now)]) a.node.announce(bad);
  await until(() => (peerStatus(b, 'a').errors[PeersCode.BAD_STATUS] ?? 0) === 3, 5000, 'three bad statuses counted');
  t.is(b.events.filter((e) => e.event === 'peers-bad-status').length, 1, 'one warning until a good status comes');

  a.node.announce(nodeStatusMsg(HASH, [{ ...CLAIM, state: 'Backup', priority: 100 }], clock()));
  await until(() => got.length === 2, 5000, 'the next good status');
  t.is(got[1]!.vrrp[0]!.state, 'Backup');
  // The sender's clock is 10 s ahead of the receiver's, as another host's would be: only differences count: a fresh status ages ~0, one that says it
  // left 2 s ago (as a backlog after a partition) ages ~2 s, and one that says nothing has no age.
  t.true(ages[0]! >= 0 && ages[0]! < 100 && ages[1]! >= 0 && ages[1]! < 100, JSON.stringify(ages));
  a.node.announce(nodeStatusMsg(HASH, [CLAIM], clock() - 2000));
  a.node.announce(nodeStatusMsg(HASH, [CLAIM], 0));
  await until(() => got.length === 4, 5000, 'the late and the unstamped status');
  t.true(ages[2]! >= 1900 && ages[2]! < 2500, JSON.stringify(ages));
  t.is(ages[3], undefined);
  t.is(peerStatus(b, 'a').status, 'ESTA');
  t.is(peerStatus(b, 'a').sessions, sessions, 'the session was never closed');
});
