// The virtual routers of one node, running: started together with their
// sync groups, reloaded (each router keeps running when it can take its new
// settings in place, so a master a reload does not touch stays master; one
// that becomes another router on the wire is restarted; removed ones stop,
// new ones start), and stopped. Reloads and the stop are serialized.

import type { EventLogger } from '../../src/events/index.ts';
import { VrrpGroupRunner } from './group-runner.ts';
import { VrrpInstance, type BackendHealth, type VrrpInstanceStatus } from './instance.ts';
import type { NodeVrrpSettings } from './node-settings.ts';
import { claimIsFresh, type VrrpClaim } from './peer-claim.ts';
import type { VrrpGroupState } from './sync-group.ts';

export interface VrrpRoutersOptions {
  events: EventLogger;
  backends?: BackendHealth;
  /** A router changed state or priority (see VrrpInstanceOptions.onChange). */
  onChange?: () => void;
}

export class VrrpRouters {
  readonly #o: VrrpRoutersOptions;
  #instances: VrrpInstance[] = [];
  #runners = new Map<string, VrrpGroupRunner>();
  #chain: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;

  private constructor(options: VrrpRoutersOptions) {
    this.#o = options;
  }

  /** Starts every router; on a failure (VrrpAdapterError) stops those started and rejects. */
  static async start(vrrp: NodeVrrpSettings, options: VrrpRoutersOptions): Promise<VrrpRouters> {
    const r = new VrrpRouters(options);
    r.#runners = r.#makeRunners(vrrp, new Map());
    try {
      for (const settings of vrrp.routers) r.#instances.push(await r.#startOne(settings));
    } catch (err) {
      await Promise.all(r.#instances.map((i) => i.stop().catch(() => {})));
      throw err;
    }
    return r;
  }

  status(): VrrpInstanceStatus[] {
    return this.#instances.map((i) => i.status());
  }

  /** Every router as the peers should know it. */
  claims(): VrrpClaim[] {
    return this.#instances.map((i) => i.claim());
  }

  /** A peer node's claims (validated), `ageMs` as claimIsFresh takes it: each router considers the fresh ones of its VRID. */
  relayed(peer: string, claims: readonly VrrpClaim[], ageMs: number | undefined): void {
    if (this.#stopping !== undefined) return;
    for (const c of claims) {
      if (!claimIsFresh(ageMs, c)) continue;
      for (const i of this.#instances) if (i.settings.vrid === c.vrid) i.relayed(peer, c);
    }
  }

  /** Applies a reloaded configuration; problems (an interface gone, a capability) are logged, the rest still applies. */
  reload(vrrp: NodeVrrpSettings): Promise<void> {
    const run = this.#chain.then(() => (this.#stopping === undefined ? this.#reload(vrrp) : undefined));
    this.#chain = run.catch(() => {});
    return run;
  }

  /** Every router leaves (a master sends priority 0 and removes its VIPs), then the groups say STOP. */
  stop(): Promise<void> {
    this.#stopping ??= this.#chain.then(async () => {
      await Promise.all(this.#instances.map((i) => i.stop().catch((err: unknown) => this.#error('vrrp-stop-error', err))));
      for (const g of this.#runners.values()) g.stop();
    });
    return this.#stopping;
  }

  async #reload(vrrp: NodeVrrpSettings): Promise<void> {
    const old = new Map(this.#instances.map((i) => [i.name, i]));
    const wanted = new Set(vrrp.routers.map((s) => s.name));
    const previous = new Map<string, VrrpGroupState | undefined>([...this.#runners].map(([name, g]) => [name, g.state]));
    for (const i of old.values()) i.setGroup(undefined);
    for (const [name, i] of old) {
      if (wanted.has(name)) continue;
      this.#o.events.info({ event: 'vrrp-removed', vrrp: name }, `VRRP ${name}: no longer configured on this node; leaving`);
      await i.stop().catch((err: unknown) => this.#error('vrrp-stop-error', err));
    }
    for (const [name, g] of this.#runners) if (!vrrp.groups.some((n) => n.name === name)) g.stop();
    this.#runners = this.#makeRunners(vrrp, previous);
    const next: VrrpInstance[] = [];
    const kept = new Set<VrrpInstance>();
    for (const settings of vrrp.routers) {
      const running = old.get(settings.name);
      if (running !== undefined && running.reconfigure(settings)) {
        next.push(running);
        kept.add(running);
        continue;
      }
      if (running !== undefined) {
        this.#o.events.info(
          { event: 'vrrp-restart', vrrp: settings.name },
          `VRRP ${settings.name}: interface, VRID, version, transport, unicast or checksum changed; restarting it`,
        );
        await running.stop().catch((err: unknown) => this.#error('vrrp-stop-error', err));
      }
      try {
        next.push(await this.#startOne(settings));
      } catch (err) {
        this.#error('vrrp-reload-error', err);
      }
    }
    this.#instances = next;
    // Started ones joined their group as they started; kept ones join theirs now.
    for (const i of kept) i.setGroup(i.settings.syncGroup !== undefined ? this.#runners.get(i.settings.syncGroup) : undefined);
  }

  #makeRunners(vrrp: NodeVrrpSettings, previous: ReadonlyMap<string, VrrpGroupState | undefined>): Map<string, VrrpGroupRunner> {
    return new Map(vrrp.groups.map((g) => [g.name, new VrrpGroupRunner(g, this.#o.events, previous.get(g.name))]));
  }

  #startOne(settings: NodeVrrpSettings['routers'][number]): Promise<VrrpInstance> {
    const group = settings.syncGroup !== undefined ? this.#runners.get(settings.syncGroup) : undefined;
    return VrrpInstance.start({
      settings,
      events: this.#o.events,
      ...(this.#o.backends !== undefined ? { backends: this.#o.backends } : {}),
      ...(group !== undefined ? { group } : {}),
      ...(this.#o.onChange !== undefined ? { onChange: this.#o.onChange } : {}),
    });
  }

  #error(event: string, err: unknown): void {
    const message = (err as Error)?.message ?? String(err);
    this.#o.events.error({ event, err: message, code: (err as { code?: string }).code }, `VRRP: ${message}`);
  }
}
