// What the VRRP takeover bench sees on the wire: tcpdump on the lab's bridge
// (every host's frames cross it), reduced to VRRP adverts and ARP frames
// about the virtual IP, each with the kernel's capture timestamp, so a
// takeover can be timed wire to wire (the dead master's last advert, or its
// priority-0 advert, to the new master's first gratuitous ARP) without
// mixing clocks or counting tcpdump's own scheduling delay.

import { HostProcess } from '../src/drill/process.ts';
import type { Host } from '../src/drill/netns.ts';

export interface WireFrame {
  /** Capture time, ms since the epoch (µs precision). */
  at: number;
  srcMac: string;
  kind: 'advert' | 'arp';
  /** Adverts: the advertised priority. */
  priority?: number;
}

// 1764000000.123456 aa:bb:cc:dd:ee:ff > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 54: 10.98.0.11 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 100cs, length 12
// 1764000000.123456 aa:bb:cc:dd:ee:ff > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.99.0.100 tell 10.99.0.100, length 28
const LINE = /^(\d+)\.(\d{1,9}) ([0-9a-f:]{17}) > [0-9a-f:]{17}, ethertype (IPv4|ARP) .*?: (.*)$/;

/** One tcpdump line as a frame of interest, or undefined. */
export function parseWireLine(line: string, vip: string, vrid: number): WireFrame | undefined {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  // Whole milliseconds and the fraction apart: seconds x 1000 in floating point would blur the microseconds.
  const frac = m[2]!.padEnd(9, '0');
  const at = Number(m[1]) * 1000 + Number(frac.slice(0, 3)) + Number(frac.slice(3)) / 1e6;
  const srcMac = m[3]!;
  const rest = m[5]!;
  if (m[4] === 'IPv4') {
    const v = /VRRPv[23], Advertisement, vrid (\d+), prio (\d+)/.exec(rest);
    if (v === null || Number(v[1]) !== vrid) return undefined;
    return { at, srcMac, kind: 'advert', priority: Number(v[2]) };
  }
  // A gratuitous ARP names the VIP as sender (request "tell VIP", or reply "VIP is-at").
  if (rest.includes(`tell ${vip}`) || rest.includes(`${vip} is-at`)) return { at, srcMac, kind: 'arp' };
  return undefined;
}

export class WireWatch {
  readonly frames: WireFrame[] = [];
  readonly #proc: HostProcess;

  private constructor(proc: HostProcess) {
    this.#proc = proc;
  }

  /** tcpdump on `dev` in `host`'s namespace, resolved once it listens. */
  static async start(host: Host, dev: string, vip: string, vrid: number): Promise<WireWatch> {
    const proc = new HostProcess(host, ['tcpdump', '-i', dev, '-l', '-n', '-e', '-tt', '--immediate-mode', '--time-stamp-precision=micro', 'arp or ip proto 112']);
    const w = new WireWatch(proc);
    let listening: () => void = () => {};
    const ready = new Promise<void>((res) => (listening = res));
    proc.onLine = (line) => {
      if (line.startsWith('listening on')) listening();
      const f = parseWireLine(line, vip, vrid);
      // Bounded: a long run keeps the last frames only.
      if (f !== undefined) {
        if (w.frames.length >= 100_000) w.frames.splice(0, 50_000);
        w.frames.push(f);
      }
    };
    const timeout = new Promise<never>((_res, rej) => setTimeout(() => rej(new Error(`tcpdump did not start listening on ${dev}: ${proc.lines.join(' | ')}`)), 5000).unref());
    await Promise.race([ready, timeout, proc.exited.then((c) => Promise.reject(new Error(`tcpdump exited (${c}): ${proc.lines.join(' | ')}`)))]);
    return w;
  }

  /** The last frame before `at` matching. */
  lastBefore(at: number, pred: (f: WireFrame) => boolean): WireFrame | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.at < at && pred(f)) return f;
    }
    return undefined;
  }

  /** The first frame at or after `at` matching. */
  firstAfter(at: number, pred: (f: WireFrame) => boolean): WireFrame | undefined {
    return this.frames.find((f) => f.at >= at && pred(f));
  }

  stop(): void {
    this.#proc.kill('SIGTERM');
  }
}
