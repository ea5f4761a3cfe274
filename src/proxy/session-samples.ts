// What a session tells fetches (src/acl's SampleContext): the layer-4 facts
// and the process's backends, answered from what the session already holds.
// HTTP sessions override the request and response parts.

import type { Sample, SampleContext } from '../acl/index.ts';
import type { RuntimeBackend } from '../backend/index.ts';
import type { RuntimeFrontend } from './frontend.ts';
import type { Txn } from './txn.ts';

export abstract class SessionSamples implements SampleContext {
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
    return false;
  }
  sni(): string | undefined {
    return undefined;
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
  getVar(_name: string, _out: Sample): boolean {
    return false; // variables arrive with set-var (issue 3's rules)
  }

  private lookup(name: string | undefined): RuntimeBackend | null {
    if (name === undefined) return this.currentBackend() ?? this.fe.backends.get(this.fe.name) ?? null;
    return this.fe.backends.get(name) ?? null;
  }
}
