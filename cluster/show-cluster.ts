// `show cluster` on the runtime socket: the appliance as one node sees it.
// Every node it knows, through the peers sessions (each member of a peers
// section) and through VRRP (the master whose adverts it hears), with the
// VRRP state of every virtual router, the peers lag, the shared
// configuration hash (drift flagged) and health. Pure: built from the
// cluster's status, so it never disagrees with `show vrrp` and `show peers`.
//
// What a node can know about the others: a master advertises, backups are
// silent, so another node is MASTER when we hear its adverts and "silent"
// (Backup, Fault or stopped) otherwise; only our own state is certain.

import type { PeersStatus } from './peers/index.ts';
import type { VrrpInstanceStatus } from './vrrp/index.ts';

export interface ClusterView {
  readonly vrrp: readonly VrrpInstanceStatus[];
  readonly peers: readonly PeersStatus[];
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
}

function host(addr: string): string {
  const m = /^\[?([^\]]*?)\]?:\d+$/.exec(addr);
  return m === null ? addr : m[1]!;
}

/** The rows, local node first, then by name. */
export function clusterNodes(view: ClusterView): NodeRow[] {
  const nodes = new Map<string, NodeRow>();
  const row = (name: string, addr: string, local: boolean, vrrpOnly: boolean): NodeRow => {
    let r = nodes.get(name);
    if (r === undefined) {
      r = { name, addr, local, sessions: [], lag: undefined, hash: undefined, drift: false, vrrp: new Map(), vrrpOnly };
      nodes.set(name, r);
    }
    return r;
  };
  for (const section of view.peers) {
    for (const p of section.peers) {
      const r = row(p.name, p.addr, p.local, false);
      if (p.local) {
        r.hash = section.configHash;
        continue;
      }
      r.sessions.push(p.status);
      r.hash = p.remoteHash ?? r.hash;
      r.drift ||= p.drift;
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
      if (master !== undefined && host(n.addr) === master) n.vrrp.set(v.name, `MASTER(${v.masterPriority ?? '?'})`);
      else n.vrrp.set(v.name, 'silent');
    }
    if (master !== undefined && ![...nodes.values()].some((n) => !n.local && host(n.addr) === master)) {
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

/** The text of `show cluster`: a summary line, then one line per node (`# ` header, space separated, as `show servers state`). */
export function showCluster(view: ClusterView): string {
  const rows = clusterNodes(view);
  if (rows.length === 0) return 'No cluster configured (no peers or vrrp section).\n';
  const local = rows.find((r) => r.local);
  const drifted = rows.filter((r) => r.drift).map((r) => r.name);
  const masters = view.vrrp.map((v) => {
    const holder = v.state === 'Master' ? (local?.name ?? 'local') : (rows.find((r) => !r.local && r.vrrp.get(v.name)?.startsWith('MASTER'))?.name ?? v.masterAddress ?? 'none');
    return `${v.name}=${holder}`;
  });
  const splits = view.vrrp.reduce((n, v) => n + v.splitBrains, 0);
  let out =
    `# cluster: local=${local?.name ?? '-'} nodes=${rows.length} config_hash=${local?.hash ?? '-'}` +
    ` drift=${drifted.length > 0 ? `DRIFT(${drifted.join(',')})` : 'none'} masters=${masters.length > 0 ? masters.join(',') : '-'} split_brains=${splits}\n`;
  out += `# name addr local health peers lag config_hash drift vrrp\n`;
  for (const r of rows) {
    const vrrp = [...r.vrrp].map(([name, state]) => `${name}=${state}`).join(',');
    out +=
      `${r.name} ${r.addr} ${r.local ? 1 : 0} ${health(r, view)} ${r.local ? 'local' : r.sessions.length > 0 ? r.sessions.join(',') : '-'}` +
      ` ${r.lag ?? '-'} ${r.hash ?? '-'} ${r.drift ? 'DRIFT' : '0'} ${vrrp || '-'}\n`;
  }
  return out;
}
