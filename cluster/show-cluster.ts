// `show cluster` on the runtime socket: the appliance as one node sees it.
// Every node it knows, through the peers sessions (each member of a peers
// section) and through VRRP (the master whose adverts it hears), with the
// VRRP state of every virtual router, the peers lag, the shared
// configuration hash (drift flagged) and health. Pure: built from the
// cluster's status, so it never disagrees with `show vrrp` and `show peers`.
//
// What a node can know about the others: each peer announces its routers'
// states and its whole-file configuration hash over the peers channel
// (node-status.ts); for a node that does not (an older one, or one known
// through VRRP only), a master advertises and backups are silent, so it is
// MASTER when we hear its adverts and "silent" (Backup, Fault or stopped)
// otherwise. The same rows give the stats page's cluster table.

import type { PeersStatus } from './peers/index.ts';
import { ipFamily, type VrrpClaim, type VrrpInstanceStatus } from './vrrp/index.ts';

/** What a peer last announced about itself (over an established session). */
export interface RemoteNode {
  readonly node: string;
  /** Short hex of its whole-file configuration hash; undefined when it sent none. */
  readonly fileHash: string | undefined;
  readonly vrrp: readonly VrrpClaim[];
}

export interface ClusterView {
  readonly vrrp: readonly VrrpInstanceStatus[];
  readonly peers: readonly PeersStatus[];
  /** This node's whole-file configuration hash (short hex); without it the peers sections' hashes are compared. */
  readonly fileHash?: string | undefined;
  readonly remote?: readonly RemoteNode[];
}

interface NodeRow {
  name: string;
  addr: string;
  local: boolean;
  /** Peers session states, one per section the node shares with us. */
  sessions: string[];
  lag: number | undefined;
  hash: string | undefined;
  drift: boolean;
  /** Per virtual router: the state we know. */
  vrrp: Map<string, string>;
  /** Known through VRRP only (its adverts), not through a peers section. */
  vrrpOnly: boolean;
  /** What it announced (an established peer that sends node statuses). */
  remote: RemoteNode | undefined;
}

function host(addr: string): string {
  const m = /^\[?([^\]]*?)\]?:\d+$/.exec(addr);
  return m === null ? addr : m[1]!;
}

