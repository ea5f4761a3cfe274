// What a scenario showed, computed from what was recorded (pure: no I/O):
// the client's request lines, the nodes' VRRP transitions and the times the
// VIP appeared; then the verdict against thresholds, and the report as a
// table or JSON.

export interface RequestRecord {
  /** client id */
  c: string;
  /** sent, done (ms, wall clock) */
  t: number;
  d: number;
  /** status (0: no response) */
  s: number;
  srv: string;
  node: string;
  /** error code when s is 0 */
  e: string;
}

export interface Transition {
  node: string;
  at: number;
  to: string;
  /** For the trace: why (VRRP's reason) and the priority then. */
  reason?: string;
  priority?: number;
}

export interface Thresholds {
  /** ms from SIGKILL to the first successful request through the VIP. */
  killTakeoverMs: number;
  /** ms from a graceful stop to the first successful request. */
  gracefulTakeoverMs: number;
  /** Failed requests allowed in a graceful stop, a reload or a return. */
  gracefulFailed: number;
  /** % of sticky clients that must keep their server. */
  stickyPct: number;
  /** ms of two masters allowed after a partition heals. */
  splitBrainMs: number;
}

export interface ScenarioInput {
  name: string;
  /** When the fault was injected. */
  t0: number;
  /** When the window ends (after recovery settled). */
  tEnd: number;
  /** The node expected to take over (undefined: no takeover expected). */
  newMaster: string | undefined;
  /** The time the VIP was added on the new master, if seen. */
  vipAt: number | undefined;
  records: readonly RequestRecord[];
  transitions: readonly Transition[];
  /** Split brain is counted from this time on (a partition: when it heals). */
  splitFrom: number;
  /** Requests that may fail (SIGKILL, partition: in flight or unroutable). */
  failuresAllowed: boolean;
  /**
   * A handover (graceful stop, preemption): failed requests sent before the
   * client's first one that reached the new master went to the old one,
   * which was leaving; they are counted apart, as in flight on it.
   */
  inFlightExempt?: boolean;
  takeoverLimitMs: number | undefined;
  peersLagMs: number | undefined;
  notes: string[];
}

export interface ScenarioResult {
  name: string;
  /** When the fault was injected and the window ended (ms, wall clock). */
  t0: number;
  tEnd: number;
  newMaster: string | null;
  /** ms after t0 */
  advertMs: number | null;
  vipMs: number | null;
  firstOkMs: number | null;
  requests: number;
  failed: number;
  failedBy: Record<string, number>;
  /** Of `failed`, those in flight on the old master (inFlightExempt), not judged. */
  failedInFlight: number;
  stickyKept: number;
  stickyTotal: number;
  /** The sticky clients that were served by another server after the fault. */
  stickyLost: string[];
  /**
   * The rate-limited client: requests and 429s in the 5 s before the fault,
   * and from the first success through the new master to the end; `allowed*`
   * counts what got through, the before figure over a window as long as the
   * after one (a limit that holds lets no more through after a takeover).
   */
  limited: { before: number; beforeDenied: number; after: number; afterDenied: number; allowedBefore: number; allowedAfter: number };
  splitBrainMs: number;
  peersLagMs: number | null;
  verdict: 'pass' | 'fail';
  why: string[];
  notes: string[];
}

const STICKY = /^(cookie|src)-/;

function failureReason(r: RequestRecord): string {
  return r.s === 0 ? r.e || 'no response' : String(r.s);
}

function isFailure(r: RequestRecord): boolean {
  if (r.c === 'limited' && r.s === 429) return false;
  return r.s !== 200;
}

/** ms during which two or more nodes were master, from `from` to `to`. */
export function splitBrain(transitions: readonly Transition[], from: number, to: number, initial: ReadonlyMap<string, string>): number {
  const state = new Map(initial);
  const sorted = [...transitions].sort((a, b) => a.at - b.at);
  let total = 0;
  let since: number | undefined;
  const masters = (): number => [...state.values()].filter((s) => s === 'Master').length;
  for (const tr of sorted) {
    if (tr.at > to) break;
    const before = masters() >= 2;
    state.set(tr.node, tr.to);
    const after = masters() >= 2;
    if (!before && after) since = Math.max(tr.at, from);
    if (before && !after && since !== undefined) {
      if (tr.at > from) total += tr.at - Math.max(since, from);
      since = undefined;
    }
    if (before && !after) since = undefined;
  }
  if (masters() >= 2 && since !== undefined) total += to - since;
  return total;
}

