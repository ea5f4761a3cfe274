// One VRRP virtual router's state machine (RFC 5798 section 6.4, and RFC
// 3768 for v2), plus keepalived's Fault state for tracked failures and its
// sync groups (a member waits for its group before becoming Master; the
// group itself is sync-group.ts). Pure:
// it is told what happened (an event) and answers with what to do (actions);
// it holds no real timer, reads time from an injected clock, and never
// touches a socket or an address. Adapters apply the actions in order and
// synchronously (a re-armed or cancelled timer must not fire afterwards).
//
// @example
//   const m = new VrrpStateMachine({ version: 3, priority: 100, advertInterval: 100, primaryAddress: '10.0.0.2' }, clock);
//   apply(m.handle({ kind: 'startup' }));   // [transition Initialize->Backup, remove-vips, arm-timer master-down at T]
//   // ... when the adapter's timer for 'master-down' fires:
//   apply(m.handle({ kind: 'timer', timer: 'master-down' }));

import { newEpisode, yieldsTo, type SplitBrainEpisode } from './split-brain.ts';

export type VrrpState = 'Initialize' | 'Backup' | 'Master' | 'Fault';

/** The timers a virtual router runs: Adver_Timer, Master_Down_Timer, and the gratuitous ARP repeats of a master. */
export type VrrpTimer = 'adver' | 'master-down' | 'garp';

export interface VrrpClock {
  /** Milliseconds, fractional allowed, from any fixed origin. */
  now(): number;
}

/** Why a transition happened: stable words for logs, metrics and `show vrrp`. */
export type VrrpTransitionReason =
  | 'startup'
  | 'address-owner'
  | 'master-silent'
  | 'master-stopped'
  | 'preempt'
  | 'higher-priority'
  | 'tie-break'
  | 'shutdown'
  | 'fault'
  | 'recovered'
  /** A sync group moved this member with another one. */
  | 'sync-group';

export type VrrpEvent =
  | { kind: 'startup' }
  /**
   * Leaving. `handover`: a Master keeps its addresses (no remove-vips) so
   * the answers to connections it accepted can still leave; the adapter
   * removes them once the new master speaks.
   */
  | { kind: 'shutdown'; handover?: boolean }
  /**
   * A received advert that passed the codec and the receive checks. maxAdvertInterval in ms.
   * receivedAt: when the kernel received it (clock time), when known; the Master_Down_Timer
   * runs from then, not from when the event loop got to it.
   */
  | { kind: 'advert'; priority: number; maxAdvertInterval: number; srcAddr: string; receivedAt?: number }
  /** A timer armed by an 'arm-timer' action has reached its time. */
  | { kind: 'timer'; timer: VrrpTimer }
  /** Tracking changed: the effective priority (1-255) and whether a tracked object puts the router in Fault. */
  | { kind: 'tracking'; priority: number; fault: boolean; reason?: string }
  /** Reload: new values for this same virtual router. Changes only what they touch (a master stays master). */
  | { kind: 'reconfigure'; settings: VrrpReconfigurable }
  /** From the sync group: follow another member to Master (all want it) or to Backup (one was beaten). */
  | { kind: 'sync'; to: 'Master' | 'Backup'; message: string }
  /** From the sync group: another member is (or no longer is) in Fault. */
  | { kind: 'group-fault'; fault: boolean; reason?: string };

export type VrrpAction =
  /** Log it (one line, with the reason), count it, show it. */
  | { kind: 'transition'; from: VrrpState; to: VrrpState; reason: VrrpTransitionReason; message: string }
  /** Send an advert with this priority (0: we are stopping, take over after Skew_Time). */
  | { kind: 'send-advert'; priority: number }
  | { kind: 'add-vips' }
  /** Idempotent: also sent at startup, to clear addresses a killed master left behind. */
  | { kind: 'remove-vips' }
  /** Gratuitous ARP (IPv4) / unsolicited Neighbor Advertisement (IPv6) for every VIP, `count` times. */
  | { kind: 'announce'; count: number }
  /** Arm (or re-arm, replacing the previous time) a timer at absolute time `at` of the clock. */
  | { kind: 'arm-timer'; timer: VrrpTimer; at: number }
  | { kind: 'cancel-timer'; timer: VrrpTimer }
  /** A sync-group member's Master_Down_Timer ran out: it becomes Master when its group agrees (a 'sync' event). */
  | { kind: 'want-master' }
  /** While Master, another master's advert, one we beat (it yields when it hears us): log it at error, count it (once per episode). */
  | ({ kind: 'split-brain' } & SplitBrainEpisode);

