// The issues' performance targets for hawser, as ratios to haproxy 2.6
// measured in the same run, and whether a run meets them.

import type { ScenarioId, ScenarioResult } from './scenarios.ts';

export interface Target {
  label: string;
  scenario: ScenarioId;
  metric: 'rps' | 'mibPerSec' | 'p99Ms';
  /** hawser/haproxy must be at least `min`, or at most `max`. */
  min?: number;
  max?: number;
  /** Compare the ratio with this scenario's ratio instead of with 1 (issue 3: rules cost no more than 10% of the ratio). */
  relativeTo?: ScenarioId;
}

export const TARGETS: readonly Target[] = [
  { label: 'L7 keep-alive rps >= 0.5x HAProxy', scenario: 'l7', metric: 'rps', min: 0.5 },
  { label: 'L4 small-request rps >= 0.9x HAProxy', scenario: 'l4small', metric: 'rps', min: 0.9 },
  { label: 'L4 64 KiB-response throughput >= 0.75x HAProxy', scenario: 'l4big', metric: 'mibPerSec', min: 0.75 },
  { label: 'L7 p99 <= 2x HAProxy', scenario: 'l7', metric: 'p99Ms', max: 2 },
  { label: 'L4 small p99 <= 2x HAProxy', scenario: 'l4small', metric: 'p99Ms', max: 2 },
  { label: 'L4 64 KiB p99 <= 2x HAProxy', scenario: 'l4big', metric: 'p99Ms', max: 2 },
  { label: 'L7 with 20 ACLs + 10 header rules: ratio >= 0.9x plain L7 ratio (issue 3)', scenario: 'l7rules', metric: 'rps', min: 0.9, relativeTo: 'l7' },
];

export interface TargetCheck {
  label: string;
  ratio: number;
  met: boolean;
}

/** The targets whose scenario ran, with hawser/haproxy and the verdict. */
export function checkTargets(results: Partial<Record<ScenarioId, ScenarioResult>>): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const t of TARGETS) {
    const r = results[t.scenario];
    const hawser = r?.hawser[t.metric];
    const haproxy = r?.haproxy[t.metric];
    if (hawser == null || haproxy == null || haproxy === 0) continue;
    let ratio = hawser / haproxy;
    if (t.relativeTo !== undefined) {
      const base = results[t.relativeTo];
      const bh = base?.hawser[t.metric];
      const bp = base?.haproxy[t.metric];
      if (bh == null || bp == null || bp === 0 || bh === 0) continue;
      ratio /= bh / bp;
    }
    const met = (t.min === undefined || ratio >= t.min) && (t.max === undefined || ratio <= t.max);
    out.push({ label: t.label, ratio, met });
  }
  return out;
}
