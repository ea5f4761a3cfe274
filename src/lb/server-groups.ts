// HAProxy's rule for which servers take new traffic: the usable active
// servers with a non-zero weight; when there are none, the backups: only the
// first usable one in declaration order, or all of them with
// `option allbackups`. A server of weight 0 counts as unusable here, so a farm
// whose active servers are all at weight 0 falls back to its backups.
import type { LbServer } from './index.ts';

/**
 * Weights are used in sixteenths, as HAProxy's effective weights (its
 * BE_WEIGHT_SCALE): a runtime may give fractional weights (slow start) with
 * that resolution.
 */
export const WEIGHT_SCALE = 16;

/** The server's weight in sixteenths, rounded: what the algorithms count with. */
export function scaledWeight(s: LbServer): number {
  return s.weight > 0 ? Math.round(s.weight * WEIGHT_SCALE) : 0;
}

export function takesTraffic(s: LbServer): boolean {
  return s.usable && scaledWeight(s) > 0;
}

/** Where new traffic goes after an update: a set of servers, one server, or nowhere. */
export interface GroupChoice {
  /** `active`: balance over `members` (usable actives); `backups`: over the usable backups (allbackups); `single`: everything to `single`. */
  kind: 'none' | 'active' | 'backups' | 'single';
  members: LbServer[];
  single: LbServer | undefined;
}

/**
 * Splits `servers` (declaration order) into the usable actives and usable
 * backups, in order, and says which of them take traffic. `staticWeights`
 * (by server index) is given by the static algorithms.
 */
export function chooseGroup(
  servers: readonly LbServer[],
  allbackups: boolean,
  actives: LbServer[],
  backups: LbServer[],
  staticWeights?: ArrayLike<number>,
): GroupChoice {
  actives.length = 0;
  backups.length = 0;
  for (let i = 0; i < servers.length; i++) {
    const s = servers[i]!;
    if (!takesTraffic(s)) continue;
    // Static algorithms keep the weight a server started with: one that
    // started at 0 never takes traffic.
    if (staticWeights !== undefined && !(staticWeights[i]! > 0)) continue;
    (s.backup ? backups : actives).push(s);
  }
  if (actives.length > 0) return { kind: 'active', members: actives, single: undefined };
  if (backups.length === 0) return { kind: 'none', members: actives, single: undefined };
  if (allbackups) return { kind: 'backups', members: backups, single: undefined };
  return { kind: 'single', members: backups, single: backups[0] };
}

/** A group of servers a dynamic balancer picks from (its actives, or its backups with `option allbackups`). */
export interface PickGroup {
  next(exclude: LbServer | undefined): LbServer | undefined;
}

/**
 * The pick of a balancer that keeps an active and a backup group, for the
 * `choice` in force; sets `balancer.queueOnServer` (a lone server queues
 * its requests itself, as in HAProxy). No allocation: it runs per request.
 */
export function pickInGroups(
  balancer: { queueOnServer: boolean },
  choice: GroupChoice,
  actives: PickGroup,
  backups: PickGroup,
  exclude: LbServer | undefined,
): LbServer | undefined {
  balancer.queueOnServer = choice.kind === 'single';
  switch (choice.kind) {
    case 'active':
      return actives.next(exclude);
    case 'backups':
      return backups.next(exclude);
    case 'single':
      return choice.single;
    case 'none':
      return undefined;
  }
}