export interface VrrpGarpSettings {
  /** ms after becoming master before the second burst of announcements; 0: none. */
  masterDelay: number;
  /** Announcements per burst. */
  masterRepeat: number;
  /** ms between single refresh announcements while master; 0: none. */
  masterRefresh: number;
}

export interface VrrpMachineOptions {
  version: 2 | 3;
  /** This router's configured priority, 1-255 (255: it owns the addresses). */
  priority: number;
  /** Advertisement_Interval in ms. */
  advertInterval: number;
  /** The address our adverts leave from; it breaks a priority tie (the higher wins). */
  primaryAddress: string;
  /** Preempt_Mode: take over from a lower-priority master (default true). */
  preempt?: boolean;
  /** ms during which a lower-priority master is still accepted, from startup or from first seeing it (default 0). */
  preemptDelay?: number;
  garp?: VrrpGarpSettings;
  /** A member of a sync group: Backup goes Master only with its group (default false). */
  inSyncGroup?: boolean;
}

/** What a reload may change without restarting the virtual router. */
export interface VrrpReconfigurable {
  /** The configured priority; the effective one follows with the next 'tracking' event. */
  priority: number;
  advertInterval: number;
  preempt: boolean;
  preemptDelay: number;
  garp: VrrpGarpSettings;
  inSyncGroup: boolean;
}

/** keepalived's defaults: 5 announcements at once, 5 more after 5 s, no refresh. */
export const DEFAULT_GARP: VrrpGarpSettings = { masterDelay: 5000, masterRepeat: 5, masterRefresh: 0 };

export class VrrpStateMachine {
  readonly #clock: VrrpClock;
  readonly #version: 2 | 3;
  readonly #primaryAddress: string;
  #configuredPriority: number;
  #advertInterval: number;
  #preempt: boolean;
  #preemptDelay: number;
  #garp: VrrpGarpSettings;
  #synced: boolean;

  #state: VrrpState = 'Initialize';
  #priority: number;
  /** A tracked object of ours fails. */
  #fault = false;
  /** Another member of our sync group is in Fault. */
  #groupFault = false;
  /** Sync group member: our Master_Down_Timer ran out and we wait for the group. */
  #wantMaster = false;
  #masterAdverInterval: number;
  #masterAddress: string | undefined;
  #masterPriority: number | undefined;
  /** Why the Master_Down_Timer will have fired, for the transition's reason. */
  #downCause: 'master-silent' | 'master-stopped' | 'preempt' = 'master-silent';
  /** Until when a lower-priority master is still accepted (preempt-delay). */
  #preemptDeadline: number | undefined;
  #garpPhase: 'second-burst' | 'refresh' = 'second-burst';
  /** The last advert from another master while we were Master (split-brain episodes). */
  #conflict: { peer: string; at: number } | undefined;
  #masterSince = 0;
  readonly #armed = new Map<VrrpTimer, number>();

  constructor(options: VrrpMachineOptions, clock: VrrpClock) {
    this.#clock = clock;
    this.#version = options.version;
    this.#configuredPriority = clampPriority(options.priority);
    this.#priority = this.#configuredPriority;
    this.#advertInterval = options.advertInterval;
    this.#primaryAddress = options.primaryAddress;
    this.#preempt = options.preempt ?? true;
    this.#preemptDelay = options.preemptDelay ?? 0;
    this.#garp = options.garp ?? DEFAULT_GARP;
    this.#synced = options.inSyncGroup ?? false;
    this.#masterAdverInterval = this.#advertInterval;
  }

  get state(): VrrpState {
    return this.#state;
  }

  /** The effective priority (after tracking). */
  get priority(): number {
    return this.#priority;
  }

  get configuredPriority(): number {
    return this.#configuredPriority;
  }

