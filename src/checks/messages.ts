// HAProxy's log wording for health, so that log analysers and people who
// know HAProxy read Hawser's lines unchanged:
//   Server app/app1 is DOWN, reason: Layer4 connection problem, info:
//   "Connection refused", check duration: 0ms. 0 active and 0 backup servers
//   left. 0 sessions active, 0 requeued, 0 remaining in queue.
// and, with `option log-health-checks`, one line per check that changed:
//   Health check for server app/app1 failed, reason: ..., status: 0/2 DOWN.

import type { CheckReport } from './health.ts';
import { statusDescription, statusHasData, statusOutcome, type CheckResult } from './status.ts';

/** HAProxy's chunk_asciiencode: non-printable bytes, '<', '>' and '"' become "<XX>". */
export function asciiEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3c || c === 0x3e || c === 0x22) {
      out += `<${(c & 0xff).toString(16).toUpperCase().padStart(2, '0')}>`;
    } else {
      out += text[i];
    }
  }
  return out;
}

/** ", reason: ..., code: N, info: "...", check duration: Nms" (srv_append_status). */
export function checkStatusText(result: CheckResult): string {
  let s = `, reason: ${statusDescription(result.status)}`;
  if (statusHasData(result.status)) s += `, code: ${result.code}`;
  if (result.info !== '') s += `, info: "${asciiEncode(result.info)}"`;
  if (result.durationMs >= 0) s += `, check duration: ${Math.round(result.durationMs)}ms`;
  return s;
}

export interface TransitionFacts {
  backend: string;
  server: string;
  backup?: boolean;
  up: boolean;
  /**
   * The check result that caused it. Leave it out when `option
   * log-health-checks` is on: HAProxy then logged the reason on the check's
   * own line and keeps the transition line short.
   */
  result?: CheckResult;
  /** Usable servers of the backend after the transition. */
  activeServers: number;
  backupServers: number;
  /** Sessions still on the server, moved to other servers, and waiting. */
  sessionsActive?: number;
  requeued?: number;
  queued?: number;
}

/** The "Server B/S is DOWN|UP..." line (srv_update_status), with its final period. */
export function transitionMessage(f: TransitionFacts): string {
  const who = `${f.backup ? 'Backup ' : ''}Server ${f.backend}/${f.server}`;
  const why = f.result ? checkStatusText(f.result) : '';
  const onBackup = f.backupServers > 0 && f.activeServers === 0 ? ' Running on backup.' : '';
  if (!f.up) {
    return `${who} is DOWN${why}. ${f.activeServers} active and ${f.backupServers} backup servers left.${onBackup}` +
      ` ${f.sessionsActive ?? 0} sessions active, ${f.requeued ?? 0} requeued, ${f.queued ?? 0} remaining in queue.`;
  }
  return `${who} is UP${why}. ${f.activeServers} active and ${f.backupServers} backup servers online.${onBackup}` +
    ` ${f.requeued ?? 0} sessions requeued, ${f.queued ?? 0} total in queue.`;
}

/**
 * The `option log-health-checks` line for one check, e.g. "Health check for
 * server app/app1 succeeded, reason: Layer7 check passed, code: 200, check
 * duration: 1ms, status: 2/2 UP." `weightZero` shows DRAIN instead of UP.
 */
export function checkLogMessage(target: { backend: string; server: string; backup?: boolean }, report: CheckReport, weightZero = false): string {
  const r = report.result;
  const outcome = statusOutcome(r.status);
  const verb = outcome === 'condpass' ? 'conditionally succeeded' : r.ok ? 'succeeded' : 'failed';
  const good = report.health >= report.rise;
  const counter = good ? `${report.health - report.rise + 1}/${report.fall}` : `${report.health}/${report.rise}`;
  const state = good ? (weightZero ? 'DRAIN' : 'UP') : 'DOWN';
  return `${report.source === 'agent' ? 'Agent' : 'Health'} check for ${target.backup ? 'backup ' : ''}server ` +
    `${target.backend}/${target.server} ${verb}${checkStatusText(r)}, status: ${counter} ${state}.`;
}

/** "backend app has no server available!" (`kind` is "proxy" for a listen section). */
export function noServerMessage(kind: 'backend' | 'proxy', name: string): string {
  return `${kind} ${name} has no server available!`;
}
