// Every `vrrp` section of a configuration as one node reads it: the
// settings of its enabled virtual routers and the sync groups they form,
// with every problem as a Diagnostic (file:line). What start-up, reload and
// `hawser -c` all use. Pure.

import type { Config, Diagnostic } from '../../src/config/index.ts';
import { vrrpSettings, type VrrpSettings } from './settings.ts';
import { syncGroupSettings, type VrrpSyncGroupSettings } from './sync-groups.ts';

export interface NodeVrrpSettings {
  /** Enabled virtual routers, in configuration order. */
  routers: VrrpSettings[];
  groups: VrrpSyncGroupSettings[];
}

export interface NodeVrrpResult {
  /** Undefined when an error was found. */
  vrrp: NodeVrrpSettings | undefined;
  diagnostics: Diagnostic[];
}

export function nodeVrrpSettings(config: Config, nodeName: string): NodeVrrpResult {
  const diagnostics: Diagnostic[] = [];
  const routers: VrrpSettings[] = [];
  let failed = false;
  for (const section of config.vrrp.values()) {
    const r = vrrpSettings(section, nodeName);
    diagnostics.push(...r.diagnostics);
    if (r.settings === undefined) failed = true;
    else if (!r.settings.disabled) routers.push(r.settings);
  }
  const g = syncGroupSettings(routers);
  // A member refused above would make its group look like a group of one.
  diagnostics.push(...(failed ? g.diagnostics.filter((d) => d.severity === 'error') : g.diagnostics));
  if (failed || g.diagnostics.some((d) => d.severity === 'error')) return { vrrp: undefined, diagnostics };
  return { vrrp: { routers, groups: g.groups }, diagnostics };
}
