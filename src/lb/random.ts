// `balance random(draws)`: power of N random choices. Each draw is a random
// 32-bit key looked up on the consistent-hash ring (so weights count and
// weight changes apply at once); of the servers drawn, the one with the
// fewest active connections for its weight wins (a later draw keeps its
// place on a tie). As HAProxy's get_server_rnd: a winner that is full is not
// replaced by another draw, the request waits in the backend queue instead
// (`queueOnServer` false).

import type { Balancer, LbServer, PickInput } from './index.ts';
import { HashRing } from './consistent.ts';
import { chooseGroup, scaledWeight, type GroupChoice } from './server-groups.ts';

const TWO_POW_32 = 2 ** 32;

export class RandomDraws implements Balancer {
  readonly queueOnServer = false;
  readonly #servers: LbServer[];
  readonly #allbackups: boolean;
  readonly #draws: number;
  readonly #random: () => number;
  readonly #ring = new HashRing();
  readonly #actives: LbServer[] = [];
  readonly #backups: LbServer[] = [];
  #choice: GroupChoice = { kind: 'none', members: [], single: undefined };

  constructor(servers: LbServer[], allbackups: boolean, draws: number, random: () => number) {
    this.#servers = servers;
    this.#allbackups = allbackups;
    this.#draws = Math.max(1, Math.floor(draws));
    this.#random = random;
    this.update();
  }

  pick(_input: PickInput, exclude?: LbServer): LbServer | undefined {
    if (this.#choice.kind === 'single') return this.#choice.single;
    const ring = this.#ring;
    let best: LbServer | undefined;
    for (let d = 0; d < this.#draws; d++) {
      const drawn = ring.lookup(Math.floor(this.#random() * TWO_POW_32) >>> 0, exclude);
      if (drawn === undefined) break;
      // Compare active/weight without dividing: keep the earlier pick only when strictly lighter.
      if (best === undefined || best === drawn || drawn.active * scaledWeight(best) <= best.active * scaledWeight(drawn)) best = drawn;
    }
    return best;
  }

  update(): void {
    const choice = chooseGroup(this.#servers, this.#allbackups, this.#actives, this.#backups);
    this.#choice = choice;
    this.#ring.build(choice.kind === 'active' || choice.kind === 'backups' ? choice.members : []);
  }

  taken(_s: LbServer): void {}

  released(_s: LbServer): void {}
}
