// What one node tells its peers about itself over the peers channel (the
// NodeStatus frame of peers.proto): its VRRP routers' claims and the hash
// of its whole configuration file. Built here for sending, and checked
// here on receipt: a peer's frame is not trusted to hold sane values, and
// one that does not is refused whole (the peers node drops and counts it).
// Pure.

import type { NodeStatusMsg, VrrpClaimMsg } from './peers/index.ts';
import { validClaim, type VrrpClaim } from './vrrp/index.ts';

export interface NodeStatus {
  /** Empty when the node sent none. */
  fileHash: Uint8Array;
  vrrp: VrrpClaim[];
}

/** A node runs at most this many virtual routers (one per VRID and family). */
const MAX_CLAIMS = 512;
const HASH_BYTES = 32;

/** `sentMs`: the sender's monotonic clock (performance.now()). */
export function nodeStatusMsg(fileHash: Uint8Array, claims: readonly VrrpClaim[], sentMs: number): NodeStatusMsg {
  return { fileHash, vrrp: claims.map((c) => ({ ...c })), sentMs };
}

/** The status a frame carries, or undefined when any part of it is not valid. */
export function readNodeStatus(msg: NodeStatusMsg): NodeStatus | undefined {
  const hash = msg.fileHash instanceof Uint8Array ? msg.fileHash : new Uint8Array(0);
  if (hash.length !== 0 && hash.length !== HASH_BYTES) return undefined;
  const claims = Array.isArray(msg.vrrp) ? msg.vrrp : [];
  if (claims.length > MAX_CLAIMS) return undefined;
  const vrrp: VrrpClaim[] = [];
  for (const c of claims as Array<Partial<VrrpClaimMsg>>) {
    const claim = {
      name: c.name ?? '',
      interface: c.interface ?? '',
      vrid: c.vrid ?? 0,
      state: (c.state ?? '') as VrrpClaim['state'],
      priority: c.priority ?? 0,
      address: c.address ?? '',
      advertInterval: c.advertInterval ?? 0,
    };
    if (!validClaim(claim)) return undefined;
    vrrp.push(claim);
  }
  return { fileHash: hash, vrrp };
}
