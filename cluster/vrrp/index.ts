// Public surface of Hawser's VRRP core: the advert codec (v2 and v3, IPv4
// and IPv6), the receive checks against this router's configuration, the
// pure state machine (RFC 5798 6.4 plus Fault), sync groups, and the typed
// settings of a `vrrp` section for one node; and the adapters that run it
// for real: VrrpInstance (timers, transports raw IP 112 or UDP, VIPs with
// `ip`, gratuitous ARP with `arping`, tracking of interfaces, backends,
// scripts and files, notify commands), VrrpGroupRunner, VrrpRouters. The pure modules open no socket,
// arm no real timer and run no command; the adapters are thin.
//
// @example
//   const { settings, diagnostics } = vrrpSettings(config.vrrp.get('web')!, nodeName);
//   const machine = new VrrpStateMachine({ ...settings!, primaryAddress: '10.99.0.11' }, { now: () => performance.now() });
//   run(machine.handle({ kind: 'startup' }));
//   // on each packet from the raw socket:
//   const r = decodeIPv4Packet(packet, { pseudoHeader: settings!.checksumPseudoHeader });
//   if (!r.ok) count(r.drop);
//   else {
//     const v = checkReceivedAdvert(r.advert, r.source, { ...settings!, primaryAddress });
//     if (v.accept) run(machine.handle({ kind: 'advert', priority: r.advert.priority, maxAdvertInterval: r.advert.interval, srcAddr: r.source }));
//   }

export {
  decodeIPv4Packet,
  decodeVrrpPayload,
  encodeAdvert,
  VrrpCodecError,
  IPPROTO_VRRP,
  VRRP_MULTICAST_IPV4,
  VRRP_MULTICAST_IPV6,
  VRRP_TTL,
  VRRP_TYPE_ADVERTISEMENT,
  VRRP_AUTH_NONE,
  VRRP_AUTH_PASS,
  type VrrpAdvert,
  type VrrpAdvertFields,
  type VrrpDecodeResult,
  type DecodeOptions,
  type PayloadMeta,
  type EncodeAddressing,
} from './codec.ts';
export { vrrpChecksum } from './checksum.ts';
export { VrrpDropCode, type VrrpDrop } from './drop.ts';
export { checkReceivedAdvert, type ReceiveContext, type VrrpReceiveVerdict } from './receive-check.ts';
export {
  VrrpStateMachine,
  DEFAULT_GARP,
  type VrrpState,
  type VrrpTimer,
  type VrrpClock,
  type VrrpEvent,
  type VrrpAction,
  type VrrpTransitionReason,
  type VrrpMachineOptions,
  type VrrpGarpSettings,
  type VrrpReconfigurable,
} from './state-machine.ts';
export {
  vrrpSettings,
  DEFAULT_PRIORITY,
  DEFAULT_ADVERT_INTERVAL,
  DEFAULT_VERSION,
  DEFAULT_UDP_PORT,
  CLEAR_TEXT_PASSWORD,
  type VrrpSettings,
  type VrrpSettingsResult,
  type VrrpVirtualAddress,
  type VrrpTrack,
  type VrrpNotify,
  type VrrpNotifyCommand,
  type VrrpTransport,
} from './settings.ts';
export { parseIP, parseIPv4, parseIPv6, formatIPv4, formatIPv6, canonicalIP, ipFamily, compareIP } from './ip-address.ts';
export { trackedPriority, type TrackedObjectState, type TrackedPriority } from './tracking.ts';
export { VrrpAdapterError, VrrpAdapterCode, isPermissionError } from './adapter-error.ts';
export type { AdvertTransport, AdvertSink, TransportOptions } from './advert-transport.ts';
export { openAdvertTransport } from './open-transport.ts';
export { readInterface, interfaceIsUp, sourceAddress, type InterfaceInfo } from './interface-info.ts';
export { VirtualAddresses, type VirtualAddressesOptions } from './addresses.ts';
export { VrrpInstance, type VrrpInstanceOptions, type VrrpInstanceStatus, type BackendHealth, type VrrpGroupPort } from './instance.ts';
export { VrrpSyncGroup, type VrrpGroupState, type VrrpMemberActions } from './sync-group.ts';
export { syncGroupSettings, type VrrpSyncGroupSettings, type VrrpSyncGroupsResult } from './sync-groups.ts';
export { nodeVrrpSettings, type NodeVrrpSettings, type NodeVrrpResult } from './node-settings.ts';
export { settingsChanges, reconfigurable, type VrrpSettingsChanges } from './settings-change.ts';
export { ScriptResult, type ScriptStatus } from './script-result.ts';
export { parseTrackFileValue } from './track-file-value.ts';
export { runBounded, describeOutcome, type CommandOutcome, type RunningCommand } from './bounded-command.ts';
export { runNotify, notifyState, NOTIFY_TIMEOUT, type NotifyState, type NotifyTarget } from './notify.ts';
export { VrrpGroupRunner } from './group-runner.ts';
export { VrrpRouters, type VrrpRoutersOptions } from './routers.ts';
export { renderVrrpMetrics } from './metrics.ts';
export { claimIsFresh, claimVerdict, reportDelay, validClaim, CLAIM_STATES, SILENT_INTERVALS, type VrrpClaim, type ClaimVerdict, type ClaimContext } from './peer-claim.ts';
