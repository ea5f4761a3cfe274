// One virtual router running for real: the pure state machine driven by
// monotonic timers, a transport (raw IP 112 or UDP), the VIP/ARP adapter,
// the tracking probes (interfaces, backends, scripts, files), notify
// commands and, for a sync-group member, its group. Actions are applied in
// the order the machine gives them and synchronously (a re-armed timer
// never fires for its old time). Every transition is one log line with
// `event: 'vrrp-transition'` and its reason; counters and a status snapshot
// feed `show vrrp` and metrics. A reload hands it new settings
// (reconfigure): what changed is applied in place, nothing else moves.
//
// @example
//   const vr = await VrrpInstance.start({ settings, events, backends });
//   vr.status().state;  // 'Backup'
//   await vr.stop();    // priority 0 if Master, VIPs removed, socket closed

import type { EventLogger } from '../../src/events/index.ts';
import { VrrpAdapterError } from './adapter-error.ts';
import type { AdvertSink, AdvertTransport, TransportOptions } from './advert-transport.ts';
import { VirtualAddresses } from './addresses.ts';
import type { VrrpAdvertFields, VrrpDecodeResult } from './codec.ts';
import type { VrrpDrop } from './drop.ts';
import { FileTracker } from './file-tracker.ts';
import { interfaceIsUp, readInterface, sourceAddress } from './interface-info.ts';
import { notifyState, runNotify } from './notify.ts';
import { openAdvertTransport } from './open-transport.ts';
import { claimVerdict, reportDelay, type VrrpClaim } from './peer-claim.ts';
import { checkReceivedAdvert, type ReceiveContext } from './receive-check.ts';
import { ScriptTracker } from './script-tracker.ts';
import { reconfigurable, settingsChanges } from './settings-change.ts';
import { newEpisode } from './split-brain.ts';
import type { VrrpSettings } from './settings.ts';
import {
  VrrpStateMachine,
  type VrrpAction,
  type VrrpClock,
  type VrrpEvent,
  type VrrpState,
  type VrrpTimer,
  type VrrpTransitionReason,
} from './state-machine.ts';
import { trackedPriority, type TrackedObjectState, type TrackedPriority } from './tracking.ts';
import { warmTakeoverPath } from './warm-up.ts';

/** What the engine tells the cluster about its backends (HAProxy's nbsrv). */
export interface BackendHealth {
  /** Servers able to take traffic now; undefined for a backend that does not exist. */
  usableServers(backend: string): number | undefined;
}

/** A sync group as an instance sees it (group-runner.ts): it learns the machine before start-up, then every batch of actions. */
export interface VrrpGroupPort {
  attach(instance: VrrpInstance): void;
  /** `member` handled an event and applied `actions`; the group applies what follows to its members. */
  followed(member: string, actions: readonly VrrpAction[]): void;
}

export interface VrrpInstanceOptions {
  settings: VrrpSettings;
  events: EventLogger;
  /** Default: openAdvertTransport (raw or UDP as the settings say). */
  openTransport?(options: TransportOptions): Promise<AdvertTransport>;
  backends?: BackendHealth;
  clock?: VrrpClock;
  /** The sync group this router is in (settings.syncGroup). */
  group?: VrrpGroupPort;
  /** Called after each transition and priority change (the peers channel announces the router's claim at once). */
  onChange?: () => void;
}

export interface VrrpInstanceStatus {
  name: string;
  interface: string;
  vrid: number;
  version: 2 | 3;
  transport: 'raw' | 'udp';
  state: VrrpState;
  configuredPriority: number;
  /** After tracking. */
  priority: number;
  fault: boolean;
  /** Why the priority differs from the configured one, or why in Fault. */
  trackingReason: string | undefined;
  syncGroup: string | undefined;
  sourceAddress: string;
  masterAddress: string | undefined;
  masterPriority: number | undefined;
  /** ms */
  advertInterval: number;
  masterAdverInterval: number;
  skewTime: number;
  masterDownInterval: number;
  virtualAddresses: string[];
  /** We asked the kernel to hold the VIPs. */
  holdingAddresses: boolean;
  advertsSent: number;
  advertsReceived: number;
  transitions: number;
  lastTransition: { from: VrrpState; to: VrrpState; reason: VrrpTransitionReason; at: string } | undefined;
  /** Packets not used, by code (HAWSER_VRRP_...), including normal ones (another VRID). */
  drops: Record<string, number>;
  /** Drops that are errors (bad packets, mismatched configuration). */
  receiveErrors: number;
  transportErrors: number;
  addressErrors: number;
  /** Split-brain episodes seen (another master's adverts while we were Master), and the last one. */
  splitBrains: number;
  /** Of splitBrains, those seen through the peers channel while the VRRP path between the two masters was cut. */
  splitBrainsViaPeers: number;
  lastSplitBrain: { peer: string; peerPriority: number; priority: number; at: string; via?: 'vrrp' | 'peers' } | undefined;
}

