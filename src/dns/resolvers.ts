// A `resolvers` section at run time: the UDP sockets to its nameservers, the
// resolutions its servers need (one per name and preferred family, shared by
// every server with that name), and the timer that drives them. The wire
// format (codec.ts) and the timing rules (resolution.ts) are pure; this file
// only moves datagrams and schedules wake-ups.
//
// Why our own client and not node:dns's Resolver: c-ares hides what HAProxy's
// semantics need. It retries and switches servers on its own schedule (one
// server after the other, its own back-off), so `resolve_retries` and
// `timeout retry` cannot mean what they mean in HAProxy (one query to every
// nameserver at once, the first valid answer wins, errors only once every
// nameserver answered); it sends no EDNS0 size we choose
// (`accepted_payload_size`); and it folds "no such name", "no record of this
// type" and "refused" into error codes after its own fallbacks, while the
// hold periods are per status. Plain node:dgram is enough here (the
// responses arrive as 'message' events; dgram-as-promised would only wrap
// bind and send in promises).

import { createSocket, type Socket, type RemoteInfo } from 'node:dgram';
import { isIP } from 'node:net';
import type { ResolversSection } from '../config/index.ts';
import {
  addressesFor,
  decodeMessage,
  encodeQuery,
  RCODE_NOERROR,
  RCODE_NXDOMAIN,
  RCODE_REFUSED,
  TYPE_A,
  TYPE_AAAA,
  TYPE_CNAME,
} from './codec.ts';
import { Resolution, type Answer } from './resolution.ts';

export interface Nameserver {
  name: string;
  host: string;
  port: number;
}

/** Called when a round of the resolution of `name` ended (valid or not); `nameserver` names who gave a valid answer. */
export type ResolutionListener = (res: Resolution, now: number, nameserver: string | undefined) => void;

interface Pending {
  res: Resolution;
  type: number;
}

/** Per-nameserver counters, named and ordered as `show resolvers` lists them. */
export interface NameserverCounters {
  sent: number;
  snd_error: number;
  valid: number;
  /** Answers that changed a server's address (counted by whoever applies them). */
  update: number;
  cname: number;
  cname_error: number;
  any_err: number;
  nx: number;
  timeout: number;
  refused: number;
  other: number;
  invalid: number;
  too_big: number;
  truncated: number;
  outdated: number;
}

function zeroCounters(): NameserverCounters {
  return { sent: 0, snd_error: 0, valid: 0, update: 0, cname: 0, cname_error: 0, any_err: 0, nx: 0, timeout: 0, refused: 0, other: 0, invalid: 0, too_big: 0, truncated: 0, outdated: 0 };
}

export class RuntimeResolvers {
  readonly section: ResolversSection;
  readonly nameservers: readonly Nameserver[];
  readonly counters = new Map<string, NameserverCounters>();
  private readonly clock: () => number;
  private readonly resolutions = new Map<string, { res: Resolution; listeners: ResolutionListener[] }>();
  private readonly pending = new Map<number, Pending>();
  private sockets: { 4?: Socket; 6?: Socket } = {};
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(section: ResolversSection, nameservers: readonly Nameserver[], clock: () => number = Date.now) {
    this.section = section;
    this.nameservers = nameservers;
    this.clock = clock;
    for (const ns of nameservers) this.counters.set(ns.name, zeroCounters());
  }

  /** Follows `name` (resolved preferring `prefer`); the first round runs as soon as started. */
  watch(name: string, prefer: 4 | 6, listener: ResolutionListener): Resolution {
    const key = `${name.toLowerCase()}/${prefer}`;
    let entry = this.resolutions.get(key);
    if (entry === undefined) {
      const res = new Resolution(name, prefer === 4 ? TYPE_A : TYPE_AAAA, {
        resolveRetries: this.section.resolveRetries,
        timeoutResolve: this.section.timeoutResolve,
        timeoutRetry: this.section.timeoutRetry,
      }, this.clock());
      entry = { res, listeners: [] };
      this.resolutions.set(key, entry);
    }
    entry.listeners.push(listener);
    return entry.res;
  }

