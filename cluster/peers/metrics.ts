// The peers part of the Prometheus exposition (`hawser_peers_*`), from the
// same statuses as `show peers` and `show cluster`, so the runtime API and
// the metrics never disagree. Pure: text exposition format 0.0.4, one
// series per remote peer labelled `peers` (the section) and `peer`; the
// session state is one-hot like promex's server status, so a dashboard can
// alert on `hawser_peers_peer_status{status="esta"} == 0`.
//
// @example
//   renderPeersMetrics(cluster.status().peers);
//   // hawser_peers_peer_status{peers="lb",peer="lb2",status="esta"} 1 ...

import type { PeersStatus, PeerStatus } from './peers-node.ts';
import type { SharedTableStatus } from './table-sync.ts';

type Kind = 'gauge' | 'counter';

const STATUSES: ReadonlyArray<PeerStatus['status']> = ['IDLE', 'CONN', 'HSHK', 'ESTA'];

/** Updates this node wrote and the peer has not acknowledged yet (`show cluster`'s lag). */
function lag(t: SharedTableStatus): number {
  return Math.max(0, t.update - t.lastAcked);
}

/** Name suffix, kind, help, value: one row per series kept per remote peer. */
const PEER_SERIES: ReadonlyArray<readonly [string, Kind, string, (p: PeerStatus) => number]> = [
  ['config_drift', 'gauge', '1 while the peer announces a configuration hash other than this node\'s', (p) => (p.drift ? 1 : 0)],
  ['lag_updates', 'gauge', 'Table updates not yet acknowledged by the peer, over every shared table (0 when not established)', (p) => (p.status === 'ESTA' ? p.tables.reduce((n, t) => n + lag(t), 0) : 0)],
  ['sessions_total', 'counter', 'Sessions established with the peer', (p) => p.sessions],
  ['reconnects_total', 'counter', 'Calls made to the peer again after a lost or failed session', (p) => p.reconnects],
  ['bytes_in_total', 'counter', 'Bytes received from the peer', (p) => p.bytesIn],
  ['bytes_out_total', 'counter', 'Bytes sent to the peer', (p) => p.bytesOut],
];

/** Per shared table of a session: name suffix, kind, help, value. */
const TABLE_SERIES: ReadonlyArray<readonly [string, Kind, string, (t: SharedTableStatus) => number]> = [
  ['table_updates_pushed_total', 'counter', 'Table updates sent to the peer', (t) => t.pushed],
  ['table_updates_received_total', 'counter', 'Table updates received from the peer', (t) => t.received],
  ['table_updates_refused_total', 'counter', 'Table updates from the peer refused', (t) => t.refused],
  ['table_resyncs_total', 'counter', 'Full resyncs sent to the peer', (t) => t.resyncs],
];

/** The `hawser_peers_*` families for these peers sections; empty when there are none. */
export function renderPeersMetrics(sections: readonly PeersStatus[]): string {
  if (sections.length === 0) return '';
  const peers: Array<{ labels: string; p: PeerStatus }> = [];
  for (const s of sections) {
    for (const p of s.peers) if (!p.local) peers.push({ labels: `peers="${labelValue(s.section)}",peer="${labelValue(p.name)}"`, p });
  }
  let out = header('hawser_peers_local', 'This node\'s own peer in each peers section (1)', 'gauge');
  for (const s of sections) out += `hawser_peers_local{peers="${labelValue(s.section)}",peer="${labelValue(s.local)}"} 1\n`;
  out += header('hawser_peers_peer_status', 'Session state with the peer, per status label value (esta: established)', 'gauge');
  for (const { labels, p } of peers) {
    for (const st of STATUSES) out += `hawser_peers_peer_status{${labels},status="${st.toLowerCase()}"} ${p.status === st ? 1 : 0}\n`;
  }
  for (const [suffix, kind, help, value] of PEER_SERIES) {
    const name = `hawser_peers_${suffix}`;
    out += header(name, help, kind);
    for (const { labels, p } of peers) out += `${name}{${labels}} ${value(p)}\n`;
  }
  for (const [suffix, kind, help, value] of TABLE_SERIES) {
    const name = `hawser_peers_${suffix}`;
    out += header(name, help, kind);
    for (const { labels, p } of peers) {
      for (const t of p.tables) out += `${name}{${labels},table="${labelValue(t.name)}"} ${value(t)}\n`;
    }
  }
  // Errors before a peer was known (strangers, TLS failures) carry peer="".
  out += header('hawser_peers_errors_total', 'Sessions refused or lost, by error code', 'counter');
  for (const s of sections) {
    for (const [code, n] of Object.entries(s.errors)) out += `hawser_peers_errors_total{peers="${labelValue(s.section)}",peer="",code="${labelValue(code)}"} ${n}\n`;
  }
  for (const { labels, p } of peers) {
    for (const [code, n] of Object.entries(p.errors)) out += `hawser_peers_errors_total{${labels},code="${labelValue(code)}"} ${n}\n`;
  }
  return out;
}

function header(name: string, help: string, kind: Kind): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n`;
}

function labelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}
