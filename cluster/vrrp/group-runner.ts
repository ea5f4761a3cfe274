// A sync group running for real: the pure VrrpSyncGroup over the members'
// machines, its decisions applied to the member instances, and the group's
// own transitions logged (`event: 'vrrp-sync-group'`) and notified with
// keepalived's `GROUP <name> <STATE> 0`.

import type { EventLogger } from '../../src/events/index.ts';
import type { VrrpGroupPort, VrrpInstance } from './instance.ts';
import { runNotify } from './notify.ts';
import type { VrrpAction } from './state-machine.ts';
import { VrrpSyncGroup, type VrrpGroupState } from './sync-group.ts';
import type { VrrpSyncGroupSettings } from './sync-groups.ts';

const STATE_WORD = { Master: 'MASTER', Backup: 'BACKUP', Fault: 'FAULT' } as const;

export class VrrpGroupRunner implements VrrpGroupPort {
  readonly settings: VrrpSyncGroupSettings;
  readonly #events: EventLogger;
  readonly #group: VrrpSyncGroup;
  readonly #instances = new Map<string, VrrpInstance>();
  #state: VrrpGroupState | undefined;
  #stopped = false;

  /** `previous`: the state of the group of this name before a reload, so an unchanged group is not notified again. */
  constructor(settings: VrrpSyncGroupSettings, events: EventLogger, previous?: VrrpGroupState) {
    this.settings = settings;
    this.#events = events;
    this.#group = new VrrpSyncGroup(settings.name, settings.members);
    this.#state = previous;
  }

  get state(): VrrpGroupState | undefined {
    return this.#group.state;
  }

  attach(instance: VrrpInstance): void {
    this.#instances.set(instance.name, instance);
    this.#group.attach(instance.name, instance.machine);
    // A reload may join running members: settle faults and a pending want-master at once.
    this.followed(instance.name, []);
  }

  followed(member: string, actions: readonly VrrpAction[]): void {
    if (this.#stopped) return;
    for (const next of this.#group.follow(member, actions)) this.#instances.get(next.member)?.applyGroupActions(next.actions);
    this.#noteState();
  }

  /** The group stops with the node: keepalived's group STOP notify. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#notify('STOP');
  }

  #noteState(): void {
    const state = this.#group.state;
    if (state === undefined || state === this.#state) return;
    const from = this.#state;
    this.#state = state;
    const fields = { event: 'vrrp-sync-group', group: this.settings.name, from: from ?? 'Initialize', to: state, members: this.settings.members };
    const line = `VRRP sync group ${this.settings.name}: ${from ?? 'Initialize'} -> ${state} (${this.settings.members.join(', ')})`;
    if (state === 'Fault') this.#events.warn(fields, line);
    else this.#events.info(fields, line);
    this.#notify(STATE_WORD[state]);
  }

  #notify(state: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP'): void {
    runNotify(this.settings.notify, { type: 'GROUP', name: this.settings.name }, state, 0, (msg) =>
      this.#events.warn({ event: 'vrrp-notify-error', group: this.settings.name }, `VRRP sync group ${this.settings.name}: ${msg}`),
    );
  }
}
