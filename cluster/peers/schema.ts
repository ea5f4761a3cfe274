// The protobuf schema of the peers protocol (peers.proto beside this file),
// loaded once with protobufjs, and the TypeScript shapes of its messages as
// protobufjs encodes and decodes them (fields in camelCase; a decoded
// message reads proto3 defaults for absent fields; an absent `bytes` field
// may read as an empty array rather than a Buffer).

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The protocol version this build speaks, and the oldest it still accepts. */
export const PROTOCOL_VERSION = 1;
export const MIN_PROTOCOL_VERSION = 1;

const root = protobuf.loadSync(fileURLToPath(new URL('./peers.proto', import.meta.url)));

/** The envelope every message travels in. */
export const FrameType = root.lookupType('hawser.peers.Frame');

export interface HelloMsg {
  version: number;
  minVersion: number;
  cluster: string;
  from: string;
  to: string;
  configHash: Uint8Array;
  nonce: Uint8Array;
  proof?: Uint8Array;
  secret: boolean;
  software: string;
  instance: string;
  /** Absent or empty from nodes that do not send it. */
  fileHash?: Uint8Array;
}

export interface AuthMsg {
  proof: Uint8Array;
}

export interface RefuseMsg {
  code: string;
  reason: string;
}

export interface TableDefMsg {
  id: number;
  name: string;
  type: string;
  keyLen: number;
  store: string;
  size: number;
  expire: number;
  epoch: string;
  resumeEpoch: string;
  resumeFrom: number;
}

export interface TablesMsg {
  tables: TableDefMsg[];
  configHash: Uint8Array;
}

export interface ShareMsg {
  node: number;
  ver: number;
  d: number[];
}

export interface EntryMsg {
  ikey?: number;
  bkey?: Uint8Array;
  skey?: string;
  ver: number;
  vnode: number;
  srv: number;
  tags: number[];
  shares: ShareMsg[];
}

export interface UpdatesMsg {
  table: number;
  names: string[];
  entries: EntryMsg[];
  updateId: number;
  full?: boolean;
}

export interface ResyncEndMsg {
  table: number;
  updateId: number;
  entries: number;
}

export interface AckMsg {
  table: number;
  updateId: number;
}

export interface VrrpClaimMsg {
  vrid: number;
  interface: string;
  state: string;
  priority: number;
  address: string;
  advertInterval: number;
  name: string;
}

export interface NodeStatusMsg {
  fileHash: Uint8Array;
  vrrp: VrrpClaimMsg[];
  /** The sender's monotonic clock (ms) when sent; 0: not said. */
  sentMs: number;
}

/** A Frame: exactly one body is set (`body` names it once decoded). */
export interface FrameMsg {
  body?: 'hello' | 'auth' | 'refuse' | 'tables' | 'updates' | 'resyncEnd' | 'ack' | 'heartbeat' | 'nodeStatus';
  hello?: HelloMsg;
  auth?: AuthMsg;
  refuse?: RefuseMsg;
  tables?: TablesMsg;
  updates?: UpdatesMsg;
  resyncEnd?: ResyncEndMsg;
  ack?: AckMsg;
  heartbeat?: Record<string, never>;
  nodeStatus?: NodeStatusMsg;
}

const BODIES = ['hello', 'auth', 'refuse', 'tables', 'updates', 'resyncEnd', 'ack', 'heartbeat', 'nodeStatus'] as const;

/**
 * Which body a frame carries. Decoded frames say it in `body` (their absent
 * message fields read null, not undefined); frames built in code may not.
 */
export function frameBody(f: FrameMsg): FrameMsg['body'] {
  if (f.body !== undefined) return f.body;
  for (const k of BODIES) if (f[k] !== undefined && f[k] !== null) return k;
  return undefined;
}
