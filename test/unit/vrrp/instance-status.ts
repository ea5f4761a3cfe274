// A virtual router's status as `show vrrp`, the metrics and `show cluster`
// read it: a backup of VRID 51 hearing a priority 150 master, with the
// fields a test cares about given in `over`.

import type { VrrpInstanceStatus } from '../../../cluster/vrrp/index.ts';

export function vrrpStatus(over: Partial<VrrpInstanceStatus> = {}): VrrpInstanceStatus {
  return {
    name: 'web',
    interface: 'eth0',
    vrid: 51,
    version: 3,
    transport: 'raw',
    state: 'Backup',
    configuredPriority: 100,
    priority: 100,
    fault: false,
    trackingReason: undefined,
    syncGroup: undefined,
    sourceAddress: '10.99.0.12',
    masterAddress: '10.99.0.11',
    masterPriority: 150,
    advertInterval: 100,
    masterAdverInterval: 100,
    skewTime: 60.9375,
    masterDownInterval: 360.9375,
    virtualAddresses: ['10.99.0.100/32'],
    holdingAddresses: false,
    advertsSent: 0,
    advertsReceived: 42,
    transitions: 1,
    lastTransition: undefined,
    drops: {},
    receiveErrors: 0,
    transportErrors: 0,
    addressErrors: 0,
    splitBrains: 0,
    splitBrainsViaPeers: 0,
    lastSplitBrain: undefined,
    ...over,
  };
}
