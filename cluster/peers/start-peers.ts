// Runs every `peers` section this node belongs to, and follows reloads:
// a section whose settings (members, secret, TLS and the files they name)
// did not change keeps its sessions and only re-reads the engine's tables;
// a changed section is restarted; sections added or removed start or stop.

import type { Config, Diagnostic } from '../../src/config/index.ts';
import { formatDiagnostic } from '../../src/config/index.ts';
import type { EventLogger } from '../../src/events/index.ts';
import type { StickTable } from '../../src/stick/index.ts';
import { loadCredentials, type PeersCredentials } from './credentials.ts';
import { PeersCode, PeersError } from './peers-error.ts';
import { PeersNode, type PeersStatus, type PeersTiming } from './peers-node.ts';
import type { NodeStatusMsg } from './schema.ts';
import { peersSettings, type PeersSettings } from './settings.ts';

export interface PeersOptions {
  /** The engine's stick tables, re-read at each reload. */
  readonly tables: () => ReadonlyMap<string, StickTable>;
  readonly timing?: Partial<PeersTiming>;
  readonly maxFrame?: number;
  /** A peer's NodeStatus; false when not valid (see PeersNodeOptions.onNodeStatus). */
  readonly onNodeStatus?: (section: string, peer: string, msg: NodeStatusMsg, ageMs: number | undefined) => boolean;
}

export interface Peers {
  /** What this node is now, to every peer of every section (and to sections started later). */
  announce(msg: NodeStatusMsg): void;
  /** Follows a reloaded configuration (and the engine's new tables). */
  reload(config: Config): Promise<void>;
  /** Stops every section; with `handover`, each first hands its tables to this node's next process, if one listens. */
  stop(handover?: boolean): Promise<void>;
  status(): PeersStatus[];
  /** Closes the sessions of every section (or of one peer); they reconnect as after any loss. */
  disconnect(peer?: string): number;
}

interface Prepared {
  settings: PeersSettings;
  credentials: PeersCredentials;
  /** What decides whether a reload restarts the section. */
  identity: string;
}

/** Every problem in the `peers` sections as this node reads them (hawser -c and start-up). */
export function checkPeers(config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const section of config.peers.values()) {
    const { settings, diagnostics } = peersSettings(section);
    out.push(...diagnostics);
    if (settings !== undefined) out.push(...loadCredentials(settings).diagnostics);
  }
  return out;
}

function prepare(config: Config): Map<string, Prepared> {
  const out = new Map<string, Prepared>();
  const problems: string[] = [];
  for (const section of config.peers.values()) {
    const { settings, diagnostics } = peersSettings(section);
    problems.push(...diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic));
    if (settings === undefined) continue;
    const c = loadCredentials(settings);
    problems.push(...c.diagnostics.map(formatDiagnostic));
    if (c.credentials === undefined) continue;
    const identity = JSON.stringify([settings, c.credentials], (k, v: unknown) => (k === 'pos' ? undefined : v instanceof Map ? [...v] : v));
    out.set(settings.section, { settings, credentials: c.credentials, identity });
  }
  if (problems.length > 0) throw new PeersError(PeersCode.CONFIG, problems.join('\n'));
  return out;
}

/**
 * Starts one PeersNode per `peers` section that names this node. Rejects
 * with a PeersError (HAWSER_PEERS_CONFIG, HAWSER_PEERS_BIND) and leaves
 * nothing running when one cannot start.
 */
export async function startPeers(config: Config, events: EventLogger, options: PeersOptions): Promise<Peers> {
  const running = new Map<string, { node: PeersNode; identity: string }>();
  let announced: NodeStatusMsg | undefined;
  const onNodeStatus = options.onNodeStatus;
  const launch = async (p: Prepared): Promise<void> => {
    const node = new PeersNode({
      settings: p.settings,
      credentials: p.credentials,
      events,
      tables: options.tables,
      ...(options.timing !== undefined ? { timing: options.timing } : {}),
      ...(options.maxFrame !== undefined ? { maxFrame: options.maxFrame } : {}),
      ...(onNodeStatus !== undefined ? { onNodeStatus: (peer: string, msg: NodeStatusMsg, age: number | undefined) => onNodeStatus(p.settings.section, peer, msg, age) } : {}),
    });
    if (announced !== undefined) node.announce(announced);
    await node.start();
    running.set(p.settings.section, { node, identity: p.identity });
  };
  try {
    for (const p of prepare(config).values()) await launch(p);
  } catch (err) {
    await Promise.all([...running.values()].map((r) => r.node.stop()));
    throw err;
  }
  let stopped = false;
  return {
    announce(msg: NodeStatusMsg): void {
      announced = msg;
      for (const r of running.values()) r.node.announce(msg);
    },
    async reload(next: Config): Promise<void> {
      if (stopped) return;
      let wanted: Map<string, Prepared>;
      try {
        wanted = prepare(next);
      } catch (err) {
        events.error({ event: 'peers-reload-failed', error: (err as Error).message }, `Peers: ${(err as Error).message}; previous peers settings kept`);
        for (const r of running.values()) r.node.refreshTables();
        return;
      }
      for (const [name, r] of [...running]) {
        const w = wanted.get(name);
        if (w !== undefined && w.identity === r.identity) {
          r.node.refreshTables();
          continue;
        }
        running.delete(name);
        await r.node.stop();
      }
      for (const [name, w] of wanted) {
        if (running.has(name)) continue;
        try {
          await launch(w);
        } catch (err) {
          events.error({ event: 'peers-start-failed', peers: name, error: (err as Error).message }, `Peers ${name}: ${(err as Error).message}`);
        }
      }
    },
    async stop(handover = false): Promise<void> {
      stopped = true;
      await Promise.all([...running.values()].map((r) => r.node.stop(handover)));
      running.clear();
    },
    status: () => [...running.values()].map((r) => r.node.status()),
    disconnect: (peer?: string) => {
      let n = 0;
      for (const r of running.values()) n += r.node.disconnect(peer);
      return n;
    },
  };
}