  /** Opens one socket per address family the nameservers use, then starts the rounds. */
  async start(): Promise<void> {
    const families = new Set(this.nameservers.map((ns) => (isIP(ns.host) === 6 ? 6 : 4)));
    for (const f of families) {
      const sock = createSocket(f === 6 ? 'udp6' : 'udp4');
      sock.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
      // A send error (unreachable nameserver) is a missing answer; the retry timer handles it.
      sock.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(0, () => {
          sock.off('error', reject);
          resolve();
        });
      });
      sock.unref();
      this.sockets[f] = sock;
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of Object.values(this.sockets)) s?.close();
    this.sockets = {};
    this.pending.clear();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    let next = Infinity;
    for (const { res } of this.resolutions.values()) next = Math.min(next, res.nextWake());
    if (next === Infinity) return;
    const delay = Math.max(1, Math.ceil(next - this.clock()));
    this.timer = setTimeout(() => this.onTimer(), delay);
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = this.clock();
    for (const entry of this.resolutions.values()) this.apply(entry, entry.res.tick(now), now);
    this.schedule();
  }

  private apply(entry: { res: Resolution; listeners: ResolutionListener[] }, step: { send?: number; ended?: boolean }, now: number, nameserver?: string): void {
    // Answers to the previous query of this resolution are no longer wanted.
    for (const [id, p] of this.pending) if (p.res === entry.res) this.pending.delete(id);
    if (step.send !== undefined) this.send(entry.res, step.send);
    if (step.ended === true) for (const l of entry.listeners) l(entry.res, now, nameserver);
  }

  private send(res: Resolution, type: number): void {
    let id = 0;
    // Bounded: 16 random draws among 65536 ids, then whichever was drawn last.
    for (let i = 0; i < 16; i++) {
      id = Math.floor(Math.random() * 0x10000);
      if (!this.pending.has(id)) break;
    }
    this.pending.set(id, { res, type });
    const query = encodeQuery(id, res.name, type, this.section.acceptedPayloadSize);
    for (const ns of this.nameservers) {
      const sock = this.sockets[isIP(ns.host) === 6 ? 6 : 4];
      if (sock === undefined) continue;
      const c = this.counters.get(ns.name)!;
      c.sent++;
      sock.send(query, ns.port, ns.host, (err) => {
        if (err) c.snd_error++;
      });
    }
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    const ns = this.nameservers.find((n) => n.port === rinfo.port && n.host === rinfo.address);
    // Only our nameservers may answer (anything else could be a spoofing attempt).
    if (ns === undefined) return;
    const counters = this.counters.get(ns.name)!;
    let answer: Answer;
    let pending: Pending | undefined;
    try {
      const m = decodeMessage(msg);
      pending = this.pending.get(m.id);
      if (pending === undefined) {
        // An answer to a query already given up (or never sent).
        counters.outdated++;
        return;
      }
      const q = m.questions[0];
      if (!m.response || q === undefined || q.type !== pending.type || q.name.toLowerCase() !== pending.res.name.toLowerCase().replace(/\.$/, '')) {
        counters.invalid++;
        return;
      }
      if (m.rcode === RCODE_NXDOMAIN) {
        counters.nx++;
        answer = { kind: 'nx' };
      } else if (m.rcode === RCODE_REFUSED) {
        counters.refused++;
        answer = { kind: 'refused' };
      } else if (m.truncated) {
        counters.truncated++;
        answer = { kind: 'other' };
      } else if (m.rcode !== RCODE_NOERROR) {
        counters.other++;
        answer = { kind: 'other' };
      }
      else {
        const addresses = addressesFor(m, pending.res.name, pending.type);
        if (m.answers.some((a) => a.type === TYPE_CNAME)) counters.cname++;
        if (addresses.length > 0) {
          counters.valid++;
          answer = { kind: 'valid', addresses };
        } else {
          counters.any_err++;
          answer = { kind: 'other' };
        }
      }
    } catch {
      counters.invalid++;
      return;
    }
    const entry = this.resolutions.get(`${pending.res.name.toLowerCase()}/${pending.res.preferred === TYPE_A ? 4 : 6}`);
    if (entry === undefined) return;
    const now = this.clock();
    const step = entry.res.answer(now, answer, this.nameservers.length);
    if (step.send !== undefined || step.ended === true) this.apply(entry, step, now, answer.kind === 'valid' ? ns.name : undefined);
    this.schedule();
  }
}
