// The virtual addresses of one virtual router on this node: added and
// removed over rtnetlink, announced with gratuitous ARP on a packet socket
// (our addon, native-net.ts: in process, well under a millisecond) or, when
// the addon cannot load, with iproute2 (`ip addr add/del`) and `arping -U`;
// for IPv6, unsolicited Neighbor Advertisements. Every
// operation is idempotent and they run one after the other in the order
// asked (remove then add must not be reordered by the time each `ip`
// takes), while the caller, the state machine's adapter, goes on at once:
// nothing here blocks the event loop.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { isPermissionError, VrrpAdapterCode, VrrpAdapterError } from './adapter-error.ts';
import { readInterface } from './interface-info.ts';
import { nativeNet, nativeNetUnavailableOnce, type NativeNet } from './native-net.ts';
import { sendNeighborAdverts } from './neighbor-advert.ts';
import type { VrrpVirtualAddress } from './settings.ts';

/** arping blocks about a second per probe; more than this many at once means announcements pile up. */
const MAX_ARPING_RUNNING = 64;
const IP_TIMEOUT = 5000;
const ARPING_TIMEOUT = 5000;

export interface VirtualAddressesOptions {
  /** The virtual router's name, for messages. */
  name: string;
  /** The interface of VIPs that name no `dev`. */
  interface: string;
  addresses: readonly VrrpVirtualAddress[];
  /** An operation failed; the queue goes on. */
  onError(err: VrrpAdapterError): void;
  /** Once per process: the in-process path is not available (why), the commands are used. */
  onFallback?(why: string): void;
}

export class VirtualAddresses {
  readonly #o: VirtualAddressesOptions;
  #addresses: readonly VrrpVirtualAddress[];
  #queue: Promise<void> = Promise.resolve();
  /** Operations asked and not finished. */
  #pending = 0;
  readonly #arpings = new Set<ChildProcess>();
  readonly #native: NativeNet | undefined = nativeNet();
  #closed = false;
  /** What we last asked the kernel for, for `show vrrp`. */
  held = false;

  constructor(options: VirtualAddressesOptions) {
    this.#o = options;
    this.#addresses = options.addresses;
    const why = nativeNetUnavailableOnce();
    if (why !== undefined) options.onFallback?.(`virtual addresses and gratuitous ARP through 'ip' and 'arping' (slower takeover): the in-process path is unavailable: ${why}`);
  }

  /** Adds every VIP (after whatever was asked before). */
  add(): void {
    this.held = true;
    this.#enqueue(() => this.#all('add'));
  }

  /**
   * Readies the in-process announce path at start-up: the packet socket
   * opened and each interface's MAC read once (count 0 sends nothing), so
   * a takeover's first gratuitous ARP pays for neither. Failures are left
   * for the takeover to report.
   */
  prepare(): void {
    const native = this.#native;
    if (native === undefined) return;
    for (const v of this.#addresses) {
      if (v.family !== 4) continue;
      try {
        native.gratuitousArp(v.dev ?? this.#o.interface, v.address, 0);
      } catch {
        // Reported when it matters, at the takeover.
      }
    }
  }

  /** Removes every VIP that is there. */
  remove(): void {
    this.held = false;
    this.#enqueue(() => this.#all('del'));
  }

  /** Removes every VIP now and reports failure to the caller: the start-up check (stale VIPs, CAP_NET_ADMIN). */
  async removeNow(): Promise<void> {
    this.held = false;
    await this.#all('del');
  }

  /** Gratuitous ARP (IPv4) / unsolicited Neighbor Advertisement (IPv6) for every VIP, `count` times, once the operations asked before are done. */
  announce(count: number): void {
    this.#enqueue(() => {
      const v6ByDev = new Map<string, string[]>();
      for (const v of this.#addresses) {
        const dev = v.dev ?? this.#o.interface;
        if (v.family === 6) {
          const list = v6ByDev.get(dev);
          if (list === undefined) v6ByDev.set(dev, [v.address]);
          else list.push(v.address);
          continue;
        }
        if (this.#native !== undefined) this.#nativeArp(this.#native, dev, v.address, count);
        else for (let i = 0; i < count; i++) this.#arping(v);
      }
      for (const [dev, targets] of v6ByDev) this.#neighborAdverts(dev, targets, count);
    });
  }

