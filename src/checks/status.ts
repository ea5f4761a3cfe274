// HAProxy's health-check status codes: the short names shown in the stats
// (`check_status`), the long descriptions used in logs ("reason: ..."), and
// what each one means for the server's health counter. One table, so the
// stats page, the logs and the state machine can never disagree.

/** One finished check's outcome, as HAProxy names it. */
export type CheckStatus =
  | 'UNK'
  | 'INI'
  | 'CHECKED'
  | 'HANA'
  | 'SOCKERR'
  | 'L4OK'
  | 'L4TOUT'
  | 'L4CON'
  | 'L6OK'
  | 'L6TOUT'
  | 'L6RSP'
  | 'L7TOUT'
  | 'L7RSP'
  | 'L7OK'
  | 'L7OKC'
  | 'L7STS';

/**
 * What a status does to the health counter: `passed` raises it, `condpass`
 * raises it but asks for no new traffic (NOLB), `failed` lowers it, and
 * `neutral` leaves it alone (an agent that only reported a weight).
 */
export type CheckOutcome = 'unknown' | 'neutral' | 'failed' | 'passed' | 'condpass';

interface StatusInfo {
  outcome: CheckOutcome;
  description: string;
  /** HAProxy's "status >= HCHK_STATUS_L57DATA". */
  hasData: boolean;
}

const STATUSES: Readonly<Record<CheckStatus, StatusInfo>> = {
  UNK: { outcome: 'unknown', description: 'Unknown', hasData: false },
  INI: { outcome: 'unknown', description: 'Initializing', hasData: false },
  CHECKED: { outcome: 'neutral', description: 'No status change', hasData: false },
  HANA: { outcome: 'failed', description: 'Health analyze', hasData: false },
  SOCKERR: { outcome: 'failed', description: 'Socket error', hasData: false },
  L4OK: { outcome: 'passed', description: 'Layer4 check passed', hasData: false },
  L4TOUT: { outcome: 'failed', description: 'Layer4 timeout', hasData: false },
  L4CON: { outcome: 'failed', description: 'Layer4 connection problem', hasData: false },
  L6OK: { outcome: 'passed', description: 'Layer6 check passed', hasData: false },
  L6TOUT: { outcome: 'failed', description: 'Layer6 timeout', hasData: false },
  L6RSP: { outcome: 'failed', description: 'Layer6 invalid response', hasData: false },
  L7TOUT: { outcome: 'failed', description: 'Layer7 timeout', hasData: false },
  L7RSP: { outcome: 'failed', description: 'Layer7 invalid response', hasData: false },
  L7OK: { outcome: 'passed', description: 'Layer7 check passed', hasData: true },
  L7OKC: { outcome: 'condpass', description: 'Layer7 check conditionally passed', hasData: true },
  L7STS: { outcome: 'failed', description: 'Layer7 wrong status', hasData: true },
};

/** The long description HAProxy logs after "reason: ". */
export function statusDescription(status: CheckStatus): string {
  return STATUSES[status].description;
}

export function statusOutcome(status: CheckStatus): CheckOutcome {
  return STATUSES[status].outcome;
}

/**
 * True for the statuses that carry layer 5-7 data (L7OK, L7OKC, L7STS): the
 * only ones whose log line shows ", code: N", and the only agent failures
 * that count (an agent that cannot be reached says nothing about the server).
 */
export function statusHasData(status: CheckStatus): boolean {
  return STATUSES[status].hasData;
}

/** The result of one check run. */
export interface CheckResult {
  /** passed or conditionally passed */
  ok: boolean;
  status: CheckStatus;
  /** HTTP status, SMTP reply code, MySQL error number...; 0 when none. */
  code: number;
  /** HAProxy's "info" text (raw bytes as latin1; logs escape it). Empty when none. */
  info: string;
  durationMs: number;
  /** Set by agent checks: what the agent asked for. */
  agent?: AgentCommand;
}

/** What a load-feedback agent asked for, parsed from its reply line. */
export interface AgentCommand {
  /** "up", or "down" / "stopped" / "fail" (all three mark the server DOWN). */
  health?: 'up' | 'down' | 'stopped' | 'fail';
  /** Administrative state: "ready" cancels drain and maint. */
  admin?: 'ready' | 'drain' | 'maint';
  /** "75%": weight relative to the configured one (0..25600, see `agentWeight`). */
  weightPercent?: number;
  /** "maxconn:30" */
  maxconn?: number;
  /** Text after '#' (kept only when a health word was given, as HAProxy does). */
  message?: string;
  /** The first word the agent sent that means nothing (reported, otherwise ignored). */
  error?: string;
  /** A malformed weight or maxconn word, as HAProxy words the complaint. */
  warning?: string;
}

/** Max length HAProxy keeps for a check's info text (HCHK_DESC_LEN - 1). */
export const INFO_MAX = 127;

/** Cuts an info text as HAProxy stores it: at the first NUL, and to 127 bytes. */
export function cutInfo(info: string): string {
  const nul = info.indexOf('\0');
  if (nul >= 0) info = info.slice(0, nul);
  return info.length > INFO_MAX ? info.slice(0, INFO_MAX) : info;
}

export function makeResult(status: CheckStatus, info: string, code: number, durationMs: number): CheckResult {
  const outcome = STATUSES[status].outcome;
  return { ok: outcome === 'passed' || outcome === 'condpass', status, code, info: cutInfo(info), durationMs };
}