/** The rows, local node first, then by name. */
export function clusterNodes(view: ClusterView): NodeRow[] {
  const nodes = new Map<string, NodeRow>();
  const remote = new Map((view.remote ?? []).map((n) => [n.node, n]));
  const row = (name: string, addr: string, local: boolean, vrrpOnly: boolean): NodeRow => {
    let r = nodes.get(name);
    if (r === undefined) {
      r = { name, addr, local, sessions: [], lag: undefined, hash: undefined, drift: false, vrrp: new Map(), vrrpOnly, remote: undefined };
      nodes.set(name, r);
    }
    return r;
  };
  for (const section of view.peers) {
    for (const p of section.peers) {
      const r = row(p.name, p.addr, p.local, false);
      if (p.local) {
        r.hash = view.fileHash ?? section.configHash;
        continue;
      }
      r.sessions.push(p.status);
      if (p.status === 'ESTA') r.remote ??= remote.get(p.name);
      const fileHash = r.remote?.fileHash ?? p.remoteFileHash;
      // Whole files compared when both ends hash them; else the peers section's own hash.
      if (view.fileHash !== undefined && fileHash !== undefined) {
        r.hash = fileHash;
        r.drift ||= fileHash !== view.fileHash;
      } else {
        r.hash = p.remoteHash ?? r.hash;
        r.drift ||= p.drift;
      }
      if (p.status === 'ESTA') r.lag = (r.lag ?? 0) + p.tables.reduce((n, t) => n + Math.max(0, t.update - t.lastAcked), 0);
    }
  }
  // Without a peers section this node has no name here: it is "local".
  let self = [...nodes.values()].find((n) => n.local);
  if (self === undefined && view.vrrp.length > 0) self = row('local', view.vrrp[0]!.sourceAddress, true, false);
  for (const v of view.vrrp) {
    if (self !== undefined) self.vrrp.set(v.name, `${v.state.toUpperCase()}(${v.priority})`);
    const master = v.state !== 'Master' && v.masterAddress !== undefined ? v.masterAddress : undefined;
    for (const n of nodes.values()) {
      if (n.local) continue;
      const claim = n.remote?.vrrp.find((c) => c.vrid === v.vrid && ipFamily(c.address) === ipFamily(v.sourceAddress));
      if (claim !== undefined) n.vrrp.set(v.name, `${claim.state.toUpperCase()}(${claim.priority})`);
      else if (master !== undefined && host(n.addr) === master) n.vrrp.set(v.name, `MASTER(${v.masterPriority ?? '?'})`);
      else n.vrrp.set(v.name, 'silent');
    }
    const claimed = (n: NodeRow): boolean => n.remote?.vrrp.some((c) => c.vrid === v.vrid && c.address === master) === true;
    if (master !== undefined && ![...nodes.values()].some((n) => !n.local && (host(n.addr) === master || claimed(n)))) {
      const r = row(master, master, false, true);
      r.vrrp.set(v.name, `MASTER(${v.masterPriority ?? '?'})`);
    }
  }
  return [...nodes.values()].sort((a, b) => (a.local !== b.local ? (a.local ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function health(n: NodeRow, view: ClusterView): string {
  if (n.local) {
    const faults = view.vrrp.filter((v) => v.fault).map((v) => v.name);
    return faults.length > 0 ? `fault(${faults.join(',')})` : 'up';
  }
  if (n.vrrpOnly) return 'up(vrrp)';
  if (n.sessions.length > 0 && n.sessions.every((s) => s === 'ESTA')) return 'up';
  if (n.sessions.some((s) => s === 'ESTA')) return 'degraded';
  return [...n.vrrp.values()].some((s) => s.startsWith('MASTER')) ? 'up(vrrp)' : 'unreachable';
}

interface Summary {
  local: NodeRow | undefined;
  drifted: string[];
  /** Per virtual router: `name=holder`. */
  masters: string[];
  splitBrains: number;
  splitBrainsViaPeers: number;
}

function summarize(view: ClusterView, rows: NodeRow[]): Summary {
  const local = rows.find((r) => r.local);
  const masters = view.vrrp.map((v) => {
    const others = rows.filter((r) => !r.local && r.vrrp.get(v.name)?.startsWith('MASTER')).map((r) => r.name);
    const holders = v.state === 'Master' ? [local?.name ?? 'local', ...others] : others;
    return `${v.name}=${holders.length > 0 ? holders.join('+') : (v.masterAddress ?? 'none')}`;
  });
  return {
    local,
    drifted: rows.filter((r) => r.drift).map((r) => r.name),
    masters,
    splitBrains: view.vrrp.reduce((n, v) => n + v.splitBrains, 0),
    splitBrainsViaPeers: view.vrrp.reduce((n, v) => n + (v.splitBrainsViaPeers ?? 0), 0),
  };
}

function peersCell(r: NodeRow): string {
  return r.local ? 'local' : r.sessions.length > 0 ? r.sessions.join(',') : '-';
}

/** The text of `show cluster`: a summary line, then one line per node (`# ` header, space separated, as `show servers state`). */
export function showCluster(view: ClusterView): string {
  const rows = clusterNodes(view);
  if (rows.length === 0) return 'No cluster configured (no peers or vrrp section).\n';
  const s = summarize(view, rows);
  let out =
    `# cluster: local=${s.local?.name ?? '-'} nodes=${rows.length} config_hash=${s.local?.hash ?? '-'}` +
    ` drift=${s.drifted.length > 0 ? `DRIFT(${s.drifted.join(',')})` : 'none'} masters=${s.masters.length > 0 ? s.masters.join(',') : '-'} split_brains=${s.splitBrains}\n`;
  out += `# name addr local health peers lag config_hash drift vrrp\n`;
  for (const r of rows) {
    const vrrp = [...r.vrrp].map(([name, state]) => `${name}=${state}`).join(',');
    out += `${r.name} ${r.addr} ${r.local ? 1 : 0} ${health(r, view)} ${peersCell(r)} ${r.lag ?? '-'} ${r.hash ?? '-'} ${r.drift ? 'DRIFT' : '0'} ${vrrp || '-'}\n`;
  }
  return out;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const HEALTH_CLASS: Record<string, string> = { up: 'up', 'up(vrrp)': 'up', degraded: 'going-down', unreachable: 'down' };

/**
 * The stats page's cluster section: the same rows as `show cluster`, one
 * table row each (the stats page's row colours by health; a drifted
 * configuration hash marked), or '' when the node runs no peers or vrrp section.
 */
export function showClusterHtml(view: ClusterView): string {
  const rows = clusterNodes(view);
  if (rows.length === 0) return '';
  const s = summarize(view, rows);
  let html =
    '<h2 id="cluster">Cluster</h2><div class="info">' +
    `<span>local = ${esc(s.local?.name ?? '-')}</span><span>nodes = ${rows.length}</span>` +
    `<span>config hash = ${esc(s.local?.hash ?? '-')}</span>` +
    `<span>drift = ${s.drifted.length > 0 ? `<b style="background:#ffb060">DRIFT (${esc(s.drifted.join(', '))})</b>` : 'none'}</span>` +
    `<span>masters = ${esc(s.masters.join(', ') || '-')}</span>` +
    `<span>split brains = ${s.splitBrains}${s.splitBrainsViaPeers > 0 ? ` (${s.splitBrainsViaPeers} seen through peers)` : ''}</span></div>` +
    '<div class="wrap"><table data-cluster="1"><tr><th class="n">Node</th><th>Address</th><th>Health</th><th>Peers</th><th>Lag</th><th>Config hash</th><th>Drift</th><th>VRRP</th></tr>';
  for (const r of rows) {
    const h = health(r, view);
    const vrrp = [...r.vrrp].map(([name, state]) => `${name}=${state}`).join(', ');
    html +=
      `<tr class="${HEALTH_CLASS[h] ?? 'maint'}" data-node="${esc(r.name)}"><td class="n">${esc(r.name)}${r.local ? ' (local)' : ''}</td>` +
      `<td>${esc(r.addr)}</td><td>${esc(h)}</td><td>${esc(peersCell(r))}</td><td>${r.lag ?? '-'}</td><td>${esc(r.hash ?? '-')}</td>` +
      `<td${r.drift ? ' class="drift" style="background:#ffb060;font-weight:bold"' : ''}>${r.drift ? 'DRIFT' : 'no'}</td><td>${esc(vrrp || '-')}</td></tr>`;
  }
  return html + '</table></div>';
}