  #neighborAdverts(dev: string, targets: string[], count: number): void {
    if (this.#closed) return;
    try {
      const info = readInterface(dev);
      // Not awaited: like arping, announcing must not hold up the next add or remove.
      sendNeighborAdverts(dev, info.index, info.mac, targets, count).catch((err: unknown) => this.#o.onError(asAdapterError(err, this.#o.name)));
    } catch (err) {
      this.#o.onError(asAdapterError(err, this.#o.name));
    }
  }

  /** Resolves when every queued add/remove is done. */
  async idle(): Promise<void> {
    let q: Promise<void>;
    do {
      q = this.#queue;
      await q;
    } while (q !== this.#queue);
  }

  /** Stops the announcements still running (they are only repeats; the VIPs are handled by remove()). */
  close(): void {
    this.#closed = true;
    for (const c of this.#arpings) c.kill('SIGTERM');
  }

  /**
   * Runs `op` after the operations asked before. With nothing pending it
   * runs now, not a microtask later after the rest of this turn: in process
   * it is then done when this returns (a takeover's VIP and gratuitous ARP
   * leave before its log line is written).
   */
  #enqueue(op: () => Promise<void> | void): void {
    if (this.#pending === 0) {
      let result: Promise<void> | void;
      try {
        result = op();
      } catch (err) {
        result = Promise.reject(err);
      }
      if (result !== undefined) this.#track(result);
      return;
    }
    this.#track(this.#queue.then(op));
  }

  #track(op: Promise<void>): void {
    this.#pending++;
    this.#queue = op
      .catch((err: unknown) => this.#o.onError(asAdapterError(err, this.#o.name)))
      .finally(() => {
        this.#pending--;
      });
  }

  #all(verb: 'add' | 'del'): Promise<void> | void {
    return this.#each(verb, this.#addresses);
  }

  /** Every address of `list`: in process, done when this returns (throwing the first failure after trying them all); else by `ip`. */
  #each(verb: 'add' | 'del', list: readonly VrrpVirtualAddress[]): Promise<void> | void {
    const native = this.#native;
    if (native === undefined) return Promise.all(list.map((v) => this.#ip(verb, v))).then(() => {});
    let first: unknown;
    for (const v of list) {
      try {
        this.#ipNative(native, verb, v);
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }

  /**
   * Reload: the new list. Addresses no longer listed are removed; new ones
   * are added when we hold the others. Returns how many were added, for
   * the caller to announce.
   */
  update(next: readonly VrrpVirtualAddress[]): number {
    const key = (v: VrrpVirtualAddress): string => `${v.address}/${v.prefix} ${v.dev ?? ''} ${v.label ?? ''}`;
    const before = new Set(this.#addresses.map(key));
    const after = new Set(next.map(key));
    const gone = this.#addresses.filter((v) => !after.has(key(v)));
    const fresh = next.filter((v) => !before.has(key(v)));
    this.#addresses = [...next];
    if (gone.length > 0) this.#enqueue(() => this.#each('del', gone));
    if (!this.held || fresh.length === 0) return 0;
    this.#enqueue(() => this.#each('add', fresh));
    return fresh.length;
  }

  #ipNative(native: NativeNet, verb: 'add' | 'del', v: VrrpVirtualAddress): void {
    const dev = v.dev ?? this.#o.interface;
    try {
      // Without nodad an IPv6 VIP stays tentative, unbindable, for a second or two.
      native.addressChange(verb, dev, v.address, v.prefix, { label: v.label, nodad: v.family === 6 });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      // Idempotent: already there, or already gone.
      if (verb === 'add' && code === 'EEXIST') return;
      if (verb === 'del' && code === 'EADDRNOTAVAIL') return;
      throw this.#nativeError(err, 'CAP_NET_ADMIN', dev);
    }
  }

  #ip(verb: 'add' | 'del', v: VrrpVirtualAddress): Promise<void> {
    const dev = v.dev ?? this.#o.interface;
    const args = [v.family === 4 ? '-4' : '-6', 'addr', verb, `${v.address}/${v.prefix}`, 'dev', dev];
    if (verb === 'add' && v.label !== undefined) args.push('label', v.label);
    // Without nodad an IPv6 VIP stays tentative, unbindable, for a second or two.
    if (verb === 'add' && v.family === 6) args.push('nodad');
    return new Promise((resolve, reject) => {
      execFile('ip', args, { timeout: IP_TIMEOUT }, (err, _stdout, stderr) => {
        if (err === null) return resolve();
        const text = String(stderr).trim() || err.message;
        // Idempotent: already there, or already gone.
        if (verb === 'add' && /File exists/i.test(text)) return resolve();
        if (verb === 'del' && /Cannot assign requested address|address not found|No such/i.test(text)) return resolve();
        const what = `'ip ${args.join(' ')}'`;
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new VrrpAdapterError(VrrpAdapterCode.COMMAND, `vrrp '${this.#o.name}': ${what}: 'ip' (iproute2) is not installed`, { cause: err }));
        }
        if (isPermissionError({ message: text })) {
          return reject(
            new VrrpAdapterError(
              VrrpAdapterCode.NO_CAP_NET_ADMIN,
              `vrrp '${this.#o.name}': ${what} was refused: managing virtual addresses needs CAP_NET_ADMIN (run as root, or grant CAP_NET_ADMIN and CAP_NET_RAW, e.g. AmbientCapabilities= in the systemd unit)`,
              { cause: err },
            ),
          );
        }
        reject(new VrrpAdapterError(VrrpAdapterCode.COMMAND, `vrrp '${this.#o.name}': ${what} failed: ${text}`, { cause: err }));
      });
    });
  }

  #nativeArp(native: NativeNet, dev: string, address: string, count: number): void {
    if (this.#closed) return;
    try {
      native.gratuitousArp(dev, address, count);
    } catch (err) {
      this.#o.onError(this.#nativeError(err, 'CAP_NET_RAW', dev));
    }
  }

  /** A NativeNetError as the spawn path would report it; `cap` is what the operation needs. */
  #nativeError(err: unknown, cap: 'CAP_NET_ADMIN' | 'CAP_NET_RAW', dev: string): VrrpAdapterError {
    const message = (err as Error).message;
    if ((err as { code?: unknown }).code === 'ENODEV') {
      return new VrrpAdapterError(VrrpAdapterCode.NO_INTERFACE, `vrrp '${this.#o.name}': ${message}: interface '${dev}' does not exist on this node (see 'ip link')`, { cause: err });
    }
    if (isPermissionError(err)) {
      return new VrrpAdapterError(
        cap === 'CAP_NET_RAW' ? VrrpAdapterCode.NO_CAP_NET_RAW : VrrpAdapterCode.NO_CAP_NET_ADMIN,
        `vrrp '${this.#o.name}': ${message}: this needs ${cap} (run as root, or grant CAP_NET_ADMIN and CAP_NET_RAW, e.g. AmbientCapabilities= in the systemd unit)`,
        { cause: err },
      );
    }
    return new VrrpAdapterError(VrrpAdapterCode.COMMAND, `vrrp '${this.#o.name}': ${message}`, { cause: err });
  }