/** How often a drop code is logged again while it keeps happening. */
const DROP_LOG_INTERVAL = 10_000;
const TIMERS: readonly VrrpTimer[] = ['adver', 'master-down', 'garp'];
/** Sources whose last advert time is kept (for peers' claims); more are forgotten, oldest first. */
const HEARD_MAX = 64;

function isAddressAction(a: VrrpAction): boolean {
  return a.kind === 'add-vips' || a.kind === 'remove-vips' || a.kind === 'announce';
}
/** The master-down timer's last millisecond is waited in event-loop turns (a few µs each): at most this many. */
const MAX_TIMER_TURNS = 5000;
/** Time left before a master-down timer (ms) that warming the takeover path may take. */
const WARM_BEFORE = 0.5;
/** The oldest kernel receive stamp believed, ms: beyond it the wall clock has more likely been stepped. */
const MAX_RECEIVE_AGE = 1000;
/**
 * After the new master's first advert, a stopping master keeps its
 * addresses for one advert interval, at most this long: answers to requests
 * it accepted just before the clients switched can still leave (a backend
 * round trip, or more on a busy node). Short, because meanwhile both nodes
 * hold the address (a host resolving it anew could get our MAC; the new
 * master's second announcement burst corrects it).
 */
const HANDOVER_LINGER_MAX_MS = 200;

export class VrrpInstance implements AdvertSink {
  #s: VrrpSettings;
  readonly #events: EventLogger;
  readonly #clock: VrrpClock;
  readonly #backends: BackendHealth | undefined;
  readonly #onChange: (() => void) | undefined;
  readonly #addresses: VirtualAddresses;
  readonly #timers = new Map<VrrpTimer, NodeJS.Timeout>();
  readonly #fire: Record<VrrpTimer, () => void>;
  #machine!: VrrpStateMachine;
  #transport!: AdvertTransport;
  #ctx!: ReceiveContext;
  #advert!: VrrpAdvertFields;
  #trackTimer: NodeJS.Timeout | undefined;
  #tracked: TrackedPriority;
  #scripts: ScriptTracker[] = [];
  #files: FileTracker[] = [];
  #group: VrrpGroupPort | undefined;
  /** Between opening and stop(): packets and timers are handled only then. */
  #running = false;
  /** The machine has had its start-up (deferred until weight-0 scripts have a first result). */
  #started = false;
  #waitLogged = false;
  #stopped = false;

  #advertsSent = 0;
  #advertsReceived = 0;
  #transitions = 0;
  #lastTransition: VrrpInstanceStatus['lastTransition'];
  readonly #drops = new Map<string, number>();
  readonly #dropLogged = new Map<string, { at: number; count: number }>();
  #receiveErrors = 0;
  #transportErrors = 0;
  #addressErrors = 0;
  #splitBrains = 0;
  #splitBrainsViaPeers = 0;
  #lastSplitBrain: VrrpInstanceStatus['lastSplitBrain'];
  /** Per source address, when an advert from it was last accepted (clock ms): is the VRRP path from it alive? */
  readonly #lastHeard = new Map<string, number>();
  /** Conflicts seen through peers, waiting to see whether the other master's adverts come (then no split brain). */
  readonly #pendingConflicts = new Map<string, NodeJS.Timeout>();
  #peerConflict: { peer: string; at: number } | undefined;
  /** Handling a peer's claim: the machine's own split-brain report is not made (the claim path reports it). */
  #relaying = false;
  /** Stopping as Master: called when another router's advert shows the new master. */
  #newMasterHeard: (() => void) | undefined;
  #lastTransportError = { message: '', at: 0 };
  /** Per source, the mismatch last logged: logged again only when it changes (a reload on either side). */
  readonly #mismatched = new Map<string, string>();

