// The effective priority of a virtual router from the state of what it
// tracks, by keepalived's rules: a tracked object with weight 0 puts the
// router in Fault while it fails; a negative weight is added while it fails,
// a positive one while it is fine; the result stays within 1-254. An address
// owner (255) keeps 255: weights only move routers that can lose the VIP.
// Pure: the probes (backend health, interface state) live in the adapter.

export interface TrackedObjectState {
  /** How logs name it: "backend app", "interface eth1". */
  label: string;
  weight: number;
  ok: boolean;
}

export interface TrackedPriority {
  priority: number;
  fault: boolean;
  /** Why, when something fails: names the failing objects. */
  reason: string | undefined;
}

export function trackedPriority(configured: number, states: readonly TrackedObjectState[]): TrackedPriority {
  let priority = configured;
  const faulty: string[] = [];
  const weighed: string[] = [];
  for (const s of states) {
    if (s.weight === 0) {
      if (!s.ok) faulty.push(s.label);
    } else if (s.weight < 0 ? !s.ok : s.ok) {
      priority += s.weight;
      if (!s.ok) weighed.push(`${s.label} (${s.weight})`);
    } else if (!s.ok) {
      weighed.push(`${s.label} (no +${s.weight})`);
    }
  }
  if (configured === 255) priority = 255;
  else priority = Math.min(254, Math.max(1, priority));
  const fault = faulty.length > 0;
  const reason = fault ? `${faulty.join(', ')} failing` : weighed.length > 0 ? `${weighed.join(', ')} failing` : undefined;
  return { priority, fault, reason };
}