export function evaluate(i: ScenarioInput, th: Thresholds, initial: ReadonlyMap<string, string>): ScenarioResult {
  const why: string[] = [];
  const window = i.records.filter((r) => r.t >= i.t0 && r.t <= i.tEnd);
  const failures = window.filter(isFailure);
  const failedBy: Record<string, number> = {};
  for (const r of failures) failedBy[failureReason(r)] = (failedBy[failureReason(r)] ?? 0) + 1;

  const adv = i.newMaster === undefined ? undefined : i.transitions.find((tr) => tr.node === i.newMaster && tr.to === 'Master' && tr.at >= i.t0);
  const firstOk = i.newMaster === undefined ? undefined : window.find((r) => r.s === 200 && r.node === i.newMaster);
  const rel = (t: number | undefined): number | null => (t === undefined ? null : t - i.t0);

  // Sticky clients: the server of their last success before t0 against every success after.
  let kept = 0;
  let total = 0;
  const lost: string[] = [];
  const ids = new Set(i.records.filter((r) => STICKY.test(r.c)).map((r) => r.c));
  for (const id of ids) {
    const before = i.records.filter((r) => r.c === id && r.s === 200 && r.t < i.t0).at(-1);
    if (before === undefined) continue;
    total++;
    if (window.filter((r) => r.c === id && r.s === 200).every((r) => r.srv === before.srv)) kept++;
    else lost.push(id);
  }

  const lim = i.records.filter((r) => r.c === 'limited');
  const limBefore = lim.filter((r) => r.t >= i.t0 - 5000 && r.t < i.t0);
  const limAfter = lim.filter((r) => r.t >= (firstOk?.d ?? i.t0) && r.t <= i.tEnd);
  const denied = (rs: RequestRecord[]): number => rs.filter((r) => r.s === 429).length;
  const allowed = (rs: RequestRecord[]): number => rs.filter((r) => r.s === 200).length;
  // As long as the after window, ending at the fault: the client's start-up burst (before its rate built up) stays out.
  const afterSpan = i.tEnd - (firstOk?.d ?? i.t0);
  const allowedBefore = allowed(limBefore.filter((r) => r.t >= i.t0 - afterSpan));

  const split = splitBrain(i.transitions, i.splitFrom, i.tEnd, initial);

  if (i.newMaster !== undefined && firstOk === undefined) why.push(`no successful request through ${i.newMaster}`);
  if (i.takeoverLimitMs !== undefined && firstOk !== undefined && firstOk.d - i.t0 > i.takeoverLimitMs) {
    why.push(`takeover ${firstOk.d - i.t0} ms > ${i.takeoverLimitMs} ms`);
  }
  const inFlight = i.inFlightExempt === true ? failures.filter((r) => firstOk === undefined || r.t < firstOk.t).length : 0;
  const judged = failures.length - inFlight;
  if (!i.failuresAllowed && judged > th.gracefulFailed) {
    why.push(`${judged} failed requests > ${th.gracefulFailed}${inFlight > 0 ? ` (besides ${inFlight} in flight on the old master)` : ''}`);
  }
  if (total > 0 && (kept * 100) / total < th.stickyPct) why.push(`sticky clients kept ${kept}/${total} < ${th.stickyPct}% (moved: ${lost.join(' ')})`);
  if (split > th.splitBrainMs) why.push(`split brain ${split} ms > ${th.splitBrainMs} ms`);
  if (limBefore.length > 0 && denied(limBefore) === 0) why.push('the rate limit denied nothing before the fault');
  if (limBefore.length > 0 && limAfter.length > 0 && denied(limAfter) === 0) why.push('the rate limit denied nothing after the takeover');
  else if (limBefore.length > 0 && allowed(limAfter) > allowedBefore) {
    why.push(`the rate limit let ${allowed(limAfter)} requests through after the takeover against ${allowedBefore} before: the new master did not know the client's rate`);
  }

  return {
    name: i.name,
    t0: i.t0,
    tEnd: i.tEnd,
    newMaster: i.newMaster ?? null,
    advertMs: rel(adv?.at),
    vipMs: rel(i.vipAt),
    firstOkMs: rel(firstOk?.d),
    requests: window.length,
    failed: failures.length,
    failedBy,
    failedInFlight: inFlight,
    stickyKept: kept,
    stickyTotal: total,
    stickyLost: lost,
    limited: {
      before: limBefore.length,
      beforeDenied: denied(limBefore),
      after: limAfter.length,
      afterDenied: denied(limAfter),
      allowedBefore,
      allowedAfter: allowed(limAfter),
    },
    splitBrainMs: split,
    peersLagMs: i.peersLagMs ?? null,
    verdict: why.length === 0 ? 'pass' : 'fail',
    why,
    notes: i.notes,
  };
}

function ms(v: number | null): string {
  return v === null ? '-' : `${Math.round(v)}`;
}

/** The human report: one row per scenario, the reasons for each failure, then what the drill noticed about the cluster. */
export function formatReport(results: readonly ScenarioResult[], clusterNotes: readonly string[] = []): string {
  const head = ['scenario', 'new master', 'advert ms', 'VIP ms', '1st OK ms', 'requests', 'failed', 'sticky kept', 'limit 429 before/after', 'split ms', 'peers lag', 'verdict'];
  const rows = results.map((r) => [
    r.name,
    r.newMaster ?? '-',
    ms(r.advertMs),
    ms(r.vipMs),
    ms(r.firstOkMs),
    String(r.requests),
    r.failed === 0
      ? '0'
      : `${r.failed} (${Object.entries(r.failedBy).map(([k, v]) => `${k}:${v}`).join(' ')}${r.failedInFlight > 0 ? `; ${r.failedInFlight} in flight on the old master` : ''})`,
    r.stickyTotal === 0 ? '-' : `${r.stickyKept}/${r.stickyTotal}`,
    r.limited.before === 0 ? '-' : `${r.limited.beforeDenied}/${r.limited.before} → ${r.limited.afterDenied}/${r.limited.after}`,
    String(r.splitBrainMs),
    r.peersLagMs === null ? '-' : `${r.peersLagMs} ms`,
    r.verdict.toUpperCase(),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string => cells.map((v, c) => v.padEnd(widths[c]!)).join('  ').trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const r of results) {
    for (const w of r.why) out.push(`${r.name}: FAIL: ${w}`);
    for (const n of r.notes) out.push(`${r.name}: ${n}`);
  }
  for (const n of clusterNotes) out.push(`cluster: ${n}`);
  const failed = results.filter((r) => r.verdict === 'fail').length;
  out.push('', failed === 0 ? `drill: ${results.length} scenarios passed` : `drill: ${failed} of ${results.length} scenarios FAILED`);
  return out.join('\n');
}
