// What a session tells fetches (src/acl's SampleContext): the layer-4 facts
// and the process's backends, answered from what the session already holds.
// HTTP sessions override the request and response parts.

import { type ClientTlsFacts, type Sample, Variables } from '../acl/index.ts';
import type { RuleHost } from '../rules/index.ts';
import type { RuntimeBackend } from '../backend/index.ts';
import type { RuntimeFrontend } from './frontend.ts';
import type { Txn } from './txn.ts';
import { StickCounters } from '../stick/index.ts';

/** What `show sess` prints of a session. */
export interface SessionView {
  /** Process-wide number of the session, from 1. */
  readonly id: number;
  readonly mode: 'http' | 'tcp';
  /** Epoch ms of the accept. */
  readonly since: number;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly frontend: string;
  readonly backend: string | null;
  readonly server: string | null;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

let lastSessionId = 0;

export abstract class SessionSamples implements RuleHost {
  /** set-var / var(): this connection's variables (its transaction's too). */
  readonly vars = new Variables();
  /** Names the session in `show sess` (HAProxy prints its stream's address there). */
  readonly sessionId = ++lastSessionId;
  protected abstract readonly fe: RuntimeFrontend;
  protected abstract readonly txn: Txn;
  /** The backend chosen so far, if any. */
  protected abstract currentBackend(): RuntimeBackend | null;

  clientAddress(): string {
    return this.txn.clientAddr;
  }
  clientPort(): number {
    return this.txn.clientPort;
  }
  localAddress(): string {
    return this.txn.frontendAddr;
  }
  localPort(): number {
    return this.txn.frontendPort;
  }
  ssl(): boolean {
    return this.txn.tls !== null;
  }
  sni(): string | undefined {
    return this.txn.tls?.sni;
  }
  clientTls(): ClientTlsFacts | undefined {
    return this.txn.tls ?? undefined;
  }
  isResponse(): boolean {
    return false;
  }
  method(): string | undefined {
    return undefined;
  }
  url(): string | undefined {
    return undefined;
  }
  httpVersion(): string | undefined {
    return undefined;
  }
  requestHeaders(): readonly string[] | undefined {
    return undefined;
  }
  requestBody(): Buffer | undefined {
    return undefined;
  }
  requestLength(): number {
    return this.txn.bytesIn;
  }
  firstRequest(): boolean {
    return true;
  }
  status(): number {
    return 0;
  }
  responseVersion(): string | undefined {
    return undefined;
  }
  responseHeaders(): readonly string[] | undefined {
    return undefined;
  }
  frontendName(): string {
    return this.fe.name;
  }
  backendName(): string {
    return this.currentBackend()?.name ?? '';
  }
  env(name: string): string | undefined {
    return process.env[name];
  }
  nbsrv(backend: string | undefined): number {
    const be = this.lookup(backend);
    if (be === null) return 0;
    const active = be.usableCount;
    if (active > 0) return active;
    let backups = 0;
    for (const s of be.servers) if (s.backup && s.usable) backups++;
    return be.config.options.allbackups === true ? backups : Math.min(backups, 1);
  }
  beConn(backend: string | undefined): number {
    return this.lookup(backend)?.active ?? 0;
  }
  srvIsUp(backend: string | undefined, server: string): boolean {
    const s = this.lookup(backend)?.byName.get(server);
    return s !== undefined && s.checkUp && s.admin !== 'maint';
  }
  getVar(name: string, out: Sample): boolean {
    return this.vars.get(name, out);
  }
  /** track-sc0..2 of this session; null until a rule tracks something (sessions that do not pay nothing). */
  protected sc: StickCounters | null = null;
  stickCounters(): StickCounters | null {
    return this.sc;
  }
  trackCounters(): StickCounters {
    return (this.sc ??= new StickCounters());
  }
  requestPayload(): Buffer | undefined {
    return undefined;
  }
  requestMayGrow(): boolean {
    return false;
  }
  capture(response: boolean, slot: number, value: string): void {
    const t = this.txn;
    const values = response ? t.resCaptures : t.reqCaptures;
    if (values === null || slot >= values.length) return;
    const slots = response ? this.fe.rules.captures.response : this.fe.rules.captures.request;
    const len = slots[slot]!.len;
    values[slot] = value.length > len ? value.slice(0, len) : value;
  }
  setLogLevel(level: string): void {
    this.txn.logLevel = level;
  }

  describe(): SessionView {
    const t = this.txn;
    return {
      id: this.sessionId,
      mode: this.fe.mode,
      since: t.acceptDate,
      src: t.clientAddr,
      srcPort: t.clientPort,
      dst: t.frontendAddr,
      dstPort: t.frontendPort,
      frontend: this.fe.name,
      backend: this.currentBackend()?.name ?? null,
      server: t.server === '' ? null : t.server,
      bytesIn: t.bytesIn,
      bytesOut: t.bytesOut,
    };
  }

  private lookup(name: string | undefined): RuntimeBackend | null {
    if (name === undefined) return this.currentBackend() ?? this.fe.backends.get(this.fe.name) ?? null;
    return this.fe.backends.get(name) ?? null;
  }
}
