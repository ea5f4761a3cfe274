// Another node's VRRP state as its peers channel says it (a claim), and
// what a router makes of it. The peers TCP session can stay up while the
// VRRP path is cut (protocol 112 filtered, a one-way link): then each side
// stops hearing the other's adverts and both become master. Claims carried
// over peers close that gap: a master's claim stands in for its adverts
// where they are not heard, and two masters of one VRID see each other, so
// RFC 5798's rule (split-brain.ts) makes one yield. Pure: the instance
// passes its state, the time, and when it last heard the claimant's adverts.

import { ipFamily } from './ip-address.ts';
import type { VrrpState } from './state-machine.ts';

/** One virtual router of a node, as announced to its peers. */
export interface VrrpClaim {
  /** The vrrp section's name. */
  name: string;
  interface: string;
  vrid: number;
  state: VrrpState;
  /** Effective priority (after tracking): what its adverts carry. */
  priority: number;
  /** The primary address its adverts come from. */
  address: string;
  /** ms */
  advertInterval: number;
}

export const CLAIM_STATES: readonly VrrpState[] = ['Initialize', 'Backup', 'Master', 'Fault'];

/**
 * What a router does with a peer's claim:
 * - 'ignore': another router, not a master, or its adverts are heard (VRRP decides);
 * - 'advert': we are Backup and its adverts are not heard: the claim counts as one (the Master_Down_Timer restarts);
 * - 'conflict': we are Master too: two masters; the claim counts as an advert (one yields) and is a split brain
 *   unless its real adverts show up within `reportAfter` ms (then it was a preemption crossing the claim).
 */
export type ClaimVerdict = 'ignore' | 'advert' | 'conflict';

export interface ClaimContext {
  vrid: number;
  state: VrrpState;
  /** Our primary address (its family is the router's). */
  address: string;
  /** When we last heard an advert (any priority) from the claim's address; undefined: never. */
  lastHeard: number | undefined;
  now: number;
}

/**
 * Adverts not heard for this many of the claimant's intervals: the VRRP path
 * from it is taken as cut. Above one interval (jitter), well below three (a
 * backup's Master_Down_Interval), so the claim restarts the timer in time.
 */
export const SILENT_INTERVALS = 1.5;

export function claimVerdict(ctx: ClaimContext, claim: VrrpClaim): ClaimVerdict {
  if (claim.vrid !== ctx.vrid || claim.address === ctx.address || ipFamily(claim.address) !== ipFamily(ctx.address)) return 'ignore';
  if (claim.state !== 'Master' || claim.priority === 0) return 'ignore';
  if (ctx.state === 'Master') return 'conflict';
  if (ctx.state !== 'Backup') return 'ignore';
  const silent = ctx.lastHeard === undefined || ctx.now - ctx.lastHeard > SILENT_INTERVALS * claim.advertInterval;
  return silent ? 'advert' : 'ignore';
}

/**
 * Whether a claim that took `ageMs` longer than usual to arrive still says
 * how things are: within two of its advert intervals (at least 100 ms). A
 * claim that waited in a stalled connection (the backlog a healed
 * partition delivers) is history: a priority since lowered would make a
 * better master yield. Undefined age (not measurable): not acted on.
 */
export function claimIsFresh(ageMs: number | undefined, claim: VrrpClaim): boolean {
  return ageMs !== undefined && ageMs <= Math.max(100, 2 * claim.advertInterval);
}

/** How long a conflict waits for the other master's real adverts before it is reported as a split brain (ms). */
export function reportDelay(ours: number, theirs: number): number {
  return Math.ceil(SILENT_INTERVALS * Math.max(ours, theirs));
}

/** Whether a claim's fields are usable (a peer's frame is not trusted to be). */
export function validClaim(c: VrrpClaim): boolean {
  return (
    Number.isInteger(c.vrid) && c.vrid >= 1 && c.vrid <= 255 &&
    CLAIM_STATES.includes(c.state) &&
    Number.isInteger(c.priority) && c.priority >= 0 && c.priority <= 255 &&
    ipFamily(c.address) !== undefined &&
    Number.isInteger(c.advertInterval) && c.advertInterval >= 10 && c.advertInterval <= 40_950 &&
    typeof c.name === 'string' && c.name.length <= 64 &&
    typeof c.interface === 'string' && c.interface.length <= 64
  );
}
