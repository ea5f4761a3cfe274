// Public surface of the cluster part of a node: what makes several Hawser
// nodes one appliance: the VRRP virtual routers of the `vrrp` sections
// and their sync groups, and the local peer of every `peers`
// section that names this node, replicating the engine's stick tables. The
// CLI starts it once the engine serves, hands it each reloaded
// configuration (the engine keeps its tables across a reload; the peers
// re-read them), and stops it before the engine drains, so the VIP moves
// while this node still answers the connections it has.
//
// @example
//   const cluster = await startCluster(config, nodeName, events, { backends, tables: () => engine.stickTables() });
//   cluster.status().vrrp[0].state;   // 'Backup'
//   cluster.status().peers[0].peers;  // one line per peer, as `show peers`
//   await cluster.reload(newConfig);  // changed routers updated in place, peers follow
//   await cluster.stop(true);         // priority 0 sent, VIPs removed, peer sessions closed

import { formatDiagnostic, type Config, type Diagnostic } from '../src/config/index.ts';
import type { EventLogger } from '../src/events/index.ts';
import type { StickTable } from '../src/stick/index.ts';
import { checkPeers, renderPeersMetrics, showPeers, startPeers, type Peers, type PeersStatus, type PeersTiming } from './peers/index.ts';
import { nodeVrrpSettings, renderVrrpMetrics, VrrpAdapterCode, VrrpAdapterError, VrrpRouters, type BackendHealth, type VrrpInstanceStatus } from './vrrp/index.ts';
import type { Command } from '../src/runtime/index.ts';
import { showVrrp } from './vrrp/show-vrrp.ts';
import { showCluster } from './show-cluster.ts';

export { VrrpAdapterCode, VrrpAdapterError, type BackendHealth, type VrrpInstanceStatus } from './vrrp/index.ts';
export { PeersCode, PeersError, type PeersStatus, type PeerStatus, type PeersTiming } from './peers/index.ts';

/** The runtime API commands the cluster part adds (`show vrrp`, `show peers`, `clear peers`). */
export function clusterCommands(cluster: Cluster): Command[] {
  return [
    {
      words: ['show', 'vrrp'],
      usage: 'show vrrp',
      help: 'show the state of every VRRP instance',
      level: 'user',
      run: () => showVrrp(cluster.status().vrrp),
    },
    {
      words: ['show', 'cluster'],
      usage: 'show cluster',
      help: 'every node known through peers and VRRP: VRRP states, peers lag, config hash (drift), health',
      level: 'user',
      run: () => showCluster(cluster.status()),
    },
    {
      words: ['show', 'peers'],
      usage: 'show peers [dict|-] [section]',
      help: 'dump some information about all the peers or this peers section',
      level: 'user',
      run: (args) => {
        // HAProxy's optional `dict` / `-` word (its dictionary cache) has no meaning here.
        const rest = args[0] === 'dict' || args[0] === '-' ? args.slice(1) : args;
        const all = cluster.status().peers;
        if (rest[0] === undefined) return showPeers(all);
        const one = all.filter((p) => p.section === rest[0]);
        return one.length > 0 ? showPeers(one) : 'No such peers\n';
      },
    },
    {
      words: ['clear', 'peers'],
      usage: 'clear peers [peer]',
      help: 'close the sessions with every peer (or one); they reconnect and resume',
      level: 'admin',
      // A fault-injection tool (the drill's partition), not in HAProxy: hidden from help as its expert commands are.
      expert: true,
      run: (args) => `${cluster.disconnectPeers(args[0])} peer session(s) closed\n`,
    },
  ];
}

/**
 * The cluster's Prometheus families for RuntimeApi.metricFamilies
 * (`hawser_peers_*`), read from the same status as `show peers`.
 */
export function clusterMetrics(cluster: Cluster): () => string {
  return () => {
    const status = cluster.status();
    return renderVrrpMetrics(status.vrrp) + renderPeersMetrics(status.peers);
  };
}

export interface ClusterOptions {
  /** Backend health for `track-backend`; without it those lines are ignored (with a warning). */
  backends?: BackendHealth;
  /**
   * The engine's stick tables, re-read at each reload: those that say
   * `peers NAME` (and a peers section's `table` lines) are replicated.
   * Without it no peers section runs.
   */
  tables?: () => ReadonlyMap<string, StickTable>;
  /** Heartbeat, dead-peer and reconnect timings of the peers sessions (tests shorten them). */
  peersTiming?: Partial<PeersTiming>;
}

