// Public surface of the cluster part of a node: what makes several Hawser
// nodes one appliance. For now the VRRP virtual routers of the `vrrp`
// sections (peers come with their issue). The CLI starts it once the engine
// serves and stops it before the engine drains, so the VIP moves while this
// node still answers the connections it has.
//
// @example
//   const cluster = await startCluster(config, nodeName, events, { backends });
//   cluster.status().vrrp[0].state;   // 'Backup'
//   await cluster.stop(true);         // priority 0 sent, VIPs removed

import { formatDiagnostic, type Config, type Diagnostic } from '../src/config/index.ts';
import type { EventLogger } from '../src/events/index.ts';
import {
  vrrpSettings,
  VrrpAdapterCode,
  VrrpAdapterError,
  VrrpInstance,
  type BackendHealth,
  type VrrpInstanceStatus,
  type VrrpSettings,
} from './vrrp/index.ts';
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
}

/**
 * Every problem in the `vrrp` sections as this node reads them, for
 * `hawser -c` (the same checks start-up makes, without opening anything).
 */
export function checkCluster(config: Config, nodeName: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const section of config.vrrp.values()) out.push(...vrrpSettings(section, nodeName).diagnostics);
  return out;
}

/**
 * Starts one virtual router per enabled `vrrp` section, for the node named
 * `nodeName`. Rejects with a VrrpAdapterError (HAWSER_VRRP_...) naming what
 * is missing (a capability, an interface) and leaves nothing running.
 */
export async function startCluster(config: Config, nodeName: string, events: EventLogger, options: ClusterOptions = {}): Promise<Cluster> {
  const all: VrrpSettings[] = [];
  const problems: string[] = [];
  for (const section of config.vrrp.values()) {
    const { settings, diagnostics } = vrrpSettings(section, nodeName);
    for (const d of diagnostics) {
      if (d.severity === 'error') problems.push(formatDiagnostic(d));
      else events.warn({ event: 'vrrp-config-warning', vrrp: section.name, code: d.code }, formatDiagnostic(d));
    }
    if (settings !== undefined && !settings.disabled) all.push(settings);
  }
  if (problems.length > 0) throw new VrrpAdapterError(VrrpAdapterCode.CONFIG, problems.join('\n'));

  const instances: VrrpInstance[] = [];
  try {
    for (const settings of all) {
      const instanceOptions = { settings, events, ...(options.backends !== undefined ? { backends: options.backends } : {}) };
      instances.push(await VrrpInstance.start(instanceOptions));
    }
  } catch (err) {
    await Promise.all(instances.map((i) => i.stop().catch(() => {})));
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    stop(_graceful: boolean): Promise<void> {
      stopping ??= Promise.all(
        instances.map((i) =>
          i.stop().catch((err: unknown) => {
            events.error({ event: 'vrrp-stop-error', err: (err as Error).message }, `VRRP: ${(err as Error).message}`);
          }),
        ),
      ).then(() => undefined);
      return stopping;
    },
    status: () => ({ vrrp: instances.map((i) => i.status()) }),
  };
}