  /** In Fault or heading there: a tracked object fails, ours or (sync group) another member's. */
  get fault(): boolean {
    return this.#fault || this.#groupFault;
  }

  /** A tracked object of this router fails (what its sync group follows). */
  get ownFault(): boolean {
    return this.#fault;
  }

  /** Another member of our sync group is in Fault (as far as the group told us). */
  get groupFault(): boolean {
    return this.#groupFault;
  }

  /** Master, or a sync-group member whose Master_Down_Timer ran out: what the group needs of every member to go Master. */
  get wantsMaster(): boolean {
    return this.#state === 'Master' || (this.#state === 'Backup' && this.#wantMaster && !this.fault);
  }

  /** v3: learned from the master's adverts while Backup; v2: always our own interval. */
  get masterAdverInterval(): number {
    return this.#masterAdverInterval;
  }

  /** Skew_Time: v3 ((256 - Priority) * Master_Adver_Interval) / 256; v2 (256 - Priority) / 256 s. */
  get skewTime(): number {
    const unit = this.#version === 3 ? this.#masterAdverInterval : 1000;
    return ((256 - this.#priority) * unit) / 256;
  }

  /** Master_Down_Interval: 3 * Master_Adver_Interval + Skew_Time. */
  get masterDownInterval(): number {
    return 3 * this.#masterAdverInterval + this.skewTime;
  }

  /** The current master's address as far as we know (ours when Master). */
  get masterAddress(): string | undefined {
    return this.#masterAddress;
  }

  get masterPriority(): number | undefined {
    return this.#masterPriority;
  }

  /** When each armed timer is due. */
  timers(): ReadonlyMap<VrrpTimer, number> {
    return this.#armed;
  }

  handle(event: VrrpEvent): VrrpAction[] {
    const out: VrrpAction[] = [];
    switch (event.kind) {
      case 'startup':
        if (this.#state !== 'Initialize') break;
        if (this.fault) {
          this.#transition(out, 'Fault', 'fault', 'started while a tracked object is failing');
          out.push({ kind: 'remove-vips' });
        } else this.#leaveInitialize(out, this.#priority === 255 ? 'address-owner' : 'startup');
        break;
      case 'shutdown':
        this.#shutdown(out, event.handover === true);
        break;
      case 'advert':
        this.#advert(out, event.priority, event.maxAdvertInterval, event.srcAddr, this.#receivedAt(event.receivedAt));
        break;
      case 'timer':
        this.#timer(out, event.timer);
        break;
      case 'tracking':
        this.#tracking(out, event.priority, event.fault, event.reason);
        break;
      case 'reconfigure':
        this.#reconfigure(out, event.settings);
        break;
      case 'sync':
        this.#sync(out, event.to, event.message);
        break;
      case 'group-fault': {
        const was = this.fault;
        this.#groupFault = event.fault;
        this.#faultChanged(out, was, 'sync-group', event.reason ?? 'another member of the sync group is in Fault');
        break;
      }
    }
    return out;
  }

  #now(): number {
    return this.#clock.now();
  }

  /** A receive time no later than now; undefined (then now) when not given or not a number. */
  #receivedAt(at: number | undefined): number {
    const now = this.#now();
    return at !== undefined && Number.isFinite(at) && at < now ? at : now;
  }

  #arm(out: VrrpAction[], timer: VrrpTimer, delay: number, from = this.#now()): void {
    const at = from + delay;
    this.#armed.set(timer, at);
    out.push({ kind: 'arm-timer', timer, at });
  }

  #cancel(out: VrrpAction[], timer: VrrpTimer): void {
    if (this.#armed.delete(timer)) out.push({ kind: 'cancel-timer', timer });
  }

