// The sync groups of a node, from its virtual routers' `sync-group NAME`
// lines: who is in each group, and the group's notify commands (written on
// any one member's line; two members giving different commands for the
// same state is an error). Pure, like settings.ts.

import { CfgCode, type Diagnostic } from '../../src/config/index.ts';
import type { VrrpNotify, VrrpSettings } from './settings.ts';

export interface VrrpSyncGroupSettings {
  name: string;
  /** Virtual router names, in configuration order. */
  members: string[];
  notify: VrrpNotify;
}

export interface VrrpSyncGroupsResult {
  groups: VrrpSyncGroupSettings[];
  diagnostics: Diagnostic[];
}

const KEYWORD: Record<keyof VrrpNotify, string> = {
  master: 'notify-master',
  backup: 'notify-backup',
  fault: 'notify-fault',
  stop: 'notify-stop',
  any: 'notify',
};

/** The groups formed by the (enabled) virtual routers `all`. */
export function syncGroupSettings(all: readonly VrrpSettings[]): VrrpSyncGroupsResult {
  const diagnostics: Diagnostic[] = [];
  const groups = new Map<string, VrrpSyncGroupSettings & { from: Map<keyof VrrpNotify, string> }>();
  for (const s of all) {
    if (s.syncGroup === undefined) continue;
    let g = groups.get(s.syncGroup);
    if (g === undefined) {
      g = { name: s.syncGroup, members: [], notify: {}, from: new Map() };
      groups.set(s.syncGroup, g);
    }
    g.members.push(s.name);
    for (const [key, cmd] of Object.entries(s.syncGroupNotify ?? {}) as Array<[keyof VrrpNotify, NonNullable<VrrpNotify[keyof VrrpNotify]>]>) {
      const had = g.notify[key];
      if (had === undefined) {
        g.notify[key] = cmd;
        g.from.set(key, s.name);
      } else if (had.argv.join('\0') !== cmd.argv.join('\0')) {
        diagnostics.push({
          code: CfgCode.DUPLICATE,
          severity: 'error',
          file: cmd.pos.file,
          line: cmd.pos.line,
          message: `vrrp '${s.name}': sync group '${g.name}' already has ${KEYWORD[key]} '${had.argv.join(' ')}' (from vrrp '${g.from.get(key)}' at ${had.pos.file}:${had.pos.line}); give the group's commands once`,
        });
      }
    }
  }
  for (const g of groups.values()) {
    if (g.members.length === 1) {
      const s = all.find((x) => x.name === g.members[0])!;
      diagnostics.push({
        code: CfgCode.INCOMPLETE,
        severity: 'warning',
        file: s.pos.file,
        line: s.pos.line,
        message: `vrrp '${s.name}': sync group '${g.name}' has no other member; a group of one changes nothing`,
      });
    }
  }
  return { groups: [...groups.values()].map(({ from: _, ...g }) => g), diagnostics };
}
