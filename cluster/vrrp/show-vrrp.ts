// `show vrrp` on the runtime socket: one block per virtual router, in the
// `key: value` layout of `show info`, so scripts can grep it. Registered into
// the runtime API's command registry by the process (src/ never imports
// cluster/).

import type { VrrpInstanceStatus } from './instance.ts';

/** The text of `show vrrp` for these instances. */
export function showVrrp(instances: readonly VrrpInstanceStatus[]): string {
  if (instances.length === 0) return 'No VRRP instance configured.\n';
  let out = '';
  for (const v of instances) {
    const drops = Object.entries(v.drops)
      .map(([code, n]) => `${code}=${n}`)
      .join(' ');
    out +=
      `vrrp: ${v.name}\n` +
      `interface: ${v.interface}\n` +
      `vrid: ${v.vrid}\n` +
      `version: ${v.version}\n` +
      `transport: ${v.transport}\n` +
      `state: ${v.state.toUpperCase()}\n` +
      `priority: ${v.priority}\n` +
      `configured_priority: ${v.configuredPriority}\n` +
      `fault: ${v.fault ? 1 : 0}${v.trackingReason ? ` (${v.trackingReason})` : ''}\n` +
      `sync_group: ${v.syncGroup ?? '-'}\n` +
      `source: ${v.sourceAddress}\n` +
      `master: ${v.masterAddress ?? '-'}${v.masterPriority !== undefined ? ` priority ${v.masterPriority}` : ''}\n` +
      `advert_interval_ms: ${v.advertInterval}\n` +
      `master_down_interval_ms: ${v.masterDownInterval}\n` +
      `virtual_addresses: ${v.virtualAddresses.join(' ')}\n` +
      `holding_addresses: ${v.holdingAddresses ? 1 : 0}\n` +
      `adverts_sent: ${v.advertsSent}\n` +
      `adverts_received: ${v.advertsReceived}\n` +
      `transitions: ${v.transitions}\n` +
      `last_transition: ${v.lastTransition ? `${v.lastTransition.from}->${v.lastTransition.to} (${v.lastTransition.reason}) at ${v.lastTransition.at}` : '-'}\n` +
      `receive_errors: ${v.receiveErrors}\n` +
      `split_brains: ${v.splitBrains}\n` +
      `last_split_brain: ${v.lastSplitBrain ? `${v.lastSplitBrain.peer} priority ${v.lastSplitBrain.peerPriority} (ours ${v.lastSplitBrain.priority}) at ${v.lastSplitBrain.at}` : '-'}\n` +
      `drops: ${drops || '-'}\n\n`;
  }
  return out.slice(0, -1);
}
