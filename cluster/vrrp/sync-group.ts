// A sync group: virtual routers of this node that fail over together, as
// keepalived's vrrp_sync_group. Pure: it holds the members' state machines
// and, after one member handled an event, answers with what every member
// must do next. keepalived's rules:
// - a member in Fault puts every member in Fault until no member's own
//   tracked objects fail;
// - a member beaten by a higher-priority master (Master -> Backup) takes the
//   group's masters to Backup (they send priority 0, so the other node's
//   members take over together after Skew_Time);
// - a member goes Master only when every member wants to (Master already,
//   or its own Master_Down_Timer ran out), and then they all go together.
//
// @example
//   const g = new VrrpSyncGroup('edge', ['web', 'db']);
//   g.attach('web', webMachine); g.attach('db', dbMachine);
//   for (const { member, actions } of g.follow('web', webMachine.handle(event))) apply(member, actions);

import type { VrrpAction, VrrpEvent, VrrpState, VrrpStateMachine } from './state-machine.ts';

export type VrrpGroupState = 'Master' | 'Backup' | 'Fault';

export interface VrrpMemberActions {
  member: string;
  actions: VrrpAction[];
}

/** Sync events cascade at most once per member and rule; this bounds a misbehaving cascade anyway. */
const MAX_FOLLOW_STEPS = 1000;

export class VrrpSyncGroup {
  readonly name: string;
  /** Every member named by the configuration; a member without a machine yet counts as not ready. */
  readonly #members = new Map<string, VrrpStateMachine | undefined>();

  constructor(name: string, members: readonly string[]) {
    this.name = name;
    for (const m of members) this.#members.set(m, undefined);
  }

  get members(): string[] {
    return [...this.#members.keys()];
  }

  attach(member: string, machine: VrrpStateMachine): void {
    if (this.#members.has(member)) this.#members.set(member, machine);
  }

  /**
   * The group as a whole: Fault when a member is, Master when all are,
   * Backup when all are running and not all Master; undefined while a member
   * is not running (Initialize).
   */
  get state(): VrrpGroupState | undefined {
    const states: VrrpState[] = [];
    for (const m of this.#members.values()) states.push(m?.state ?? 'Initialize');
    if (states.includes('Fault')) return 'Fault';
    if (states.includes('Initialize')) return undefined;
    return states.every((s) => s === 'Master') ? 'Master' : 'Backup';
  }

  /**
   * `from` handled an event and produced `actions` (which its adapter
   * applies itself): the actions the group's rules then make the members
   * (including `from`) take, in the order to apply them.
   */
  follow(from: string, actions: readonly VrrpAction[]): VrrpMemberActions[] {
    const out: VrrpMemberActions[] = [];
    const queue: Array<{ member: string; actions: readonly VrrpAction[] }> = [{ member: from, actions }];
    const send = (member: string, machine: VrrpStateMachine, event: VrrpEvent): void => {
      const produced = machine.handle(event);
      if (produced.length === 0) return;
      out.push({ member, actions: produced });
      queue.push({ member, actions: produced });
    };
    for (let steps = 0; queue.length > 0 && steps < MAX_FOLLOW_STEPS; steps++) {
      const { member, actions: done } = queue.shift()!;
      for (const a of done) {
        if (a.kind === 'transition' && a.from === 'Master' && a.to === 'Backup' && a.reason !== 'sync-group') {
          for (const [name, m] of this.#members) {
            if (name !== member && m?.state === 'Master') {
              send(name, m, { kind: 'sync', to: 'Backup', message: `sync group ${this.name}: ${member} went Backup (${a.reason})` });
            }
          }
        } else if (a.kind === 'want-master' || (a.kind === 'transition' && a.to === 'Master')) {
          if (!this.#allWantMaster()) continue;
          for (const [name, m] of this.#members) {
            if (m?.state === 'Backup') send(name, m, { kind: 'sync', to: 'Master', message: `sync group ${this.name} goes Master with ${member}` });
          }
        }
      }
      this.#syncFaults(send);
    }
    return out;
  }

  #allWantMaster(): boolean {
    for (const m of this.#members.values()) if (m === undefined || !m.wantsMaster) return false;
    return true;
  }

  /** Each member's group fault: does another member's own tracking fail? */
  #syncFaults(send: (member: string, machine: VrrpStateMachine, event: VrrpEvent) => void): void {
    const faulty: string[] = [];
    for (const [name, m] of this.#members) if (m?.ownFault === true) faulty.push(name);
    for (const [name, m] of this.#members) {
      if (m === undefined) continue;
      const others = faulty.filter((f) => f !== name);
      const want = others.length > 0;
      if (want === m.groupFault) continue;
      send(name, m, { kind: 'group-fault', fault: want, reason: want ? `sync group ${this.name}: ${others.join(', ')} in Fault` : `sync group ${this.name}: no member in Fault` });
    }
  }
}
