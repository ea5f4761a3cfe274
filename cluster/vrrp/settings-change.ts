// What a reload changes in one virtual router's settings, and whether the
// running router can take it in place (priority, VIPs, advert interval,
// preemption, tracking, notify, sync group) or must be restarted because it
// becomes another router on the wire (interface, VRID, version, family,
// transport, unicast peers, checksum, authentication). Source positions are
// not changes. Pure.

import type { VrrpReconfigurable } from './state-machine.ts';
import type { VrrpSettings } from './settings.ts';

type Key = keyof VrrpSettings;

const RESTART: ReadonlySet<Key> = new Set<Key>([
  'interface',
  'vrid',
  'version',
  'family',
  'transport',
  'unicast',
  'checksumPseudoHeader',
  'authentication',
]);
const IGNORED: ReadonlySet<Key> = new Set<Key>(['name', 'pos']);

export interface VrrpSettingsChanges {
  /** Changed settings that need a restart of the router. */
  restart: Key[];
  /** Changed settings a running router takes in place. */
  update: Key[];
}

export function settingsChanges(prev: VrrpSettings, next: VrrpSettings): VrrpSettingsChanges {
  const out: VrrpSettingsChanges = { restart: [], update: [] };
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)] as Key[]);
  for (const k of keys) {
    if (IGNORED.has(k) || sameValue(prev[k], next[k])) continue;
    (RESTART.has(k) ? out.restart : out.update).push(k);
  }
  return out;
}

/** The part of the settings the state machine takes on reload. */
export function reconfigurable(s: VrrpSettings): VrrpReconfigurable {
  return {
    priority: s.priority,
    advertInterval: s.advertInterval,
    preempt: s.preempt,
    preemptDelay: s.preemptDelay,
    garp: s.garp,
    inSyncGroup: s.syncGroup !== undefined,
  };
}

/** Structural equality of settings values, `pos` (where a line was written) left out. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameValue(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => k !== 'pos');
  const kb = Object.keys(b).filter((k) => k !== 'pos');
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
