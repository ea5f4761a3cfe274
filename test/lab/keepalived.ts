// keepalived (the reference VRRP implementation, from apt) as a lab node:
// its own config, pid files and console log in the test's temp directory
// (pid files in /run are shared between namespaces, and a second instance
// with the default ones exits silently).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { spawnIn, writeFile, type LabProcess } from './lab-process.ts';
import type { LabHost } from './netns.ts';
import { VIP } from './vrrp-config.ts';

export interface Keepalived {
  process: LabProcess;
  /** The VRRP child's PID (keepalived forks one even with -n). */
  vrrpPid(): number;
}

export function keepalivedConfig(o: { name: string; version: 2 | 3; priority: number; advertInterval: number; vrid?: number }): string {
  return `global_defs {
    router_id ${o.name}
    vrrp_version ${o.version}
}
vrrp_instance web {
    state BACKUP
    interface eth0
    virtual_router_id ${o.vrid ?? 51}
    priority ${o.priority}
    advert_int ${o.advertInterval / 1000}
    virtual_ipaddress {
        ${VIP}/32 dev eth0
    }
}
`;
}

export async function startKeepalived(t: ExecutionContext, host: LabHost, dir: string, config: string): Promise<Keepalived> {
  const conf = writeFile(dir, `${host.ns}-keepalived.conf`, config);
  const pid = (n: string): string => join(dir, `${host.ns}-${n}.pid`);
  // -n: no daemon; -l -D -G: detailed log on the console, not syslog; -P: VRRP only; -R: a killed VRRP child stays dead.
  const p = spawnIn(t, host, ['keepalived', '-n', '-l', '-D', '-G', '-P', '-R', '-f', conf, '-p', pid('main'), '-r', pid('vrrp'), '-c', pid('checker')]);
  await p.waitFor('keepalived to start', (l) => l.includes('(web) Entering BACKUP STATE'), 5000);
  return {
    process: p,
    vrrpPid: () => Number(readFileSync(pid('vrrp'), 'utf8').trim()),
  };
}
