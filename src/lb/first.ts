// `balance first`: the usable server with the lowest id that still has a
// free connection slot under its maxconn gets the connection, so that as few
// servers as possible are busy (HAProxy's lb_fas.c). Weights only matter as
// 0 (out) or not. A server without maxconn never fills up.

import type { Balancer, LbServer, PickInput } from './index.ts';
import { isFull } from './saturation.ts';
import { chooseGroup, type GroupChoice } from './server-groups.ts';

function byId(a: LbServer, b: LbServer): number {
  return a.id - b.id;
}

export class First implements Balancer {
  queueOnServer = false;
  readonly #servers: LbServer[];
  readonly #allbackups: boolean;
  readonly #actives: LbServer[] = [];
  readonly #backups: LbServer[] = [];
  #choice: GroupChoice = { kind: 'none', members: [], single: undefined };
  /** The servers taking traffic, by id. */
  #order: LbServer[] = [];

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
    const order = this.#order;
    let avoided: LbServer | undefined;
    for (let i = 0; i < order.length; i++) {
      const s = order[i]!;
      if (isFull(s)) continue;
      if (s !== exclude) return s;
      avoided = s;
    }
    // All full: the first stands for the backend queue.
    return avoided ?? order[0];
  }

  update(): void {
    const choice = chooseGroup(this.#servers, this.#allbackups, this.#actives, this.#backups);
    this.#choice = choice;
    this.#order = choice.kind === 'active' || choice.kind === 'backups' ? [...choice.members].sort(byId) : [];
  }

  taken(_s: LbServer): void {}

  released(_s: LbServer): void {}
}