  #transition(out: VrrpAction[], to: VrrpState, reason: VrrpTransitionReason, message: string): void {
    out.push({ kind: 'transition', from: this.#state, to, reason, message });
    this.#state = to;
  }

  /** RFC 5798 6.4.1, also the way out of Fault. */
  #leaveInitialize(out: VrrpAction[], reason: VrrpTransitionReason): void {
    if (this.#priority === 255) {
      this.#becomeMaster(out, reason, reason === 'recovered' ? 'tracked objects are back; we own the addresses' : 'priority 255: we own the addresses');
      return;
    }
    this.#transition(out, 'Backup', reason, reason === 'recovered' ? 'tracked objects are back' : 'waiting for the master');
    // A master killed without a chance to clean up leaves its VIPs configured.
    out.push({ kind: 'remove-vips' });
    this.#masterAdverInterval = this.#advertInterval;
    this.#masterAddress = undefined;
    this.#masterPriority = undefined;
    this.#downCause = 'master-silent';
    this.#wantMaster = false;
    this.#preemptDeadline = this.#preemptDelay > 0 ? this.#now() + this.#preemptDelay : undefined;
    this.#arm(out, 'master-down', this.masterDownInterval);
  }

  #becomeMaster(out: VrrpAction[], reason: VrrpTransitionReason, message: string): void {
    this.#wantMaster = false;
    this.#transition(out, 'Master', reason, message);
    this.#masterSince = this.#now();
    this.#cancel(out, 'master-down');
    out.push({ kind: 'send-advert', priority: this.#priority });
    out.push({ kind: 'add-vips' });
    out.push({ kind: 'announce', count: this.#garp.masterRepeat });
    this.#arm(out, 'adver', this.#advertInterval);
    this.#masterAddress = this.#primaryAddress;
    this.#masterPriority = this.#priority;
    this.#preemptDeadline = undefined;
    if (this.#garp.masterDelay > 0) {
      this.#garpPhase = 'second-burst';
      this.#arm(out, 'garp', this.#garp.masterDelay);
    } else if (this.#garp.masterRefresh > 0) {
      this.#garpPhase = 'refresh';
      this.#arm(out, 'garp', this.#garp.masterRefresh);
    }
  }

  /** Leaves Master quietly (a better master exists) or loudly (priority 0: stopping, fault). */
  #leaveMaster(out: VrrpAction[], stopping: boolean): void {
    this.#cancel(out, 'adver');
    this.#cancel(out, 'garp');
    if (stopping) out.push({ kind: 'send-advert', priority: 0 });
    out.push({ kind: 'remove-vips' });
  }

  #shutdown(out: VrrpAction[], handover: boolean): void {
    switch (this.#state) {
      case 'Master':
        if (handover) {
          this.#transition(out, 'Initialize', 'shutdown', 'shutting down: priority 0 sent, addresses held until the new master speaks');
          this.#cancel(out, 'adver');
          this.#cancel(out, 'garp');
          out.push({ kind: 'send-advert', priority: 0 });
          break;
        }
        this.#transition(out, 'Initialize', 'shutdown', 'shutting down: priority 0 sent, backups take over after their Skew_Time');
        this.#leaveMaster(out, true);
        break;
      case 'Backup':
        this.#transition(out, 'Initialize', 'shutdown', 'shutting down');
        this.#cancel(out, 'master-down');
        break;
      case 'Fault':
        this.#transition(out, 'Initialize', 'shutdown', 'shutting down');
        break;
      case 'Initialize':
        break;
    }
    this.#masterAddress = undefined;
    this.#masterPriority = undefined;
  }

  #advert(out: VrrpAction[], priority: number, interval: number, src: string, receivedAt: number): void {
    if (!(Number.isInteger(priority) && priority >= 0 && priority <= 255) || !(interval > 0 && Number.isFinite(interval))) return;
    if (src === this.#primaryAddress) return; // our own, looped back
    if (this.#state === 'Backup') {
      if (priority === 0) {
        // RFC 5798 6.4.2: the master is stopping; take over after Skew_Time unless someone better speaks first.
        this.#downCause = 'master-stopped';
        this.#arm(out, 'master-down', this.skewTime, receivedAt);
        return;
      }
      if (!this.#preempt || priority >= this.#priority || this.#stillDelayingPreemption(priority)) {
        if (this.#version === 3) this.#masterAdverInterval = interval;
        this.#masterAddress = src;
        this.#masterPriority = priority;
        this.#downCause = 'master-silent';
        this.#wantMaster = false;
        if (priority > this.#priority) this.#preemptDeadline = undefined;
        this.#arm(out, 'master-down', this.masterDownInterval, receivedAt);
        return;
      }
      // A lower-priority master and we preempt: let the Master_Down_Timer run out (RFC: discard the advert).
      this.#downCause = 'preempt';
      return;
    }
    if (this.#state === 'Master') {
      if (priority === 0) {
        // Another router thinks it is master and is stopping (or yielding to us, having been master unheard): make sure
        // backups hear us at once.
        this.#splitBrain(out, src, priority);
        out.push({ kind: 'send-advert', priority: this.#priority });
        this.#arm(out, 'adver', this.#advertInterval);
        return;
      }
      const higher = priority > this.#priority;
      if (!yieldsTo({ priority: this.#priority, address: this.#primaryAddress }, { priority, address: src })) {
        // A master we beat still advertising: two masters.
        this.#splitBrain(out, src, priority);
        // RFC 5798 says discard it; answering at once makes the other master yield now rather than at our next advert.
        out.push({ kind: 'send-advert', priority: this.#priority });
        this.#arm(out, 'adver', this.#advertInterval);
        return;
      }
      this.#transition(
        out,
        'Backup',
        higher ? 'higher-priority' : 'tie-break',
        higher
          ? `${src} advertises priority ${priority}, above our ${this.#priority}; priority 0 sent`
          : `${src} advertises our priority ${priority} and has the higher address; priority 0 sent`,
      );
      // Priority 0 (beyond RFC 5798, which leaves quietly): the new master learns that we were master too. After a
      // preemption it hears this at once; after a split brain, long after taking over: then it knows (#splitBrain).
      this.#leaveMaster(out, true);
      if (this.#version === 3) this.#masterAdverInterval = interval;
      this.#masterAddress = src;
      this.#masterPriority = priority;
      this.#downCause = 'master-silent';
      this.#arm(out, 'master-down', this.masterDownInterval, receivedAt);
    }
  }

  /**
   * Another master heard while we are Master: its adverts (one we beat) or
   * its priority 0 (it stepped down, or stops). A split brain when we have
   * been master longer than 3 advert intervals: the other one took over only
   * after missing our adverts for its Master_Down_Interval, so anything
   * sooner is its last packet crossing our takeover (a preemption).
   */
  #splitBrain(out: VrrpAction[], src: string, priority: number): void {
    const now = this.#now();
    if (now - this.#masterSince <= 3 * this.#advertInterval) return;
    if (newEpisode(this.#conflict, src, now, this.masterDownInterval)) {
      out.push({ kind: 'split-brain', peer: src, peerPriority: priority, priority: this.#priority });
      // While we could not hear each other, its announcements took the clients: take them back.
      out.push({ kind: 'announce', count: this.#garp.masterRepeat });
    }
    this.#conflict = { peer: src, at: now };
  }

  /** preempt-delay: a lower-priority master is accepted until the delay has run, counted from startup or from first seeing it. */
  #stillDelayingPreemption(priority: number): boolean {
    if (this.#preemptDelay <= 0 || priority >= this.#priority) return false;
    this.#preemptDeadline ??= this.#now() + this.#preemptDelay;
    return this.#now() < this.#preemptDeadline;
  }

  #timer(out: VrrpAction[], timer: VrrpTimer): void {
    if (!this.#armed.has(timer)) return; // cancelled or never armed
    this.#armed.delete(timer);
    if (timer === 'master-down' && this.#state === 'Backup') {
      if (this.#synced) {
        // keepalived's rule: a member goes Master only when every member wants to; until then it keeps waiting.
        this.#wantMaster = true;
        out.push({ kind: 'want-master' });
        this.#arm(out, 'master-down', this.masterDownInterval);
        return;
      }
      this.#becomeMaster(out, this.#downCause, this.#downMessage());
    } else if (timer === 'adver' && this.#state === 'Master') {
      out.push({ kind: 'send-advert', priority: this.#priority });
      this.#arm(out, 'adver', this.#advertInterval);
    } else if (timer === 'garp' && this.#state === 'Master') {
      const second = this.#garpPhase === 'second-burst';
      out.push({ kind: 'announce', count: second ? this.#garp.masterRepeat : 1 });
      if (this.#garp.masterRefresh > 0) {
        this.#garpPhase = 'refresh';
        this.#arm(out, 'garp', this.#garp.masterRefresh);
      }
    }
  }

  #downMessage(): string {
    const master = this.#masterAddress !== undefined ? ` (${this.#masterAddress})` : '';
    switch (this.#downCause) {
      case 'master-stopped':
        return `the master${master} sent priority 0; Skew_Time ${this.skewTime} ms passed`;
      case 'preempt':
        return `preempting the lower-priority master${master}: Master_Down_Interval ${this.masterDownInterval} ms without an advert we accept`;
      default:
        return `no advert from the master${master} for Master_Down_Interval ${this.masterDownInterval} ms`;
    }
  }

  #tracking(out: VrrpAction[], priority: number, fault: boolean, reason: string | undefined): void {
    const previous = this.#priority;
    if (Number.isFinite(priority)) this.#priority = clampPriority(priority);
    if (fault !== this.#fault) {
      const was = this.fault;
      this.#fault = fault;
      this.#faultChanged(out, was, fault ? 'fault' : 'recovered', reason ?? 'a tracked object failed');
      return;
    }
    if (this.#priority !== previous && this.#state === 'Master') {
      // Tell backups now: one that preempts starts counting down an advert interval sooner.
      out.push({ kind: 'send-advert', priority: this.#priority });
      this.#arm(out, 'adver', this.#advertInterval);
    }
  }

  /** Enters or leaves Fault when the effective fault (ours or our group's) changed from `was`. */
  #faultChanged(out: VrrpAction[], was: boolean, reason: VrrpTransitionReason, why: string): void {
    const now = this.fault;
    if (now && !was) {
      if (this.#state === 'Master') {
        this.#transition(out, 'Fault', reason, `${why}; priority 0 sent`);
        this.#leaveMaster(out, true);
      } else if (this.#state === 'Backup') {
        this.#transition(out, 'Fault', reason, why);
        this.#cancel(out, 'master-down');
      }
    } else if (!now && was && this.#state === 'Fault') {
      this.#leaveInitialize(out, reason === 'sync-group' ? 'sync-group' : 'recovered');
    }
  }

  #reconfigure(out: VrrpAction[], next: VrrpReconfigurable): void {
    this.#configuredPriority = clampPriority(next.priority);
    this.#preempt = next.preempt;
    this.#preemptDelay = next.preemptDelay;
    this.#garp = { ...next.garp };
    this.#synced = next.inSyncGroup;
    if (!this.#synced) {
      this.#wantMaster = false;
      if (this.#groupFault) {
        const was = this.fault;
        this.#groupFault = false;
        this.#faultChanged(out, was, 'sync-group', 'no longer in a sync group');
      }
    }
    if (next.advertInterval === this.#advertInterval || !(next.advertInterval > 0)) return;
    this.#advertInterval = next.advertInterval;
    if (this.#version === 2) this.#masterAdverInterval = next.advertInterval;
    if (this.#state === 'Master') {
      // The new interval reaches the backups with this advert (v3: they learn it at once).
      out.push({ kind: 'send-advert', priority: this.#priority });
      this.#arm(out, 'adver', this.#advertInterval);
    }
  }

  #sync(out: VrrpAction[], to: 'Master' | 'Backup', message: string): void {
    if (to === 'Master') {
      if (this.#state !== 'Backup' || this.fault) return;
      // The member whose own timer ran out keeps its reason; the others follow it.
      if (this.#wantMaster) this.#becomeMaster(out, this.#downCause, `${this.#downMessage()}; ${message}`);
      else this.#becomeMaster(out, 'sync-group', message);
      return;
    }
    if (this.#state !== 'Master') return;
    // Priority 0: the other node's members take over after Skew_Time, all together, instead of one Master_Down_Interval later.
    this.#transition(out, 'Backup', 'sync-group', `${message}; priority 0 sent`);
    this.#leaveMaster(out, true);
    this.#masterAddress = undefined;
    this.#masterPriority = undefined;
    this.#downCause = 'master-silent';
    this.#wantMaster = false;
    this.#arm(out, 'master-down', this.masterDownInterval);
  }
}

function clampPriority(p: number): number {
  return Math.min(255, Math.max(1, Math.round(p)));
}
