// `show servers state` (the format HAProxy's server-state-file uses, version 1)
// and `show backend`.

import type { CheckStatus, ServerHealth } from '../checks/index.ts';
import { statusOutcome } from '../checks/index.ts';
import type { RuntimeServer } from '../backend/index.ts';
import { statProxies, type RuntimeHost } from './host.ts';

export const SERVERS_STATE_HEADER =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';

// HAProxy's enum healthcheck_status order (check-t.h).
const CHECK_STATUS_NUM: Readonly<Record<CheckStatus, number>> = {
  UNK: 0, INI: 1, CHECKED: 3, HANA: 4, SOCKERR: 5, L4OK: 6, L4TOUT: 7, L4CON: 8, L6OK: 9, L6TOUT: 10,
  L6RSP: 11, L7TOUT: 12, L7RSP: 13, L7OK: 15, L7OKC: 16, L7STS: 17,
};
const CHECK_RESULT_NUM = { unknown: 0, neutral: 1, failed: 2, passed: 3, condpass: 4 } as const;

/** srv_admin_state bits: FMAINT 0x01, CMAINT 0x04 (from the config), FDRAIN 0x08, RMAINT 0x20 (resolution). */
function adminBits(s: RuntimeServer): number {
  const r = s.resolutionMaint ? 0x20 : 0;
  if (s.admin === 'maint') return r | (s.config.disabled === true ? 0x04 : 0x01);
  if (s.admin === 'drain') return r | 0x08;
  return r;
}

function checkState(hc: ServerHealth | undefined, agent: boolean, disabled: boolean): number {
  const present = agent ? hc?.counters.agentHealth !== undefined : hc?.counters.checkHealth !== undefined;
  if (!present) return 0;
  // CONFIGURED 0x02, ENABLED 0x04, PAUSED 0x08, AGENT 0x10
  let v = 0x02 | (disabled ? 0 : 0x04) | (agent ? 0x10 : 0);
  if (!agent && hc!.inMaintenance) v |= 0x08;
  return v;
}

export function showServersState(host: RuntimeHost, healthDisabled: ReadonlySet<RuntimeServer>, now: number, only?: string): string {
  let out = `1\n${SERVERS_STATE_HEADER}\n`;
  for (const p of statProxies(host)) {
    const be = p.backend;
    if (be === undefined || (only !== undefined && only !== be.name)) continue;
    for (const s of be.servers) {
      const hc = host.checkOf(s);
      const last = hc?.lastResult;
      const status: CheckStatus = last?.status ?? 'INI';
      const op = s.admin === 'maint' || s.resolutionMaint || !s.checkUp ? 0 : 2;
      const cfg = s.config;
      out +=
        [
          p.iid, be.name, s.id, s.name, s.host === '' ? '-' : s.host, op, adminBits(s), s.weight, s.configuredWeight,
          Math.max(0, Math.floor((now - s.lastChange) / 1000)),
          CHECK_STATUS_NUM[status], last ? CHECK_RESULT_NUM[statusOutcome(status)] : 0,
          // Entering maintenance zeroes the check's health in HAProxy (unless checks were disabled).
          s.admin === 'maint' && !healthDisabled.has(s) ? 0 : (hc?.counters.checkHealth ?? cfg.rise ?? 2),
          checkState(hc, false, healthDisabled.has(s)), checkState(hc, true, false),
          be.config.id !== undefined ? 1 : 0, be.config.servers.find((x) => x.name === s.name)?.id !== undefined ? 1 : 0,
          cfg.address.kind === 'inet' && cfg.address.hostname === true ? cfg.address.host : '-',
          s.port, '-', 0, cfg.checkPort ?? 0, cfg.checkAddr ?? '-', cfg.agentAddr ?? '-', cfg.agentPort ?? 0,
        ].join(' ') + '\n';
    }
  }
  return out;
}

export function showBackend(host: RuntimeHost): string {
  let out = '# name\n';
  for (const p of statProxies(host)) if (p.backend) out += `${p.name}\n`;
  return out;
}
