// Split brain: two routers Master for the same VRID at once. It happens
// while they cannot hear each other (a partition, protocol 112 filtered on
// one side) and shows the moment they can again: a Master receives an
// advert that is not its own. keepalived leaves this to be found in the
// logs by chance (its most common complaint); Hawser reports it as an error
// and a counter, and RFC 5798's rule (6.4.3) decides at once who yields.
// Pure: the state machine asks, the instance logs and counts.

import { compareIP } from './ip-address.ts';

/** A router acting as Master: its advertised priority and its primary address. */
export interface MasterClaim {
  priority: number;
  address: string;
}

/**
 * One split brain as the winning master reports it. The loser cannot tell
 * it from a preemption (a better router became master, as designed): it
 * yields and logs its transition; the winner knows, because a master it
 * beats should not exist.
 */
export interface SplitBrainEpisode {
  /** The other master. */
  peer: string;
  peerPriority: number;
  /** Our priority when it was seen. */
  priority: number;
}

/** RFC 5798 6.4.3: `ours` yields when `theirs` has the higher priority, or the same one and the higher address. */
export function yieldsTo(ours: MasterClaim, theirs: MasterClaim): boolean {
  if (theirs.priority !== ours.priority) return theirs.priority > ours.priority;
  return compareIP(theirs.address, ours.address) > 0;
}

/**
 * Whether a conflicting advert from `peer` at `now` starts a new episode:
 * the winner keeps hearing the loser until the loser's next advert stops,
 * and that is one split brain, not one per packet. A new peer, or the same
 * one after `quietMs` without a conflict, is a new episode.
 */
export function newEpisode(last: { peer: string; at: number } | undefined, peer: string, now: number, quietMs: number): boolean {
  return last === undefined || last.peer !== peer || now - last.at > quietMs;
}
