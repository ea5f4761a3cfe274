// The hash algorithms (`balance source | uri | url_param | hdr`): a key taken
// from the request is hashed and mapped onto the servers, with hash-type
// map-based (the default: HAProxy's static weighted table, key % total
// weight) or consistent (the hash ring). When the request has no key (no
// such parameter or header, tcp mode for uri), HAProxy falls back to round
// robin over the same table or ring, skipping full servers; so do we.

import type { Balancer, LbServer, PickInput } from './index.ts';
import type { HashType } from '../config/model.ts';
import { ServerMap } from './map-based.ts';
import { HashRing } from './consistent.ts';
import { chooseGroup, type GroupChoice } from './server-groups.ts';
import { StaticWeights } from './static-weights.ts';

/** Extracts and hashes one algorithm's key. */
export interface KeyHasher {
  /** The key's 32-bit hash, or -1 when the request has no key. */
  hash(input: PickInput): number;
}

export class HashBalancer implements Balancer {
  queueOnServer = false;
  readonly #key: KeyHasher;
  readonly #servers: LbServer[];
  readonly #allbackups: boolean;
  /** One of the two is used, as hash-type says. */
  readonly #map: ServerMap | undefined;
  readonly #ring: HashRing | undefined;
  readonly #weights = new StaticWeights();
  readonly #actives: LbServer[] = [];
  readonly #backups: LbServer[] = [];
  #choice: GroupChoice = { kind: 'none', members: [], single: undefined };

  constructor(key: KeyHasher, method: HashType['method'], servers: LbServer[], allbackups: boolean) {
    this.#key = key;
    this.#servers = servers;
    this.#allbackups = allbackups;
    if (method === 'consistent') this.#ring = new HashRing();
    else this.#map = new ServerMap();
    this.update();
  }

  pick(input: PickInput, exclude?: LbServer): LbServer | undefined {
    const choice = this.#choice;
    if (choice.kind === 'single') {
      this.queueOnServer = true;
      return choice.single;
    }
    if (choice.kind === 'none') return undefined;
    const hash = this.#key.hash(input);
    const map = this.#map;
    const ring = this.#ring!;
    if (hash >= 0) {
      this.queueOnServer = true;
      return map !== undefined ? map.byHash(hash) : ring.lookup(hash, exclude);
    }
    this.queueOnServer = false;
    if (map !== undefined) return map.nextRoundRobin(exclude) ?? map.atCursor();
    return ring.nextRoundRobin(exclude) ?? ring.afterLast();
  }

  update(): void {
    const servers = this.#servers;
    const map = this.#map;
    if (map !== undefined) {
      this.#weights.capture(servers);
      const choice = chooseGroup(servers, this.#allbackups, this.#actives, this.#backups, this.#weights.initial);
      this.#choice = choice;
      const members = choice.kind === 'active' || choice.kind === 'backups' ? choice.members : [];
      map.build(members, this.#weights.of(members));
    } else {
      const choice = chooseGroup(servers, this.#allbackups, this.#actives, this.#backups);
      this.#choice = choice;
      this.#ring!.build(choice.kind === 'active' || choice.kind === 'backups' ? choice.members : []);
    }
  }

  taken(_s: LbServer): void {}

  released(_s: LbServer): void {}
}
