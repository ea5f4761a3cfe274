// `show cluster` as an operator reads it on each node of a three-node
// appliance: who is there, who is master, who lags, whose configuration
// drifted, from the same statuses `show vrrp` and `show peers` print.

import test from 'ava';
import { clusterNodes, showCluster, showClusterHtml, type ClusterView } from '../../../cluster/show-cluster.ts';
import type { PeersStatus, PeerStatus } from '../../../cluster/peers/index.ts';
import type { VrrpInstanceStatus } from '../../../cluster/vrrp/index.ts';
import { vrrpStatus } from '../vrrp/instance-status.ts';

const vrrp = (over: Partial<VrrpInstanceStatus>): VrrpInstanceStatus =>
  vrrpStatus({ name: 'vip', sourceAddress: '10.98.0.12', masterAddress: '10.98.0.11', virtualAddresses: ['10.98.0.100/24'], advertsReceived: 10, ...over });

function peer(name: string, addr: string, over: Partial<PeerStatus> = {}): PeerStatus {
  return {
    name,
    local: false,
    addr,
    status: 'ESTA',
    reconnectIn: undefined,
    direction: 'out',
    since: 1000,
    version: 1,
    tls: false,
    src: undefined,
    software: 'hawser',
    bytesIn: 0,
    bytesOut: 0,
    sessions: 1,
    reconnects: 0,
    lastError: undefined,
    remoteHash: 'a1b2c3d4e5f6',
    drift: false,
    remoteFileHash: undefined,
    errors: {},
    tables: [],
    ...over,
  };
}

function table(update: number, lastAcked: number): PeerStatus['tables'][number] {
  return { name: 'drill/sticky', localId: 1, remoteId: 1, state: 'live', lastPushed: update, lastAcked, lastGet: 0, update, pushed: update, received: 0, skipped: 0, refused: 0, resyncs: 1, mismatch: undefined };
}

function section(local: string, peers: PeerStatus[]): PeersStatus {
  return { section: 'drill', local, listen: '0.0.0.0:10000', configHash: 'a1b2c3d4e5f6', tables: ['drill/sticky'], errors: {}, peers };
}

test('on a backup: the master is known through its adverts, the third node is silent, lag and drift per peer', (t) => {
  const view: ClusterView = {
    vrrp: [vrrp({})],
    peers: [
      section('node2', [
        peer('node2', '10.98.0.12:10000', { local: true, status: 'NONE', remoteHash: undefined }),
        peer('node1', '10.98.0.11:10000', { tables: [table(40, 37)] }),
        peer('node3', '10.98.0.13:10000', { remoteHash: 'ffffffffffff', drift: true }),
      ]),
    ],
  };
  const text = showCluster(view);
  const lines = text.trimEnd().split('\n');
  t.is(lines[0], '# cluster: local=node2 nodes=3 config_hash=a1b2c3d4e5f6 drift=DRIFT(node3) masters=vip=node1 split_brains=0');
  t.is(lines[1], '# name addr local health peers lag config_hash drift vrrp');
  t.deepEqual(lines.slice(2), [
    'node2 10.98.0.12:10000 1 up local - a1b2c3d4e5f6 0 vip=BACKUP(100)',
    'node1 10.98.0.11:10000 0 up ESTA 3 a1b2c3d4e5f6 0 vip=MASTER(150)',
    'node3 10.98.0.13:10000 0 up ESTA 0 ffffffffffff DRIFT vip=silent',
  ]);
});