  private constructor(options: VrrpInstanceOptions) {
    this.#s = options.settings;
    this.#events = options.events;
    this.#clock = options.clock ?? performance;
    this.#backends = options.backends;
    this.#onChange = options.onChange;
    this.#group = options.group;
    this.#tracked = { priority: this.#s.priority, fault: false, reason: undefined };
    this.#fire = { adver: () => this.#onTimer('adver'), 'master-down': () => this.#onTimer('master-down'), garp: () => this.#onTimer('garp') };
    this.#addresses = new VirtualAddresses({
      name: this.#s.name,
      interface: this.#s.interface,
      addresses: this.#s.virtualAddresses,
      onError: (err) => this.#addressError(err),
      onFallback: (why) => this.#events.warn({ event: 'vrrp-native-unavailable', vrrp: this.#s.name }, `VRRP ${this.#s.name}: ${why}`),
    });
  }

  /** Opens everything, then starts the state machine. Throws VrrpAdapterError (missing interface, capability) with nothing left open. */
  static async start(options: VrrpInstanceOptions): Promise<VrrpInstance> {
    const vr = new VrrpInstance(options);
    await vr.#open(options);
    return vr;
  }

  get name(): string {
    return this.#s.name;
  }

  get settings(): VrrpSettings {
    return this.#s;
  }

  /** For the sync group (group-runner.ts) only: it drives members' machines together. */
  get machine(): VrrpStateMachine {
    return this.#machine;
  }

  async #open(options: VrrpInstanceOptions): Promise<void> {
    const s = this.#s;
    const iface = readInterface(s.interface);
    // A master killed without cleaning up leaves its VIPs behind; this is also where a missing CAP_NET_ADMIN shows.
    await this.#addresses.removeNow();
    this.#addresses.prepare();
    warmTakeoverPath();
    const vips = s.virtualAddresses.map((v) => v.address);
    const source = sourceAddress(iface, s.family, vips, s.unicast?.source);
    const open = options.openTransport ?? openAdvertTransport;
    this.#transport = await open({ settings: s, iface, sourceAddress: source, sink: this });
    this.#ctx = {
      vrid: s.vrid,
      version: s.version,
      priority: s.priority,
      advertInterval: s.advertInterval,
      advertisedAddresses: s.advertisedAddresses,
      unicast: s.unicast,
      primaryAddress: source,
    };
    if (s.authentication !== undefined) this.#ctx.authentication = s.authentication;
    this.#advert = { version: s.version, vrid: s.vrid, priority: s.priority, interval: s.advertInterval, addresses: s.advertisedAddresses };
    if (s.version === 2 && s.authentication !== undefined) {
      this.#advert.authType = 1;
      this.#advert.authPassword = s.authentication.password;
    }
    this.#machine = new VrrpStateMachine(
      {
        version: s.version,
        priority: s.priority,
        advertInterval: s.advertInterval,
        primaryAddress: source,
        preempt: s.preempt,
        preemptDelay: s.preemptDelay,
        garp: s.garp,
        inSyncGroup: s.syncGroup !== undefined,
      },
      this.#clock,
    );
    this.#group?.attach(this);
    this.#warnUntracked();
    this.#startTrackers();
    this.#events.info(
      {
        event: 'vrrp-start',
        vrrp: s.name,
        vrid: s.vrid,
        version: s.version,
        interface: s.interface,
        transport: this.#transport.kind,
        source,
        priority: s.priority,
        advertInterval: s.advertInterval,
      },
      `VRRP ${s.name}: VRID ${s.vrid} v${s.version} on ${s.interface} from ${source} (${this.#transport.kind}), priority ${s.priority}, adverts every ${s.advertInterval} ms`,
    );
    this.#running = true;
    this.#trackTimer = setInterval(() => this.#track(), trackPeriod(s));
    this.#track();
  }

  /**
   * Reload: new settings for this virtual router. Applied in place when it
   * stays the same router on the wire (interface, VRID, version, family,
   * transport, unicast, checksum, authentication); returns false, touching
   * nothing, when it must be restarted instead.
   */
  reconfigure(next: VrrpSettings): boolean {
    const changes = settingsChanges(this.#s, next);
    if (changes.restart.length > 0) return false;
    if (changes.update.length === 0) {
      this.#s = next;
      return true;
    }
    const prev = this.#s;
    this.#s = next;
    this.#ctx.priority = next.priority;
    this.#ctx.advertInterval = next.advertInterval;
    this.#ctx.advertisedAddresses = next.advertisedAddresses;
    this.#advert.interval = next.advertInterval;
    this.#advert.addresses = next.advertisedAddresses;
    if (changes.update.includes('virtualAddresses')) {
      const added = this.#addresses.update(next.virtualAddresses);
      if (added > 0) this.#addresses.announce(next.garp.masterRepeat);
    }
    if (changes.update.includes('tracks')) {
      this.#stopTrackers();
      this.#startTrackers();
    }
    this.#events.info(
      { event: 'vrrp-reconfigured', vrrp: next.name, changed: changes.update, priority: next.priority, advertInterval: next.advertInterval },
      `VRRP ${next.name}: reloaded (${changes.update.join(', ')} changed)${prev.priority !== next.priority ? `, priority ${prev.priority} -> ${next.priority}` : ''}`,
    );
    clearInterval(this.#trackTimer);
    this.#trackTimer = setInterval(() => this.#track(), trackPeriod(next));
    this.#handle({ kind: 'reconfigure', settings: reconfigurable(next) });
    this.#track();
    return true;
  }

  /** Reload: the sync group this router is now in (a new runner), or none. */
  setGroup(group: VrrpGroupPort | undefined): void {
    this.#group = group;
    group?.attach(this);
  }

  /** From the sync group: what the group's rules make this member do (already decided; not routed again). */
  applyGroupActions(actions: readonly VrrpAction[]): void {
    if (this.#running) this.#apply(actions);
  }

  #handle(event: VrrpEvent): void {
    const before = this.#machine.priority;
    const actions = this.#machine.handle(event);
    this.#apply(actions);
    if (this.#onChange !== undefined && (this.#machine.priority !== before || actions.some((a) => a.kind === 'transition'))) this.#onChange();
    if (this.#group !== undefined && actions.length > 0) this.#group.followed(this.#s.name, actions);
  }

  /** Leaves the virtual router: priority 0 when Master (backups take over after Skew_Time), VIPs removed, socket closed. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#trackTimer);
    this.#stopTrackers();
    // A master hands over before letting go of its addresses: the connections it accepted until the clients switched can still answer.
    const handover = this.#machine.state === 'Master' && this.#addresses.held;
    this.#handle({ kind: 'shutdown', handover });
    this.#running = false;
    for (const t of TIMERS) this.#clearTimer(t);
    for (const t of this.#pendingConflicts.values()) clearTimeout(t);
    this.#pendingConflicts.clear();
    if (handover) await this.#handover();
    if (this.#addresses.held) this.#addresses.remove();
    await Promise.all([this.#transport.flush(), this.#addresses.idle()]);
    this.#addresses.close();
    await this.#transport.close();
    const st = this.status();
    this.#events.info(
      {
        event: 'vrrp-stop',
        vrrp: st.name,
        vrid: st.vrid,
        advertsSent: st.advertsSent,
        advertsReceived: st.advertsReceived,
        transitions: st.transitions,
        drops: st.drops,
        receiveErrors: st.receiveErrors,
        transportErrors: st.transportErrors,
        addressErrors: st.addressErrors,
      },
      `VRRP ${st.name}: stopped after ${st.advertsSent} adverts sent, ${st.advertsReceived} received, ${st.receiveErrors} bad packets`,
    );
  }

  /**
   * Waits for the new master's first advert (its backups take over after
   * Skew_Time, under one advert interval), then lingers (HANDOVER_LINGER_MAX_MS); bounded
   * for a master that had no backup.
   */
  async #handover(): Promise<void> {
    const bound = Math.min(2 * this.#s.advertInterval, this.#s.advertInterval + 500);
    let timer: NodeJS.Timeout | undefined;
    const heard = await new Promise<boolean>((resolve) => {
      this.#newMasterHeard = () => resolve(true);
      timer = setTimeout(() => resolve(false), bound);
    });
    clearTimeout(timer);
    this.#newMasterHeard = undefined;
    if (heard) await new Promise((r) => setTimeout(r, Math.min(this.#s.advertInterval, HANDOVER_LINGER_MAX_MS)));
  }

  status(): VrrpInstanceStatus {
    const m = this.#machine;
    return {
      name: this.#s.name,
      interface: this.#s.interface,
      vrid: this.#s.vrid,
      version: this.#s.version,
      transport: this.#transport.kind,
      state: m.state,
      configuredPriority: m.configuredPriority,
      priority: m.priority,
      fault: m.fault,
      trackingReason: this.#tracked.reason,
      syncGroup: this.#s.syncGroup,
      sourceAddress: this.#transport.sourceAddress,
      masterAddress: m.masterAddress,
      masterPriority: m.masterPriority,
      advertInterval: this.#s.advertInterval,
      masterAdverInterval: m.masterAdverInterval,
      skewTime: m.skewTime,
      masterDownInterval: m.masterDownInterval,
      virtualAddresses: this.#s.virtualAddresses.map((v) => `${v.address}/${v.prefix}`),
      holdingAddresses: this.#addresses.held,
      advertsSent: this.#advertsSent,
      advertsReceived: this.#advertsReceived,
      transitions: this.#transitions,
      lastTransition: this.#lastTransition,
      drops: Object.fromEntries(this.#drops),
      receiveErrors: this.#receiveErrors,
      transportErrors: this.#transportErrors,
      addressErrors: this.#addressErrors,
      splitBrains: this.#splitBrains,
      splitBrainsViaPeers: this.#splitBrainsViaPeers,
      lastSplitBrain: this.#lastSplitBrain,
    };
  }

  /** This router as its peers should know it (sent over the peers channel). */
  claim(): VrrpClaim {
    const m = this.#machine;
    return {
      name: this.#s.name,
      interface: this.#s.interface,
      vrid: this.#s.vrid,
      state: m.state,
      priority: m.priority,
      address: this.#transport.sourceAddress,
      advertInterval: this.#s.advertInterval,
    };
  }

  /**
   * A peer node's claim for a router (already validated, see validClaim).
   * Where its adverts are not heard, a master's claim counts as one; two
   * masters of our VRID are a conflict: the RFC's rule makes one yield, and
   * unless its real adverts then show up (a preemption), a split brain is
   * logged at error and counted.
   */
  relayed(peer: string, claim: VrrpClaim): void {
    if (!this.#running || !this.#started) return;
    const now = this.#clock.now();
    const source = this.#transport.sourceAddress;
    const verdict = claimVerdict({ vrid: this.#s.vrid, state: this.#machine.state, address: source, lastHeard: this.#lastHeard.get(claim.address), now }, claim);
    if (verdict === 'ignore') return;
    if (verdict === 'conflict') this.#conflict(peer, claim, now);
    this.#relaying = true;
    try {
      this.#handle({ kind: 'advert', priority: claim.priority, maxAdvertInterval: claim.advertInterval, srcAddr: claim.address });
    } finally {
      this.#relaying = false;
    }
  }

  #conflict(peer: string, claim: VrrpClaim, since: number): void {
    if (this.#pendingConflicts.has(claim.address)) return;
    const ours = { priority: this.#machine.priority, state: this.#machine.state };
    const timer = setTimeout(() => {
      this.#pendingConflicts.delete(claim.address);
      if (!this.#running) return;
      const heard = this.#lastHeard.get(claim.address);
      // Its adverts reach us: VRRP sorts it out (a preemption crossing the claim, or reported by the VRRP path).
      if (heard !== undefined && heard >= since) return;
      const last = this.#peerConflict;
      this.#peerConflict = { peer: claim.address, at: since };
      if (!newEpisode(last, claim.address, since, this.#machine.masterDownInterval)) return;
      this.#splitBrain(claim.address, claim.priority, ours.priority, 'peers', peer, this.#machine.state !== 'Master');
    }, reportDelay(this.#s.advertInterval, claim.advertInterval));
    timer.unref();
    this.#pendingConflicts.set(claim.address, timer);
  }

  // AdvertSink

  received(result: VrrpDecodeResult, ageMs?: number): void {
    if (!this.#running) {
      if (this.#newMasterHeard !== undefined && result.ok && result.advert.priority > 0 && checkReceivedAdvert(result.advert, result.source, this.#ctx).accept) {
        this.#newMasterHeard();
      }
      return;
    }
    if (!result.ok) return this.#drop(result.drop, undefined);
    const verdict = checkReceivedAdvert(result.advert, result.source, this.#ctx);
    if (!verdict.accept) return this.#drop(verdict.drop, result.source);
    this.#advertsReceived++;
    const a = result.advert;
    this.#heard(result.source);
    if (verdict.addressMismatch || verdict.intervalMismatch) this.#mismatch(result.source, a.addresses, a.interval, verdict);
    else if (this.#mismatched.size > 0) this.#mismatched.delete(result.source);
    const master = this.#machine.masterAddress;
    // A kernel stamp beyond a second (a clock stepped under us) is not believed.
    const receivedAt = ageMs !== undefined && ageMs >= 0 && ageMs < MAX_RECEIVE_AGE ? this.#clock.now() - ageMs : undefined;
    this.#handle({ kind: 'advert', priority: a.priority, maxAdvertInterval: a.interval, srcAddr: result.source, receivedAt });
    const m = this.#machine;
    if (m.state === 'Backup' && m.masterAddress !== master && m.masterAddress === result.source) {
      this.#events.info(
        { event: 'vrrp-master', vrrp: this.#s.name, vrid: this.#s.vrid, master: result.source, priority: a.priority },
        `VRRP ${this.#s.name}: the master is ${result.source} (priority ${a.priority})`,
      );
    }
  }

  transportError(err: Error): void {
    this.#transportErrors++;
    // A send failing at every advert would otherwise log ten lines a second.
    const now = this.#clock.now();
    if (err.message === this.#lastTransportError.message && now - this.#lastTransportError.at < DROP_LOG_INTERVAL) return;
    this.#lastTransportError = { message: err.message, at: now };
    this.#events.error({ event: 'vrrp-transport-error', vrrp: this.#s.name, code: (err as { code?: string }).code, err: err.message }, `VRRP ${this.#s.name}: ${err.message}`);
  }

  // Actions

  #apply(actions: readonly VrrpAction[]): void {
    // Addresses first (in their own order): on a takeover the VIP and its
    // gratuitous ARP leave (in process, tens of µs) before the log line,
    // the advert and the notify scripts, which took longer than both.
    const ordered = actions.some(isAddressAction) ? [...actions.filter(isAddressAction), ...actions.filter((a) => !isAddressAction(a))] : actions;
    for (const a of ordered) {
      switch (a.kind) {
        case 'transition':
          this.#transition(a.from, a.to, a.reason, a.message);
          break;
        case 'send-advert':
          this.#advert.priority = a.priority;
          this.#transport.send(this.#advert);
          this.#advertsSent++;
          break;
        case 'add-vips':
          this.#addresses.add();
          break;
        case 'remove-vips':
          this.#addresses.remove();
          break;
        case 'announce':
          this.#addresses.announce(a.count);
          break;
        case 'arm-timer':
          this.#clearTimer(a.timer);
          this.#armTimer(a.timer, a.at);
          break;
        case 'cancel-timer':
          this.#clearTimer(a.timer);
          break;
        case 'want-master':
          // The group decides (followed); alone, a member waits until its group is configured.
          break;
        case 'split-brain':
          if (!this.#relaying) this.#splitBrain(a.peer, a.peerPriority, a.priority);
          break;
      }
    }
  }

  /**
   * Never early: the machine treats a timer event as "the time has come".
   * Node's timers have a millisecond grain and fire about a millisecond late
   * (measured); keepalived decides a takeover within a few tenths. So the
   * master-down timer, the takeover, is armed a millisecond early and ends
   * its wait in event-loop turns (I/O still runs); the others need no
   * better. Only the takeover pays that last millisecond of turns.
   */
  #armTimer(timer: VrrpTimer, at: number): void {
    const wait = at - this.#clock.now();
    if (timer !== 'master-down') {
      this.#timers.set(timer, setTimeout(this.#fire[timer], Math.max(0, Math.ceil(wait))));
      return;
    }
    const h: NodeJS.Timeout = setTimeout(() => this.#finishWait(timer, at, h, 0), Math.max(0, Math.floor(wait) - 1));
    this.#timers.set(timer, h);
  }

  #finishWait(timer: VrrpTimer, at: number, h: NodeJS.Timeout, turns: number): void {
    // Cancelled or armed again meanwhile.
    if (this.#timers.get(timer) !== h) return;
    // Bounded: a clock that stands still (a test's) cannot hold the loop.
    const now = this.#clock.now();
    if (now < at && turns < MAX_TIMER_TURNS) {
      // The master is about to be declared down: bring the takeover path back into the caches first,
      // when there is time for it.
      if (turns === 0 && at - now > WARM_BEFORE) {
        warmTakeoverPath();
        this.#addresses.prepare();
      }
      setImmediate(() => this.#finishWait(timer, at, h, turns + 1));
      return;
    }
    this.#fire[timer]();
  }

  #clearTimer(timer: VrrpTimer): void {
    const h = this.#timers.get(timer);
    if (h !== undefined) {
      clearTimeout(h);
      this.#timers.delete(timer);
    }
  }

  #onTimer(timer: VrrpTimer): void {
    this.#timers.delete(timer);
    if (!this.#running) return;
    this.#handle({ kind: 'timer', timer });
  }

  #transition(from: VrrpState, to: VrrpState, reason: VrrpTransitionReason, message: string): void {
    this.#transitions++;
    this.#lastTransition = { from, to, reason, at: new Date().toISOString() };
    const m = this.#machine;
    const fields = {
      event: 'vrrp-transition',
      vrrp: this.#s.name,
      vrid: this.#s.vrid,
      from,
      to,
      reason,
      priority: m.priority,
      master: to === 'Master' ? this.#transport.sourceAddress : m.masterAddress,
    };
    const line = `VRRP ${this.#s.name}: ${from} -> ${to} (${reason}): ${message}`;
    if (to === 'Fault') this.#events.warn(fields, line);
    else this.#events.info(fields, line);
    runNotify(this.#s.notify, { type: 'INSTANCE', name: this.#s.name }, notifyState(to), m.priority, (msg) =>
      this.#events.warn({ event: 'vrrp-notify-error', vrrp: this.#s.name }, `VRRP ${this.#s.name}: ${msg}`),
    );
  }

  #splitBrain(peer: string, peerPriority: number, priority: number, via: 'vrrp' | 'peers' = 'vrrp', node?: string, yielded = false): void {
    this.#splitBrains++;
    if (via === 'peers') this.#splitBrainsViaPeers++;
    this.#lastSplitBrain = { peer, peerPriority, priority, at: new Date().toISOString(), via };
    const fields = { event: 'vrrp-split-brain', code: 'HAWSER_VRRP_SPLIT_BRAIN', vrrp: this.#s.name, vrid: this.#s.vrid, via, peer, peerPriority, priority, total: this.#splitBrains };
    if (via === 'vrrp') {
      this.#events.error(
        fields,
        `VRRP ${this.#s.name}: split brain: ${peer} is also master of VRID ${this.#s.vrid} (priority ${peerPriority}, ours ${priority}); advertising at once so that it yields`,
      );
      return;
    }
    this.#events.error(
      { ...fields, peerNode: node, yielded },
      `VRRP ${this.#s.name}: split brain seen through peers: '${node}' (${peer}) is also master of VRID ${this.#s.vrid} and its adverts do not reach this node ` +
        `(priority ${peerPriority}, ours ${priority}); ${yielded ? 'this node yielded' : 'it yields'}; check that VRRP (protocol 112) passes between them`,
    );
  }

  #heard(source: string): void {
    this.#lastHeard.delete(source);
    if (this.#lastHeard.size >= HEARD_MAX) this.#lastHeard.delete(this.#lastHeard.keys().next().value!);
    this.#lastHeard.set(source, this.#clock.now());
  }

  #drop(drop: VrrpDrop, source: string | undefined): void {
    this.#drops.set(drop.code, (this.#drops.get(drop.code) ?? 0) + 1);
    if (drop.error) this.#receiveErrors++;
    // One line when a kind of bad packet starts, then one per interval with the count, not one per packet.
    const now = this.#clock.now();
    const logged = this.#dropLogged.get(drop.code);
    if (logged !== undefined && now - logged.at < DROP_LOG_INTERVAL) {
      logged.count++;
      return;
    }
    const since = logged?.count ?? 0;
    this.#dropLogged.set(drop.code, { at: now, count: 0 });
    const fields = { event: 'vrrp-drop', vrrp: this.#s.name, code: drop.code, source, total: this.#drops.get(drop.code), suppressed: since };
    const line = `VRRP ${this.#s.name}: packet dropped${source !== undefined ? ` from ${source}` : ''}: ${drop.message}${since > 0 ? ` (${since} more since the last report)` : ''}`;
    if (drop.error) this.#events.warn(fields, line);
    else this.#events.debug(fields, line);
  }

  #mismatch(source: string, addresses: readonly string[], interval: number, v: { addressMismatch: boolean; intervalMismatch: boolean }): void {
    const seen = `${v.addressMismatch ? addresses.join(',') : ''} ${v.intervalMismatch ? interval : ''}`;
    if (this.#mismatched.get(source) === seen) return;
    this.#mismatched.set(source, seen);
    const what: string[] = [];
    if (v.addressMismatch) what.push(`addresses [${addresses.join(', ')}], ours [${this.#s.advertisedAddresses.join(', ')}]`);
    if (v.intervalMismatch) what.push(`interval ${interval} ms, ours ${this.#s.advertInterval} ms`);
    this.#events.warn(
      { event: 'vrrp-mismatch', vrrp: this.#s.name, source, addressMismatch: v.addressMismatch, intervalMismatch: v.intervalMismatch },
      `VRRP ${this.#s.name}: ${source} advertises ${what.join('; ')}`,
    );
  }

  #addressError(err: VrrpAdapterError): void {
    this.#addressErrors++;
    this.#events.error({ event: 'vrrp-address-error', vrrp: this.#s.name, code: err.code }, err.message);
  }

  // Tracking

  #warnUntracked(): void {
    if (this.#backends !== undefined) return;
    for (const t of this.#s.tracks) {
      if (t.kind !== 'backend') continue;
      this.#events.warn(
        { event: 'vrrp-track-unsupported', vrrp: this.#s.name, track: t.kind },
        `VRRP ${this.#s.name}: ${t.pos.file}:${t.pos.line}: track-backend has no backend health to read here and is ignored`,
      );
    }
  }

  #startTrackers(): void {
    const onChange = (): void => this.#track();
    for (const t of this.#s.tracks) {
      if (t.kind === 'script') this.#scripts.push(new ScriptTracker({ vrrp: this.#s.name, track: t, events: this.#events, onChange }));
      else if (t.kind === 'file') {
        this.#files.push(new FileTracker({ vrrp: this.#s.name, track: t, events: this.#events, period: trackPeriod(this.#s), onChange }));
      }
    }
    for (const f of this.#files) f.start();
    for (const sc of this.#scripts) sc.start();
  }

  #stopTrackers(): void {
    for (const sc of this.#scripts) sc.stop();
    for (const f of this.#files) f.stop();
    this.#scripts = [];
    this.#files = [];
  }

  #trackStates(): TrackedObjectState[] {
    // The router's own interface is always tracked: down means Fault, as keepalived does.
    const states: TrackedObjectState[] = [{ label: `interface ${this.#s.interface}`, weight: 0, ok: interfaceIsUp(this.#s.interface) }];
    for (const t of this.#s.tracks) {
      if (t.kind === 'interface') states.push({ label: `interface ${t.name}`, weight: t.weight, ok: interfaceIsUp(t.name) });
      else if (t.kind === 'backend' && this.#backends !== undefined) {
        const n = this.#backends.usableServers(t.name);
        states.push({ label: `backend ${t.name}`, weight: t.weight, ok: n !== undefined && n > 0 });
      }
    }
    for (const sc of this.#scripts) states.push({ label: sc.label, weight: sc.track.weight, ok: sc.status === 'unknown' ? undefined : sc.status === 'ok' });
    for (const f of this.#files) states.push({ label: f.label, weight: f.track.weight, value: f.value });
    return states;
  }

  /** Scripts that can put us in Fault and have not answered yet: keepalived starts the router only after them. */
  #pendingScripts(): ScriptTracker[] {
    return this.#scripts.filter((sc) => sc.track.weight === 0 && sc.status === 'unknown');
  }

  #track(): void {
    if (this.#stopped) return;
    const next = trackedPriority(this.#s.priority, this.#trackStates());
    const prev = this.#tracked;
    this.#tracked = next;
    if (next.priority !== prev.priority || next.fault !== prev.fault) {
      if (this.#started || next.priority !== this.#s.priority || next.fault) {
        this.#events.info(
          { event: 'vrrp-tracking', vrrp: this.#s.name, priority: next.priority, fault: next.fault, reason: next.reason },
          `VRRP ${this.#s.name}: priority ${next.priority}${next.fault ? ', fault' : ''}${next.reason !== undefined ? ` (${next.reason})` : ' (tracked objects fine)'}`,
        );
      }
      // Before start-up this only sets the machine's priority and fault: it starts in the right state.
      const event = { kind: 'tracking' as const, priority: next.priority, fault: next.fault };
      this.#handle(next.reason !== undefined ? { ...event, reason: next.reason } : event);
    }
    if (this.#started) return;
    const pending = this.#pendingScripts();
    if (pending.length > 0) {
      if (!this.#waitLogged) {
        this.#waitLogged = true;
        this.#events.info(
          { event: 'vrrp-waiting', vrrp: this.#s.name, scripts: pending.map((sc) => sc.track.argv) },
          `VRRP ${this.#s.name}: waiting for the first result of ${pending.map((sc) => sc.label).join(', ')} before starting`,
        );
      }
      return;
    }
    this.#started = true;
    this.#handle({ kind: 'startup' });
  }
}

/** How often tracked objects are polled: every advert interval, within 50 ms - 1 s. */
function trackPeriod(s: VrrpSettings): number {
  return Math.min(1000, Math.max(50, s.advertInterval));
}
