// The effective priority of a virtual router from the state of what it
// tracks, by keepalived's rules: a tracked object with weight 0 puts the
// router in Fault while it fails; a negative weight is added while it fails,
// a positive one while it is fine; a tracked file's value is multiplied by
// its weight and added (at -254 or below: Fault; weight 0: any value but 0
// is a Fault); the result stays within 1-254. An address owner (255) keeps
// 255: weights only move routers that can lose the VIP.
// Pure: the probes (backend health, interface state, scripts, files) live in
// the adapters.

export type TrackedObjectState =
  /** ok undefined: not known yet (a script that has not run): counts neither way. */
  | { label: string; weight: number; ok: boolean | undefined }
  /** A tracked file's integer. */
  | { label: string; weight: number; value: number };

export interface TrackedPriority {
  priority: number;
  fault: boolean;
  /** Why, when something fails: names the failing objects. */
  reason: string | undefined;
}

/** keepalived clamps a file's weighted value to -254..253; -254 means Fault. */
const FILE_FAULT = -254;
const FILE_MAX = 253;

export function trackedPriority(configured: number, states: readonly TrackedObjectState[]): TrackedPriority {
  let priority = configured;
  const faulty: string[] = [];
  const weighed: string[] = [];
  for (const s of states) {
    if ('value' in s) {
      if (s.weight === 0) {
        if (s.value !== 0) faulty.push(`${s.label} (${s.value})`);
        continue;
      }
      const v = Math.min(FILE_MAX, Math.max(FILE_FAULT, s.value * s.weight));
      if (v === FILE_FAULT) faulty.push(`${s.label} (${s.value} x ${s.weight})`);
      else if (v !== 0) {
        priority += v;
        weighed.push(`${s.label} = ${s.value} (${v > 0 ? '+' : ''}${v})`);
      }
      continue;
    }
    if (s.ok === undefined) continue;
    if (s.weight === 0) {
      if (!s.ok) faulty.push(s.label);
    } else if (s.weight < 0 ? !s.ok : s.ok) {
      priority += s.weight;
      if (!s.ok) weighed.push(`${s.label} (${s.weight}) failing`);
    } else if (!s.ok) {
      weighed.push(`${s.label} (no +${s.weight}) failing`);
    }
  }
  if (configured === 255) priority = 255;
  else priority = Math.min(254, Math.max(1, priority));
  const fault = faulty.length > 0;
  const reason = fault ? `${faulty.join(', ')} failing` : weighed.length > 0 ? weighed.join(', ') : undefined;
  return { priority, fault, reason };
}
