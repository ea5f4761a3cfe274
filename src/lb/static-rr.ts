// `balance static-rr`: each server in turn according to its weight, walking
// HAProxy's weighted map (see map-based.ts). Static: weights are the initial
// ones, a weight change only matters as 0 (out) or not (in), and a server
// coming back is in the rotation at once since the whole map is rebuilt.
// Full servers are skipped while another has room.

import type { Balancer, LbServer, PickInput } from './index.ts';
import { ServerMap } from './map-based.ts';
import { chooseGroup, type GroupChoice } from './server-groups.ts';
import { StaticWeights } from './static-weights.ts';

export class StaticRoundRobin implements Balancer {
  queueOnServer = false;
  readonly #servers: LbServer[];
  readonly #allbackups: boolean;
  readonly #weights = new StaticWeights();
  readonly #map = new ServerMap();
  readonly #actives: LbServer[] = [];
  readonly #backups: LbServer[] = [];
  #choice: GroupChoice = { kind: 'none', members: [], single: undefined };

  constructor(servers: LbServer[], allbackups: boolean) {
    this.#servers = servers;
    this.#allbackups = allbackups;
    this.update();
  }

  pick(_input: PickInput, exclude?: LbServer): LbServer | undefined {
    const choice = this.#choice;
    if (choice.kind === 'single') {
      this.queueOnServer = true;
      return choice.single;
    }
    this.queueOnServer = false;
    return this.#map.nextRoundRobin(exclude) ?? this.#map.atCursor();
  }

  update(): void {
    const servers = this.#servers;
    this.#weights.capture(servers);
    const choice = chooseGroup(servers, this.#allbackups, this.#actives, this.#backups, this.#weights.initial);
    this.#choice = choice;
    const members = choice.kind === 'active' || choice.kind === 'backups' ? choice.members : [];
    this.#map.build(members, this.#weights.of(members));
  }

  taken(_s: LbServer): void {}

  released(_s: LbServer): void {}
}
