// Public surface of the peers protocol: stick tables shared between the
// nodes of a `peers` section. The pure parts (codec, handshake, entry
// encoding, configuration hash, backoff) open no socket and arm no timer;
// PeersNode and PeerSession are the adapters that run them over TCP/TLS.
//
// @example
//   const peers = await startPeers(config, events, { tables: () => engine.stickTables() });
//   registry.add(...peersCommands(peers));   // show peers
//   await peers.reload(newConfig);           // after an engine reload: tables re-read
//   await peers.stop();

export { DEFAULT_MAX_FRAME, encodeFrame, FrameDecoder } from './codec.ts';
export { PeersCode, PeersError } from './peers-error.ts';
export { FrameType, PROTOCOL_VERSION, MIN_PROTOCOL_VERSION, type FrameMsg, type HelloMsg, type UpdatesMsg, type EntryMsg, type TablesMsg, type NodeStatusMsg, type VrrpClaimMsg } from './schema.ts';
export { agreeVersion, authProof, Handshake, NONCE_BYTES, type HandshakeConfig, type HandshakeResult, type HandshakeStep } from './handshake.ts';
export { BATCH_BYTES, BatchBuilder, imageFromMessage } from './entry-codec.ts';
export { configHash, configText, shortHash, type HashedMember } from './config-hash.ts';
export { backoffDelay, type BackoffPolicy } from './backoff.ts';
export { peersSettings, type PeersSettings, type RemotePeer } from './settings.ts';
export { loadCredentials, type PeersCredentials } from './credentials.ts';
export { LinkTables, SessionSync, tableMismatch, type SharedTableStatus, type SyncedTable } from './table-sync.ts';
export { PeerSession, type SessionTiming } from './session.ts';
export { PeersNode, DEFAULT_TIMING, type HandoverResult, type PeersNodeOptions, type PeersStatus, type PeerStatus, type PeersTiming } from './peers-node.ts';
export { showPeers } from './show-peers.ts';
export { renderPeersMetrics } from './metrics.ts';
export { checkPeers, startPeers, type Peers, type PeersOptions } from './start-peers.ts';