test('on the master, with a peer down and a tracked fault elsewhere: unreachable, split brains counted', (t) => {
  const view: ClusterView = {
    vrrp: [vrrp({ state: 'Master', sourceAddress: '10.98.0.11', masterAddress: '10.98.0.11', priority: 150, splitBrains: 2 })],
    peers: [
      section('node1', [
        peer('node1', '10.98.0.11:10000', { local: true, status: 'NONE', remoteHash: undefined }),
        peer('node2', '10.98.0.12:10000', { status: 'IDLE', remoteHash: undefined, reconnectIn: 500 }),
      ]),
    ],
  };
  const rows = clusterNodes(view);
  t.deepEqual(rows.map((r) => r.name), ['node1', 'node2']);
  const text = showCluster(view);
  t.regex(text, /masters=vip=node1 split_brains=2/);
  t.regex(text, /^node2 10\.98\.0\.12:10000 0 unreachable IDLE - - 0 vip=silent$/m);
  t.regex(text, /^node1 10\.98\.0\.11:10000 1 up local - a1b2c3d4e5f6 0 vip=MASTER\(150\)$/m);
  const faulty = showCluster({ ...view, vrrp: [vrrp({ state: 'Fault', fault: true, sourceAddress: '10.98.0.11' })] });
  t.regex(faulty, /^node1 \S+ 1 fault\(vip\) /m);
});

test('VRRP without peers: the local node and a master heard only through its adverts', (t) => {
  const text = showCluster({ vrrp: [vrrp({ masterAddress: '10.98.0.20', masterPriority: 200 })], peers: [] });
  t.regex(text, /^local 10\.98\.0\.12 1 up local - - 0 vip=BACKUP\(100\)$/m);
  t.regex(text, /^10\.98\.0\.20 10\.98\.0\.20 0 up\(vrrp\) - - - 0 vip=MASTER\(200\)$/m);
  t.is(showCluster({ vrrp: [], peers: [] }), 'No cluster configured (no peers or vrrp section).\n');
});

test('with node statuses: each peer says its own state and its whole-file hash; drift is a different file; the HTML table has the same rows', (t) => {
  const view: ClusterView = {
    vrrp: [vrrp({ state: 'Master', sourceAddress: '10.98.0.11', masterAddress: '10.98.0.11', priority: 150 })],
    peers: [
      section('node1', [
        peer('node1', '10.98.0.11:10000', { local: true, status: 'NONE', remoteHash: undefined }),
        peer('node2', '10.98.0.12:10000', { remoteFileHash: '111111111111' }),
        peer('node3', '10.98.0.13:10000', { remoteFileHash: '222222222222' }),
      ]),
    ],
    fileHash: '111111111111',
    remote: [
      { node: 'node2', fileHash: '111111111111', vrrp: [{ name: 'vip', interface: 'eth0', vrid: 51, state: 'Backup', priority: 100, address: '10.98.0.12', advertInterval: 100 }] },
      { node: 'node3', fileHash: '222222222222', vrrp: [{ name: 'vip', interface: 'eth0', vrid: 51, state: 'Master', priority: 90, address: '10.98.0.13', advertInterval: 100 }] },
    ],
  };
  const lines = showCluster(view).trimEnd().split('\n');
  t.is(lines[0], '# cluster: local=node1 nodes=3 config_hash=111111111111 drift=DRIFT(node3) masters=vip=node1+node3 split_brains=0');
  t.deepEqual(lines.slice(2), [
    'node1 10.98.0.11:10000 1 up local - 111111111111 0 vip=MASTER(150)',
    'node2 10.98.0.12:10000 0 up ESTA 0 111111111111 0 vip=BACKUP(100)',
    'node3 10.98.0.13:10000 0 up ESTA 0 222222222222 DRIFT vip=MASTER(90)',
  ]);
  const html = showClusterHtml(view);
  t.is((html.match(/<tr class=/g) ?? []).length, 3);
  t.regex(html, /data-node="node3">.*?<td>222222222222<\/td><td class="drift"[^>]*>DRIFT<\/td><td>vip=MASTER\(90\)<\/td><\/tr>/);
  t.regex(html, /masters = vip=node1\+node3/);
  t.is(showClusterHtml({ vrrp: [], peers: [] }), '', 'no table on a node without cluster');
});