  #arping(v: VrrpVirtualAddress): void {
    if (this.#closed || this.#arpings.size >= MAX_ARPING_RUNNING) return;
    const dev = v.dev ?? this.#o.interface;
    const child = spawn('arping', ['-U', '-c', '1', '-I', dev, v.address], { stdio: ['ignore', 'ignore', 'pipe'], timeout: ARPING_TIMEOUT });
    this.#arpings.add(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      if (stderr.length < 1000) stderr += d;
    });
    child.on('error', (err) => {
      this.#arpings.delete(child);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      this.#o.onError(
        new VrrpAdapterError(
          VrrpAdapterCode.COMMAND,
          `vrrp '${this.#o.name}': gratuitous ARP for ${v.address}: ${missing ? "'arping' (iputils-arping) is not installed; neighbours will learn the move only when their ARP entries expire" : err.message}`,
          { cause: err },
        ),
      );
    });
    child.on('close', (code) => {
      this.#arpings.delete(child);
      // iputils arping -U exits 1 when nobody answers, which is the normal case for an announcement.
      if (code !== null && code > 1 && !this.#closed) {
        this.#o.onError(
          new VrrpAdapterError(VrrpAdapterCode.COMMAND, `vrrp '${this.#o.name}': 'arping -U -c 1 -I ${dev} ${v.address}' failed (${code}): ${stderr.trim()}`),
        );
      }
    });
  }
}

function asAdapterError(err: unknown, name: string): VrrpAdapterError {
  return err instanceof VrrpAdapterError ? err : new VrrpAdapterError(VrrpAdapterCode.COMMAND, `vrrp '${name}': ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
