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

import { readFileSync } from 'node:fs';
import { formatDiagnostic, type Config, type Diagnostic } from '../src/config/index.ts';
import type { EventLogger } from '../src/events/index.ts';
import type { StickTable } from '../src/stick/index.ts';
import { checkPeers, renderPeersMetrics, shortHash, showPeers, startPeers, type NodeStatusMsg, type Peers, type PeersStatus, type PeersTiming } from './peers/index.ts';
import { nodeVrrpSettings, renderVrrpMetrics, VrrpAdapterCode, VrrpAdapterError, VrrpRouters, type BackendHealth, type VrrpInstanceStatus } from './vrrp/index.ts';
import { configFileHash } from './config-file-hash.ts';
import { nodeStatusMsg, readNodeStatus, type NodeStatus } from './node-status.ts';
import type { Command } from '../src/runtime/index.ts';
import { showVrrp } from './vrrp/show-vrrp.ts';
import { showCluster, showClusterHtml, type RemoteNode } from './show-cluster.ts';

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
/** The stats page's cluster table for RuntimeApi.htmlSections ('' on a node without peers or vrrp). */
export function clusterHtml(cluster: Cluster): () => string {
  return () => showClusterHtml(cluster.status());
}

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
  /** This node's whole-file configuration hash (short hex), undefined when its files could not be read. */
  fileHash: string | undefined;
  /** What each peer last announced about itself. */
  remote: RemoteNode[];
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
  const relay = new NodeRelay(events, readFileHash(config, events));
  // Peers first: a taken port fails start-up before any VIP is claimed.
  const peers: Peers | undefined =
    options.tables !== undefined
      ? await startPeers(config, events, {
          tables: options.tables,
          onNodeStatus: (_section, peer, msg, age) => relay.received(peer, msg, age),
          ...(options.peersTiming !== undefined ? { timing: options.peersTiming } : {}),
        })
      : undefined;
  let routers: VrrpRouters;
  try {
    routers = await VrrpRouters.start(first.vrrp, {
      events,
      onChange: () => relay.changed(),
      ...(options.backends !== undefined ? { backends: options.backends } : {}),
    });
  } catch (err) {
    await peers?.stop();
    throw err;
  }
  if (peers !== undefined) relay.start(routers, peers);
  return {
    // The VIP leaves first; the peer sessions send what they still hold, then close. A graceful
    // stop (SIGTERM, SIGUSR1: what -sf and -st send) first hands the tables to a successor process.
    stop: async (graceful: boolean) => {
      await routers.stop();
      relay.stop();
      await peers?.stop(graceful);
    },
    status: () => {
      const p = peers?.status() ?? [];
      return { vrrp: routers.status(), peers: p, fileHash: relay.fileHash, remote: relay.remote(p) };
    },
    disconnectPeers: (peer?: string) => peers?.disconnect(peer) ?? 0,
    async reload(next: Config): Promise<void> {
      // Before any await: the engine already serves the new tables, writes to them must replicate at once.
      const peersDone = peers?.reload(next);
      relay.setFileHash(readFileHash(next, events));
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

/** The whole-file hash of the files this configuration was read from; undefined (logged) when one cannot be read again. */
function readFileHash(config: Config, events: EventLogger): Buffer | undefined {
  try {
    return configFileHash(config.files.map((f) => readFileSync(f, 'utf8')));
  } catch (err) {
    events.warn({ event: 'cluster-config-hash-error', error: (err as Error).message }, `Cluster: configuration hash not computed: ${(err as Error).message}`);
    return undefined;
  }
}

/** While no router is Master, the node status is sent again at least this often (ms) even when unchanged. */
const STATUS_REFRESH_MS = 1000;

/**
 * This node's status on the peers channel, both ways. Out: its routers'
 * claims and its file hash, at each change and, while a router is Master,
 * at that router's advert interval (where VRRP is cut, the claims stand in
 * for its adverts). In: each peer's claims go to the routers (split brain
 * through peers); its file hash is compared with ours, drift logged once
 * per change.
 */
class NodeRelay {
  readonly #events: EventLogger;
  #hash: Buffer | undefined;
  #routers: VrrpRouters | undefined;
  #peers: Peers | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastKey = '';
  #lastSent = 0;
  #changeQueued = false;
  readonly #remote = new Map<string, NodeStatus>();
  /** Per peer, the (ours, theirs) hashes last logged as drift or agreement. */
  readonly #driftLogged = new Map<string, string>();

  constructor(events: EventLogger, hash: Buffer | undefined) {
    this.#events = events;
    this.#hash = hash;
  }

  get fileHash(): string | undefined {
    return this.#hash !== undefined ? shortHash(this.#hash) : undefined;
  }

  start(routers: VrrpRouters, peers: Peers): void {
    this.#routers = routers;
    this.#peers = peers;
    this.#tick();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // The routers have left: peers learn it at once (their claims of us as master end now, not at their timeout).
    if (this.#routers !== undefined && this.#peers !== undefined) this.#peers.announce(this.#message());
    this.#routers = undefined;
  }

  setFileHash(hash: Buffer | undefined): void {
    this.#hash = hash;
    for (const [peer, st] of this.#remote) this.#compare(peer, st.fileHash);
    if (this.#routers !== undefined) this.#send(performance.now());
  }

  /** A router changed: its claim leaves at once (once per event-loop turn), not at the next tick. */
  changed(): void {
    if (this.#routers === undefined || this.#changeQueued) return;
    this.#changeQueued = true;
    queueMicrotask(() => {
      this.#changeQueued = false;
      if (this.#routers === undefined) return;
      this.#lastKey = JSON.stringify(this.#routers.claims());
      this.#send(performance.now());
    });
  }

  /** A peer's NodeStatus; false when not valid (dropped and counted by the peers node). */
  received(peer: string, msg: NodeStatusMsg, ageMs: number | undefined): boolean {
    const st = readNodeStatus(msg);
    if (st === undefined) return false;
    this.#remote.set(peer, st);
    this.#compare(peer, st.fileHash);
    this.#routers?.relayed(peer, st.vrrp, ageMs);
    return true;
  }

  /** What established peers announced, for show cluster. */
  remote(peers: readonly PeersStatus[]): RemoteNode[] {
    const up = new Set(peers.flatMap((s) => s.peers.filter((p) => p.status === 'ESTA').map((p) => p.name)));
    const out: RemoteNode[] = [];
    for (const [node, st] of this.#remote) {
      if (up.has(node)) out.push({ node, fileHash: st.fileHash.length > 0 ? shortHash(st.fileHash) : undefined, vrrp: st.vrrp });
    }
    return out;
  }

  #compare(peer: string, theirs: Uint8Array): void {
    if (this.#hash === undefined || theirs.length === 0) return;
    const ours = shortHash(this.#hash);
    const other = shortHash(theirs);
    const key = `${ours} ${other}`;
    const before = this.#driftLogged.get(peer);
    if (before === key) return;
    this.#driftLogged.set(peer, key);
    if (ours !== other) {
      this.#events.warn(
        { event: 'cluster-config-drift', peer, local: ours, remote: other },
        `Cluster: the configuration of '${peer}' differs from this node's (hash ${other} vs ${ours}); show cluster flags it until they agree`,
      );
    } else if (before !== undefined) {
      this.#events.info({ event: 'cluster-config-agree', peer, hash: ours }, `Cluster: the configuration of '${peer}' is this node's again (hash ${ours})`);
    }
  }

  #message(): NodeStatusMsg {
    return nodeStatusMsg(this.#hash ?? new Uint8Array(0), this.#routers?.claims() ?? [], performance.now());
  }

  #send(now: number): void {
    this.#lastSent = now;
    this.#peers?.announce(this.#message());
  }

  #tick(): void {
    const routers = this.#routers;
    if (routers === undefined) return;
    const now = performance.now();
    const claims = routers.claims();
    const key = JSON.stringify(claims);
    const masters = claims.filter((c) => c.state === 'Master');
    const masterEvery = masters.length > 0 ? Math.min(...masters.map((c) => c.advertInterval)) : Infinity;
    if (key !== this.#lastKey || now - this.#lastSent >= Math.min(masterEvery, STATUS_REFRESH_MS)) {
      this.#lastKey = key;
      this.#send(now);
    }
    // Checked at the fastest router's advert interval: a change leaves within one interval.
    const every = Math.max(20, Math.min(STATUS_REFRESH_MS, ...claims.map((c) => c.advertInterval)));
    this.#timer = setTimeout(() => this.#tick(), every);
    this.#timer.unref();
  }
}
