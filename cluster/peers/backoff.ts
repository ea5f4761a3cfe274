// When to call a peer again after a failed or lost session: exponential
// backoff with jitter, so that nodes restarted together do not call each
// other in lockstep and a peer that is down is not hammered.

export interface BackoffPolicy {
  /** First delay (ms). */
  readonly minMs: number;
  /** Largest delay (ms). */
  readonly maxMs: number;
}

/**
 * Delay before attempt number `attempt` (0 for the first retry): the
 * exponential step capped at maxMs, then drawn uniformly in its upper half
 * ("equal jitter": never much shorter than the step, never in lockstep).
 */
export function backoffDelay(p: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(p.maxMs, p.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
