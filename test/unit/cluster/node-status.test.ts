// The NodeStatus frame's content as a node builds it and as a receiver
// checks it: one bad claim or a hash of the wrong size refuses the whole
// frame; what survives the wire's encoding reads back the same.

import test from 'ava';
import { FrameType, type FrameMsg, type NodeStatusMsg } from '../../../cluster/peers/index.ts';
import { nodeStatusMsg, readNodeStatus } from '../../../cluster/node-status.ts';
import type { VrrpClaim } from '../../../cluster/vrrp/index.ts';

const CLAIM: VrrpClaim = { name: 'web', interface: 'eth0', vrid: 51, state: 'Master', priority: 150, address: '10.0.0.12', advertInterval: 100 };
const HASH = Buffer.alloc(32, 7);

function roundTrip(msg: NodeStatusMsg): NodeStatusMsg {
  const bytes = FrameType.encode({ nodeStatus: msg } as Record<string, unknown>).finish();
  return (FrameType.decode(bytes) as unknown as FrameMsg).nodeStatus!;
}

test('a status survives the wire and reads back', (t) => {
  const got = readNodeStatus(roundTrip(nodeStatusMsg(HASH, [CLAIM, { ...CLAIM, vrid: 52, state: 'Backup', priority: 100 }], 1234.5)));
  t.truthy(got);
  t.deepEqual(Buffer.from(got!.fileHash), HASH);
  t.deepEqual(got!.vrrp, [CLAIM, { ...CLAIM, vrid: 52, state: 'Backup', priority: 100 }]);
  t.is(roundTrip(nodeStatusMsg(HASH, [], 1234.5)).sentMs, 1234.5);
});

test('no hash and no routers is a valid status (a node without vrrp, or one whose files could not be read)', (t) => {
  const got = readNodeStatus(roundTrip(nodeStatusMsg(new Uint8Array(0), [], 1)));
  t.deepEqual(got, { fileHash: new Uint8Array(0), vrrp: [] });
});

test('refused whole: a hash of the wrong size, one bad claim among good ones, too many claims', (t) => {
  t.is(readNodeStatus(roundTrip(nodeStatusMsg(Buffer.alloc(5), [CLAIM], 1))), undefined);
  t.is(readNodeStatus(roundTrip(nodeStatusMsg(HASH, [CLAIM, { ...CLAIM, state: 'Boss' as VrrpClaim['state'] }], 1))), undefined);
  t.is(readNodeStatus(roundTrip(nodeStatusMsg(HASH, [{ ...CLAIM, address: 'not-an-ip' }], 1))), undefined);
  // Fields left out on the wire read as proto3 defaults: VRID 0 is no router.
  t.is(readNodeStatus(roundTrip({ fileHash: HASH, vrrp: [{ name: 'web' } as VrrpClaim], sentMs: 1 })), undefined);
  t.is(readNodeStatus(roundTrip(nodeStatusMsg(HASH, Array.from({ length: 513 }, () => CLAIM), 1))), undefined);
});
