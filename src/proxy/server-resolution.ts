// Servers given by name: their first address at start-up (`init-addr`) and
// their address at run time (`resolvers NAME`), applied through the same
// runtime functions as `set server B/S addr`. The DNS work itself is in
// src/dns; this file connects its answers to the servers.

import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Config, ResolversSection } from '../config/index.ts';
import type { RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import { RuntimeResolvers, resolvConfNameservers, showResolvers, verdict, type Nameserver, type ResolversCounters } from '../dns/index.ts';
import { applyServerAddr, setResolutionMaint, type Command, type RuntimeHost } from '../runtime/index.ts';

/** HAProxy's default: `init-addr last,libc`. */
const DEFAULT_INIT_ADDR = ['last', 'libc'];

/** The name a server was written with, when it was written with one. */
function serverName(s: RuntimeServer): string | undefined {
  const a = s.config.address;
  return a.kind === 'inet' && a.hostname === true ? a.host : undefined;
}

/**
 * Gives every server written with a name its first address, trying its
 * `init-addr` methods in order: `last` (the server-state file, not kept
 * by Hawser, so skipped), `libc` (the system resolver), an IP, or `none`
 * (no address: the server waits in maintenance for its resolvers). A server
 * carried over by a reload already has one. Returns one problem per server
 * left without any; the caller refuses to start.
 */
export async function initServerAddresses(backends: ReadonlyMap<string, RuntimeBackend>): Promise<string[]> {
  const errors: string[] = [];
  const jobs: Array<Promise<void>> = [];
  for (const be of backends.values()) {
    for (const s of be.servers) {
      const name = serverName(s);
      if (name === undefined || s.path !== null || isIP(s.host) !== 0 || s.resolutionMaint) continue;
      jobs.push(
        initOne(s, name).then((ok) => {
          if (!ok) errors.push(`${s.config.pos.file}:${s.config.pos.line}: could not resolve address '${name}' for server '${be.name}/${s.name}'`);
        }),
      );
    }
  }
  await Promise.all(jobs);
  return errors;
}

async function initOne(s: RuntimeServer, name: string): Promise<boolean> {
  for (const m of s.config.initAddr ?? DEFAULT_INIT_ADDR) {
    if (m === 'last') continue;
    if (m === 'none') {
      // Quietly, as HAProxy does while starting: the stats say MAINT (resolution).
      s.host = '';
      s.resolutionMaint = true;
      s.refreshUsable();
      return true;
    }
    if (m === 'libc') {
      try {
        // `ipv4@` forces the family; `resolve-prefer ipv4` asks for it too (localhost must not become ::1).
        const v4 = s.family === 4 || s.config.resolvePrefer === 'ipv4';
        const r = await lookup(name, { family: v4 ? 4 : s.family === 6 ? 6 : 0 });
        s.host = r.address;
        s.family = r.family as 4 | 6;
        return true;
      } catch {
        continue;
      }
    }
    const f = isIP(m);
    if (f !== 0) {
      s.host = m;
      s.family = f as 4 | 6;
      return true;
    }
  }
  return false;
}

/** The `resolvers` sections in force and the servers that follow them (rebuilt on reload). */
export class ServerResolvers {
  private running: RuntimeResolvers[] = [];

  /** Starts a resolver for each section some server uses; problems (sockets, resolv.conf) are returned, not thrown. */
  async start(config: Config, backends: ReadonlyMap<string, RuntimeBackend>, host: RuntimeHost): Promise<string[]> {
    this.stop();
    const problems: string[] = [];
    const bySection = new Map<string, RuntimeResolvers>();
    for (const be of backends.values()) {
      for (const s of be.servers) {
        const name = serverName(s);
        const sectionName = s.config.resolvers;
        const section = sectionName === undefined ? undefined : config.resolvers?.get(sectionName);
        // `init-addr none`: nothing to check until the name resolves (setResolutionMaint resumes it).
        if (s.resolutionMaint) host.checkOf(s)?.setMaintenance(true);
        if (name === undefined || section === undefined) continue;
        let rr = bySection.get(section.name);
        if (rr === undefined) {
          rr = new RuntimeResolvers(section, await nameserversOf(section, problems));
          bySection.set(section.name, rr);
        }
        const prefer = s.config.address.kind === 'inet' && s.config.address.family === 4 ? 4 : s.config.resolvePrefer === 'ipv4' ? 4 : 6;
        rr.watch(name, prefer, (res, now, ns) => {
          const v = verdict(res.status, res.addresses, res.lastValid, section.hold, { address: s.host, resolutionMaint: s.resolutionMaint }, now);
          switch (v.kind) {
            case 'keep':
              return;
            case 'address':
              applyServerAddr(host, be, s, v.address, undefined, `${section.name}/${ns ?? '-'}`);
              if (ns !== undefined) rr.counters.get(ns)!.update++;
              if (v.leaveMaint) setResolutionMaint(host, be, s, false, 'dns', now);
              return;
            case 'ready':
              setResolutionMaint(host, be, s, false, 'dns', now);
              return;
            case 'maint':
              setResolutionMaint(host, be, s, true, v.cause, now);
              // HAProxy forgets the address: a later answer is a change from "(none)".
              s.host = '';
              return;
          }
        });
      }
    }
    for (const rr of bySection.values()) {
      try {
        await rr.start();
        this.running.push(rr);
      } catch (err) {
        problems.push(`resolvers '${rr.section.name}': ${(err as Error).message}`);
      }
    }
    return problems;
  }

  stop(): void {
    for (const rr of this.running) rr.stop();
    this.running = [];
  }

  /** Every running section's nameserver counters, in configuration order. */
  counters(): ResolversCounters[] {
    return this.running.map((rr) => ({ name: rr.section.name, nameservers: rr.counters }));
  }
}

/** `show resolvers [NAME]`. */
export function resolversCommands(resolvers: ServerResolvers): Command[] {
  return [
    {
      words: ['show', 'resolvers'],
      usage: 'show resolvers [id]',
      help: 'dumps counters from all resolvers section and associated name servers',
      level: 'user',
      run: (args) => showResolvers(resolvers.counters(), args[0]),
    },
  ];
}

async function nameserversOf(section: ResolversSection, problems: string[]): Promise<Nameserver[]> {
  const out: Nameserver[] = [];
  for (const ns of section.nameservers) {
    if (ns.address.kind === 'inet') out.push({ name: ns.name, host: ns.address.host, port: ns.address.port });
  }
  if (section.parseResolvConf) {
    try {
      out.push(...resolvConfNameservers(await readFile('/etc/resolv.conf', 'utf8')));
    } catch (err) {
      problems.push(`resolvers '${section.name}': parse-resolv-conf: ${(err as Error).message}`);
    }
  }
  return out;
}