export interface ClusterStatus {
  vrrp: VrrpInstanceStatus[];
  /** One per `peers` section this node runs. */
  peers: PeersStatus[];
}

export interface Cluster {
  /**
   * Leaves every virtual router: a Master sends priority 0 (its backups take
   * over after Skew_Time instead of Master_Down_Interval) and removes its
   * VIPs; handing over costs one packet, so a hard stop does it too. Then
   * closes the peers sessions; when `graceful`, each peers section first
   * hands its tables to the node's next process if one listens (-sf).
   */
  stop(graceful: boolean): Promise<void>;
  status(): ClusterStatus;
  /** Closes the peers sessions (with every peer, or the one named); they reconnect as after any loss. */
  disconnectPeers(peer?: string): number;
  /**
   * A reloaded configuration (already checked with checkCluster): routers
   * that can take their new settings in place keep running (a master stays
   * master), others restart, removed ones leave, new ones start. Problems
   * are logged; it never rejects.
   */
  reload(config: Config): Promise<void>;
}

/**
 * Every problem in the `vrrp` and `peers` sections as this node reads them,
 * for `hawser -c` (the same checks start-up makes, without opening
 * anything but the certificate and secret files the peers sections name).
 */
export function checkCluster(config: Config, nodeName: string): Diagnostic[] {
  return [...nodeVrrpSettings(config, nodeName).diagnostics, ...checkPeers(config)];
}

/**
 * Starts one virtual router per enabled `vrrp` section, for the node named
 * `nodeName`, and the local peer of every `peers` section naming this node
 * (config.localName). Rejects with a VrrpAdapterError (HAWSER_VRRP_...) or
 * a PeersError (HAWSER_PEERS_CONFIG, HAWSER_PEERS_BIND) naming what is
 * missing (a capability, an interface, a free port) and leaves nothing
 * running.
 */
export async function startCluster(config: Config, nodeName: string, events: EventLogger, options: ClusterOptions = {}): Promise<Cluster> {
  const first = readVrrp(config, nodeName, events);
  if (first.vrrp === undefined) throw new VrrpAdapterError(VrrpAdapterCode.CONFIG, first.problems.join('\n'));
  // Peers first: a taken port fails start-up before any VIP is claimed.
  const peers: Peers | undefined =
    options.tables !== undefined
      ? await startPeers(config, events, { tables: options.tables, ...(options.peersTiming !== undefined ? { timing: options.peersTiming } : {}) })
      : undefined;
  let routers: VrrpRouters;
  try {
    routers = await VrrpRouters.start(first.vrrp, { events, ...(options.backends !== undefined ? { backends: options.backends } : {}) });
  } catch (err) {
    await peers?.stop();
    throw err;
  }
  return {
    // The VIP leaves first; the peer sessions send what they still hold, then close. A graceful
    // stop (SIGTERM, SIGUSR1: what -sf and -st send) first hands the tables to a successor process.
    stop: async (graceful: boolean) => {
      await routers.stop();
      await peers?.stop(graceful);
    },
    status: () => ({ vrrp: routers.status(), peers: peers?.status() ?? [] }),
    disconnectPeers: (peer?: string) => peers?.disconnect(peer) ?? 0,
    async reload(next: Config): Promise<void> {
      // Before any await: the engine already serves the new tables, writes to them must replicate at once.
      const peersDone = peers?.reload(next);
      const r = readVrrp(next, nodeName, events);
      if (r.vrrp === undefined) {
        events.error({ event: 'vrrp-reload-error', problems: r.problems }, `VRRP: reload refused, routers unchanged:\n${r.problems.join('\n')}`);
        return;
      }
      await Promise.all([routers.reload(r.vrrp), peersDone]);
    },
  };
}

/** The node's VRRP settings; warnings are logged, errors returned as text. */
function readVrrp(config: Config, nodeName: string, events: EventLogger): { vrrp: ReturnType<typeof nodeVrrpSettings>['vrrp']; problems: string[] } {
  const { vrrp, diagnostics } = nodeVrrpSettings(config, nodeName);
  const problems: string[] = [];
  for (const d of diagnostics) {
    if (d.severity === 'error') problems.push(formatDiagnostic(d));
    else events.warn({ event: 'vrrp-config-warning', code: d.code }, formatDiagnostic(d));
  }
  return { vrrp: problems.length > 0 ? undefined : vrrp, problems };
}
