// Hawser's load-balancing algorithms (`balance`, `hash-type`), with HAProxy's
// semantics: the public surface of src/lb. Pure code: no I/O, no timers;
// randomness can be injected.
//
// Division of labour with the runtime:
// - The runtime owns every LbServer and mutates it. It keeps `active` itself:
//   increment it when a request is bound to a server, then call
//   `taken(s)`; decrement it when that request ends, then call
//   `released(s)`. Call `taken` before the next `pick` (leastconn reorders
//   on it). Balancers never write to an LbServer.
// - After changing any server's `usable` or `weight` (or `maxconn`), call
//   `update()`. It costs O(n log n) at most (consistent hashing:
//   O(points log points)) and is never needed on the request path.
// - `pick` is O(log n) for roundrobin, O(1) for leastconn (taken/released
//   are O(log n)), map-based hashing and static-rr while servers have room,
//   O(log points) for consistent hashing and random, O(n) for first. When
//   servers are full, skipping them costs O(n log n) at worst.
//
// Backups (HAProxy's rule): usable active servers with a non-zero weight take
// all new traffic. When there are none, the backups do: only the first usable
// one in declaration order (the order of the `servers` array), or all usable
// backups balanced with the same algorithm under `option allbackups`.
//
// Full servers (maxconn reached, see `isFull`). HAProxy never sends more
// than maxconn concurrent requests to a server: it queues. `pick` still
// returns a server when every candidate is full (it returns undefined only
// when no server can take traffic at all: answer 503), and the runtime queues
// the request if `isFull(server)`. Where to queue is told by
// `queueOnServer`, read right after `pick`:
// - false: the balancer skipped full servers and only returned a full one
//   because none had room (roundrobin, static-rr, leastconn, first; random
//   when its draw lands on a full server; a hash algorithm's round-robin
//   fallback). HAProxy queues such requests in the backend's queue, served
//   by whichever server frees a slot first.
// - true: the server was chosen for the request itself (the hash of its key,
//   or the single backup in use), so HAProxy queues on that server.
// HAProxy additionally sends new requests straight to the backend queue while
// it is not empty, for first, roundrobin and static-rr (fairness); that is the
// runtime's job.
//
// Redispatch: `exclude` is avoided when another server can take the request
// (roundrobin, static-rr, leastconn, first, random, consistent hashing and
// every round-robin fallback). As in HAProxy, map-based hashing and the single
// backup ignore it: the key maps to the same server again.
//
// Static algorithms (static-rr, and the hash algorithms with hash-type
// map-based) read each server's weight once, when the balancer is created;
// afterwards a weight of 0 takes the server out and any other value puts it
// back with its initial weight. HAProxy only accepts weights 0% and 100% for
// them; the runtime should refuse other changes the same way. All other
// algorithms follow weight changes at the next `update()`.

import type { BalanceAlgorithm, HashType } from '../config/model.ts';
import { RoundRobin } from './roundrobin.ts';
import { StaticRoundRobin } from './static-rr.ts';
import { LeastConn } from './leastconn.ts';
import { First } from './first.ts';
import { RandomDraws } from './random.ts';
import { HashBalancer } from './hash-balancer.ts';
import { SourceKey } from './source.ts';
import { UriKey } from './uri.ts';
import { UrlParamKey } from './url-param.ts';
import { HdrKey } from './hdr.ts';

export { isFull } from './saturation.ts';
export { sdbm, djb2, wt6, crc32, avalanche, hashFunction } from './hash.ts';
export type { HashFunctionName, StringHash } from './hash.ts';

/** What a balancer sees of a server; owned and mutated by the runtime. */
export interface LbServer {
  readonly name: string;
  /** 1-based, HAProxy's server id order. Consistent hashing places a server's ring points from it. */
  readonly id: number;
  readonly backup: boolean;
  /**
   * Effective weight now (0..256); 0 = takes no new traffic. Counted in
   * sixteenths, like HAProxy's effective weights, so a slow start can ramp
   * it in steps of 1/16 (a weight under 1/32 counts as 0).
   */
  weight: number;
  /** Up and not in maintenance/drain. */
  usable: boolean;
  /** Current connections (the runtime increments/decrements, then calls taken/released). */
  active: number;
  /** 0 = unlimited. */
  maxconn: number;
}

/** The request facts a balancer may hash on. */
export interface PickInput {
  /**
   * Client IP as text ("127.0.0.1", "::1"), as the socket reports it: a
   * dual-stack listener reports IPv4 clients as "::ffff:a.b.c.d", which
   * hashes as the IPv6 address it is (HAProxy does the same).
   */
  src: string;
  /** Full request target, http mode only. Strings hold one byte per char (latin1). */
  uri?: string;
  /** http mode only, case-insensitive; the first value when repeated. */
  header?(name: string): string | undefined;
}

export interface Balancer {
  /** Next server, or undefined if none can take traffic. `exclude` = the server that just failed (redispatch). */
  pick(input: PickInput, exclude?: LbServer): LbServer | undefined;
  /** Call after any server's usable/weight/maxconn changed, or servers were appended. O(n log n), never on the request path. */
  update(): void;
  /** Runtime calls after incrementing s.active. */
  taken(s: LbServer): void;
  /** Runtime calls after decrementing s.active. */
  released(s: LbServer): void;
  /**
   * Where to queue if the server the last `pick` returned is full: true = on
   * that server, false = in the backend's queue. See the module comment.
   */
  readonly queueOnServer: boolean;
}

export interface BalancerOptions {
  /** `option allbackups` */
  allbackups: boolean;
  /** Uniform in [0, 1); used by `random` and nothing else. Defaults to Math.random. */
  random?: () => number;
}

/**
 * Builds the balancer of a backend. `servers` is in declaration order and
 * stays owned by the runtime: the balancer reads it again on every
 * `update()`, so servers may be appended later.
 *
 * @example
 * const servers: LbServer[] = [
 *   { name: 'a', id: 1, backup: false, weight: 1, usable: true, active: 0, maxconn: 0 },
 *   { name: 'b', id: 2, backup: false, weight: 2, usable: true, active: 0, maxconn: 0 },
 * ];
 * const lb = createBalancer({ kind: 'roundrobin' }, { method: 'map-based', function: 'sdbm', avalanche: false }, servers, { allbackups: false });
 * const s = lb.pick({ src: '127.0.0.1' }); // b, a, b, b, a, b ...
 */
export function createBalancer(
  algo: BalanceAlgorithm,
  hashType: HashType,
  servers: LbServer[],
  opts: BalancerOptions,
): Balancer {
  const { allbackups } = opts;
  switch (algo.kind) {
    case 'roundrobin':
      return new RoundRobin(servers, allbackups);
    case 'static-rr':
      return new StaticRoundRobin(servers, allbackups);
    case 'leastconn':
      return new LeastConn(servers, allbackups);
    case 'first':
      return new First(servers, allbackups);
    case 'random':
      return new RandomDraws(servers, allbackups, algo.draws, opts.random ?? Math.random);
    case 'source':
      return new HashBalancer(new SourceKey(hashType.avalanche), hashType.method, servers, allbackups);
    case 'uri':
      return new HashBalancer(new UriKey(algo, hashType), hashType.method, servers, allbackups);
    case 'url_param':
      return new HashBalancer(new UrlParamKey(algo.param, hashType), hashType.method, servers, allbackups);
    case 'hdr':
      return new HashBalancer(new HdrKey(algo.header, algo.useDomainOnly, hashType), hashType.method, servers, allbackups);
  }
}
