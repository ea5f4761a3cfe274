// Public surface of the cluster part of a node: what makes several Hawser
// nodes one appliance. For now the VRRP virtual routers of the `vrrp`
// sections and their sync groups (peers come with their issue). The CLI
// starts it once the engine serves, hands it each reloaded configuration,
// and stops it before the engine drains, so the VIP moves while this node
// still answers the connections it has.
//
// @example
//   const cluster = await startCluster(config, nodeName, events, { backends });
//   cluster.status().vrrp[0].state;   // 'Backup'
//   await cluster.reload(newConfig);  // changed routers updated in place
//   await cluster.stop(true);         // priority 0 sent, VIPs removed

import { formatDiagnostic, type Config, type Diagnostic } from '../src/config/index.ts';
import type { EventLogger } from '../src/events/index.ts';
import { nodeVrrpSettings, VrrpAdapterCode, VrrpAdapterError, VrrpRouters, type BackendHealth, type VrrpInstanceStatus } from './vrrp/index.ts';
import type { Command } from '../src/runtime/index.ts';
import { showVrrp } from './vrrp/show-vrrp.ts';

export { VrrpAdapterCode, VrrpAdapterError, type BackendHealth, type VrrpInstanceStatus } from './vrrp/index.ts';

/** The runtime API commands the cluster part adds (`show vrrp`). */
export function clusterCommands(cluster: Cluster): Command[] {
  return [
    {
      words: ['show', 'vrrp'],
      usage: 'show vrrp',
      help: 'show the state of every VRRP instance',
      level: 'user',
      run: () => showVrrp(cluster.status().vrrp),
    },
  ];
}

export interface ClusterOptions {
  /** Backend health for `track-backend`; without it those lines are ignored (with a warning). */
  backends?: BackendHealth;
}

export interface ClusterStatus {
  vrrp: VrrpInstanceStatus[];
}

export interface Cluster {
  /**
   * Leaves every virtual router: a Master sends priority 0 (its backups take
   * over after Skew_Time instead of Master_Down_Interval) and removes its
   * VIPs. `graceful` is accepted for symmetry with the engine; handing over
   * costs one packet, so a hard stop does it too.
   */
  stop(graceful: boolean): Promise<void>;
  status(): ClusterStatus;
  /**
   * A reloaded configuration (already checked with checkCluster): routers
   * that can take their new settings in place keep running (a master stays
   * master), others restart, removed ones leave, new ones start. Problems
   * are logged; it never rejects.
   */
  reload(config: Config): Promise<void>;
}

/**
 * Every problem in the `vrrp` sections as this node reads them, for
 * `hawser -c` (the same checks start-up makes, without opening anything).
 */
export function checkCluster(config: Config, nodeName: string): Diagnostic[] {
  return nodeVrrpSettings(config, nodeName).diagnostics;
}

/**
 * Starts one virtual router per enabled `vrrp` section, for the node named
 * `nodeName`. Rejects with a VrrpAdapterError (HAWSER_VRRP_...) naming what
 * is missing (a capability, an interface) and leaves nothing running.
 */
export async function startCluster(config: Config, nodeName: string, events: EventLogger, options: ClusterOptions = {}): Promise<Cluster> {
  const first = readVrrp(config, nodeName, events);
  if (first.vrrp === undefined) throw new VrrpAdapterError(VrrpAdapterCode.CONFIG, first.problems.join('\n'));
  const routers = await VrrpRouters.start(first.vrrp, { events, ...(options.backends !== undefined ? { backends: options.backends } : {}) });
  return {
    stop: (_graceful: boolean) => routers.stop(),
    status: () => ({ vrrp: routers.status() }),
    async reload(next: Config): Promise<void> {
      const r = readVrrp(next, nodeName, events);
      if (r.vrrp === undefined) {
        events.error({ event: 'vrrp-reload-error', problems: r.problems }, `VRRP: reload refused, routers unchanged:\n${r.problems.join('\n')}`);
        return;
      }
      await routers.reload(r.vrrp);
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
