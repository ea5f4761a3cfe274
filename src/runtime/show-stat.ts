// `show stat`: HAProxy 2.6's CSV of every frontend, server and backend, with
// the same columns in the same order and the same empty cells, so scripts,
// hatop and exporters that read HAProxy's CSV read ours.

import { hostPort } from '../config/index.ts';
import type { RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import { statusDescription, type CheckStatus, type ServerHealth } from '../checks/index.ts';
import type { RuntimeFrontend } from '../proxy/index.ts';
import { statProxies, type RuntimeHost, type StatProxy } from './host.ts';
import { STAT_FIELDS, STAT_HEADER, type StatField } from './stat-fields.ts';
import { statFieldShown, statFieldTag } from './stat-field-tags.ts';

type Row = Partial<Record<StatField, string | number>>;

/** What `show stat` was asked for: a proxy (by id or name), a type mask, a server id. */
export interface StatFilter {
  proxy?: string;
  /** 1 frontends, 2 backends, 4 servers; -1 all. */
  types: number;
  sid: number;
  up: boolean;
  noMaint: boolean;
}

export const ALL_STATS: StatFilter = { types: -1, sid: -1, up: false, noMaint: false };

export interface StatView {
  host: RuntimeHost;
  /** Servers whose health check was disabled from the runtime API. */
  healthDisabled: ReadonlySet<RuntimeServer>;
  now: number;
}

/** C's atoi: leading digits (with a sign), 0 when there are none. */
function atoi(s: string): number {
  return Number.parseInt(s, 10) || 0;
}

/**
 * Parses `show stat` arguments as HAProxy 2.6 does: an optional `domain
 * proxy`, then `<proxy> <type> <sid>` only when all three are there (a
 * proxy name, else its number), then options; other words are ignored.
 * Returns an error message in HAProxy's words, or the filter.
 */
export function parseStatArgs(args: string[], proxyNames: ReadonlySet<string> = new Set()): StatFilter | string {
  const f: StatFilter = { ...ALL_STATS };
  let i = 0;
  if (args[i] === 'domain') {
    i++;
    if (args[i] === 'proxy') i++;
    else if (args[i] === 'resolvers') return '';
    else return 'Invalid statistics domain.\n';
  }
  const given = (k: number): boolean => args[k] !== undefined && args[k] !== '';
  if (given(i) && given(i + 1) && given(i + 2)) {
    const iid = proxyNames.has(args[i]) ? args[i] : atoi(args[i]);
    if (iid === 0) return 'No such proxy.\n';
    if (iid !== -1) f.proxy = String(iid);
    f.types = atoi(args[i + 1]);
    f.sid = atoi(args[i + 2]);
    i += 3;
  }
  for (; i < args.length; i++) {
    if (args[i] === 'up') f.up = true;
    else if (args[i] === 'no-maint') f.noMaint = true;
  }
  return f;
}

/** The stat rows, each as the 128 fields in order. */
export function statRows(view: StatView, filter: StatFilter = ALL_STATS): string[][] {
  const out: string[][] = [];
  for (const p of statProxies(view.host)) {
    if (filter.proxy !== undefined && filter.proxy !== p.name && filter.proxy !== String(p.iid)) continue;
    if (p.frontend && filter.types & 1) out.push(toFields(frontendRow(p, p.frontend, view)));
    if (p.backend && filter.types & 4) {
      for (const s of p.backend.servers) {
        if (filter.sid !== -1 && filter.sid !== s.id) continue;
        if (filter.noMaint && (s.admin === 'maint' || s.resolutionMaint)) continue;
        if (filter.up && !(s.usable || (s.checkUp && s.admin !== 'maint'))) continue;
        out.push(toFields(serverRow(p, p.backend, s, view)));
      }
    }
    if (p.backend && filter.types & 2) out.push(toFields(backendRow(p, p.backend, view)));
  }
  return out;
}

/** The whole CSV answer: header, rows, each line ending with a comma as HAProxy's do. */
export function showStatCsv(view: StatView, filter: StatFilter = ALL_STATS): string {
  let s = STAT_HEADER + '\n';
  for (const r of statRows(view, filter)) s += r.join(',') + ',\n';
  return s;
}

/** `show stat typed`: one `T.iid.sid.pos.name.1:` line per non-empty field. */
export function showStatTyped(view: StatView, filter: StatFilter = ALL_STATS): string {
  let s = '';
  for (const r of statRows(view, filter)) {
    const type = Number(r[32]);
    const prefix = `${type === 0 ? 'F' : type === 1 ? 'B' : 'S'}.${r[27]}.${r[28]}.`;
    for (let i = 0; i < r.length; i++) {
      if (!statFieldShown(r, i)) continue;
      const tag = statFieldTag(type, i);
      if (tag !== null) s += `${prefix}${tag.pos}.${STAT_FIELDS[i]}.1:${tag.tags}:${tag.type}:${r[i]}\n`;
    }
    s += '\n';
  }
  return s;
}

function toFields(row: Row): string[] {
  const out = new Array<string>(STAT_FIELDS.length);
  for (let i = 0; i < STAT_FIELDS.length; i++) {
    const v = row[STAT_FIELDS[i]];
    out[i] = v === undefined ? '' : csvCell(String(v));
  }
  return out;
}

// HAProxy quotes nothing; it replaces the separators a free text may carry.
function csvCell(v: string): string {
  return /[,\n\r]/.test(v) ? v.replace(/[,\n\r]/g, ' ') : v;
}

/** Only layer 5-7 statuses carry a code (HTTP status, SMTP reply...). */
function statusHasData(st: CheckStatus): boolean {
  return st === 'L7OK' || st === 'L7OKC' || st === 'L7STS';
}

function zeros(row: Row, names: readonly StatField[]): void {
  for (const n of names) row[n] = 0;
}

const SSL_FIELDS = ['ssl_sess', 'ssl_reused_sess', 'ssl_failed_handshake'] as const;
const MUX_FIELDS = STAT_FIELDS.slice(STAT_FIELDS.indexOf('h2_headers_rcvd'));
const COMP_FIELDS = ['comp_in', 'comp_out', 'comp_byp', 'comp_rsp'] as const;
const HRSP_FIELDS = ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'] as const;
const TIME_FIELDS = ['qtime', 'ctime', 'rtime', 'ttime', 'qtime_max', 'ctime_max', 'rtime_max', 'ttime_max'] as const;

function secondsSince(t: number, now: number): number {
  return Math.max(0, Math.floor((now - t) / 1000));
}

function frontendRow(p: StatProxy, fe: RuntimeFrontend, view: StatView): Row {
  const http = fe.mode === 'http';
  const row: Row = {
    pxname: p.name,
    svname: 'FRONTEND',
    scur: fe.active,
    smax: fe.maxActive,
    slim: fe.maxconn || view.host.counters.maxconn || '',
    stot: fe.cumConns,
    bin: fe.bytesIn,
    bout: fe.bytesOut,
    dreq: fe.deniedReq,
    dresp: 0,
    ereq: fe.failedReq,
    status: fe.stopping ? 'STOP' : 'OPEN',
    pid: 1,
    iid: p.iid,
    sid: 0,
    type: 0,
    rate: 0,
    rate_lim: 0,
    rate_max: 0,
    req_rate: 0,
    req_rate_max: 0,
    req_tot: http ? fe.cumRequests : 0,
    mode: fe.mode,
    conn_rate: 0,
    conn_rate_max: 0,
    conn_tot: fe.cumConns,
    dcon: fe.deniedConn,
    dses: fe.deniedSess,
    wrew: 0,
    eint: 0,
    '-': '-',
  };
  zeros(row, COMP_FIELDS);
  zeros(row, SSL_FIELDS);
  zeros(row, MUX_FIELDS);
  if (http) {
    HRSP_FIELDS.forEach((n, i) => (row[n] = fe.responses[i]));
    row.intercepted = 0;
    row.cache_lookups = 0;
    row.cache_hits = 0;
  }
  return row;
}

/** The server's status word as HAProxy's stats print it ("UP 1/3", "no check", "MAINT"...). */
export function serverStatus(s: RuntimeServer, hc: ServerHealth | undefined, checkEnabled: boolean): string {
  if (s.resolutionMaint) return 'MAINT (resolution)';
  if (s.admin === 'maint') return 'MAINT';
  const c = hc?.counters;
  const last = hc?.lastResult;
  const settingsRise = s.config.rise ?? 2;
  const settingsFall = s.config.fall ?? 3;
  if (s.checkUp) {
    let st = 'UP';
    if (checkEnabled && c?.checkHealth !== undefined && c.checkHealth < settingsRise + settingsFall - 1 && last !== undefined) {
      st = `UP ${c.checkHealth - settingsRise + 1}/${settingsFall}`;
    }
    if (s.admin === 'drain') return st === 'UP' ? 'DRAIN' : `DRAIN ${st.slice(3)}`;
    if (st === 'UP' && !checkEnabled) return 'no check';
    return st;
  }
  if (checkEnabled && c?.checkHealth !== undefined && c.checkHealth > 0) return `DOWN ${c.checkHealth}/${settingsRise}`;
  return 'DOWN';
}

function serverRow(p: StatProxy, be: RuntimeBackend, s: RuntimeServer, view: StatView): Row {
  const http = be.mode === 'http';
  const hc = view.host.checkOf(s);
  const hasCheck = hc !== undefined && hc.counters.checkHealth !== undefined;
  const checkEnabled = hasCheck && !view.healthDisabled.has(s) && s.admin !== 'maint';
  const row: Row = {
    pxname: p.name,
    svname: s.name,
    qcur: be.queuedFor(s),
    qmax: 0,
    scur: s.active,
    smax: s.maxActive,
    slim: s.maxconn || '',
    qlimit: s.maxqueue || '',
    stot: s.cumConns,
    bin: s.bytesIn,
    bout: s.bytesOut,
    dresp: 0,
    econ: s.failedConns,
    eresp: s.failedResp,
    wretr: s.retries,
    wredis: s.redispatches,
    status: serverStatus(s, hc, checkEnabled),
    weight: s.weight,
    act: s.backup ? 0 : 1,
    bck: s.backup ? 1 : 0,
    lastchg: secondsSince(s.lastChange, view.now),
    pid: 1,
    iid: p.iid,
    sid: s.id,
    lbtot: s.cumConns,
    type: 2,
    rate: 0,
    rate_max: 0,
    cli_abrt: 0,
    srv_abrt: 0,
    lastsess: -1,
    // A server waiting for its name to resolve has no address yet.
    addr: s.host === '' ? '' : hostPort(s.host, s.port),
    mode: be.mode,
    wrew: 0,
    connect: 0,
    reuse: 0,
    srv_icur: s.idle.length,
    eint: 0,
    idle_conn_cur: s.idle.length,
    safe_conn_cur: 0,
    used_conn_cur: s.active,
    need_conn_est: 0,
    uweight: s.weight,
    '-': '-',
  };
  zeros(row, TIME_FIELDS);
  zeros(row, SSL_FIELDS);
  if (http) {
    HRSP_FIELDS.forEach((n, i) => (row[n] = s.responses[i]));
    row.req_tot = s.responses.reduce((a, b) => a + b, 0);
  }
  if (hasCheck) {
    const c = hc.counters;
    row.chkfail = c.failedChecks;
    row.chkdown = s.downTransitions;
    row.downtime = 0;
    if (checkEnabled) {
      const last = hc.lastResult;
      row.check_status = last ? last.status : 'INI';
      if (last) {
        if (statusHasData(last.status)) row.check_code = last.code;
        row.check_duration = Math.round(last.durationMs);
        if (last.info !== '') row.last_chk = last.info;
      }
      row.check_desc = statusDescription(last ? last.status : 'INI');
      row.check_rise = s.config.rise ?? 2;
      row.check_fall = s.config.fall ?? 3;
      row.check_health = c.checkHealth ?? 0;
    }
  }
  const agent = hc?.lastAgentResult;
  if (hc !== undefined && hc.counters.agentHealth !== undefined) {
    row.agent_status = agent ? agent.status : 'INI';
    if (agent) {
      if (statusHasData(agent.status)) row.agent_code = agent.code;
      row.agent_duration = Math.round(agent.durationMs);
      if (agent.info !== '') row.last_agt = agent.info;
    }
    row.agent_desc = statusDescription(agent ? agent.status : 'INI');
    row.agent_rise = 1;
    row.agent_fall = 1;
    row.agent_health = hc.counters.agentHealth;
  }
  return row;
}

function backendRow(p: StatProxy, be: RuntimeBackend, view: StatView): Row {
  const http = be.mode === 'http';
  let act = 0;
  let bck = 0;
  let actWeight = 0;
  let bckWeight = 0;
  let chkdown = 0;
  for (const s of be.servers) {
    chkdown += s.downTransitions;
    if (!s.usable) continue;
    if (s.backup) {
      bck++;
      bckWeight += s.weight;
    } else {
      act++;
      actWeight += s.weight;
    }
  }
  const weight = act > 0 ? actWeight : bckWeight;
  let slim: number | string = be.config.fullconn ?? '';
  if (slim === '') {
    // HAProxy's default fullconn: a tenth of the maxconn of the frontends that reach it.
    let sum = 0;
    for (const fe of view.host.frontends.values()) {
      if (fe.defaultBackend === be || fe.config.useBackends.some((u) => u.backend === be.name)) sum += fe.maxconn || view.host.counters.maxconn;
    }
    if (sum > 0) slim = Math.ceil(sum / 10);
  }
  const row: Row = {
    pxname: p.name,
    svname: 'BACKEND',
    qcur: be.queued,
    qmax: be.queue.max,
    scur: be.active,
    smax: be.maxActive,
    slim,
    stot: be.cumConns,
    bin: be.bytesIn,
    bout: be.bytesOut,
    dreq: 0,
    dresp: 0,
    econ: be.failedConns,
    eresp: be.failedResp,
    wretr: be.retriesCount,
    wredis: be.redispatches,
    // As HAProxy: a backend without any server (a stats `listen`) reads UP.
    status: act + bck > 0 || be.servers.length === 0 ? 'UP' : 'DOWN',
    weight,
    act,
    bck,
    chkdown,
    lastchg: secondsSince(be.lastChange, view.now),
    // HAProxy has no downtime for a backend without servers.
    downtime: be.servers.length > 0 ? 0 : undefined,
    pid: 1,
    iid: p.iid,
    sid: 0,
    lbtot: be.cumConns,
    type: 1,
    rate: 0,
    rate_max: 0,
    cli_abrt: 0,
    srv_abrt: 0,
    lastsess: -1,
    mode: be.mode,
    algo: be.config.balance?.kind ?? 'roundrobin',
    wrew: 0,
    connect: 0,
    reuse: 0,
    eint: 0,
    uweight: weight,
    agg_server_status: 0,
    agg_server_check_status: 0,
    agg_check_status: 0,
    '-': '-',
  };
  zeros(row, COMP_FIELDS);
  zeros(row, TIME_FIELDS);
  zeros(row, SSL_FIELDS);
  zeros(row, MUX_FIELDS);
  if (http) {
    HRSP_FIELDS.forEach((n, i) => (row[n] = be.responses[i]));
    row.req_tot = be.cumRequests;
    row.cache_lookups = 0;
    row.cache_hits = 0;
  }
  return row;
}
