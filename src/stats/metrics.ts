// The Prometheus exporter (`http-request use-service prometheus-exporter`):
// HAProxy's promex metric names, types, labels and one-hot state series, in
// text exposition format 0.0.4, computed from the same stat rows as the CSV
// so the page, `show stat` and the metrics never disagree.

import { STAT_FIELDS, statRows } from '../runtime/index.ts';

type StatView = Parameters<typeof statRows>[0];

type Scope = 'f' | 'b' | 's';
type Kind = 'gauge' | 'counter';

interface Metric {
  name: string;
  field: (typeof STAT_FIELDS)[number];
  kind: Kind;
  scopes: string;
  /** Only for proxies in `mode http`. */
  http?: boolean;
  /** Multiply the CSV value (milliseconds to seconds). */
  scale?: number;
}

const COL = new Map<string, number>(STAT_FIELDS.map((n, i) => [n, i]));

// HAProxy's descriptions of the stat fields (the # HELP text promex prints).
const HELP: Readonly<Record<string, string>> = {
  qcur: 'Number of current queued connections',
  qmax: 'Highest value of queued connections encountered since process started',
  scur: 'Number of current sessions on the frontend, backend or server',
  smax: 'Highest value of current sessions encountered since process started',
  slim: "Frontend/listener/server's maxconn, backend's fullconn",
  stot: 'Total number of sessions since process started',
  bin: 'Total number of request bytes since process started',
  bout: 'Total number of response bytes since process started',
  dreq: 'Total number of denied requests since process started',
  dresp: 'Total number of denied responses since process started',
  ereq: 'Total number of invalid requests since process started',
  econ: 'Total number of failed connections to server since the worker process started',
  eresp: 'Total number of invalid responses since the worker process started',
  wretr: 'Total number of server connection retries since the worker process started',
  wredis: 'Total number of server redispatches due to connection failures since the worker process started',
  status: 'Current status of the service, per state label value.',
  weight: "Server's effective weight, or sum of active servers' effective weights for a backend",
  act: 'Total number of active UP servers with a non-zero weight',
  bck: 'Total number of backup UP servers with a non-zero weight',
  chkfail: 'Total number of failed individual health checks per server/backend, since the worker process started',
  chkdown: 'Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started',
  lastchg: 'How long ago the last server state changed, in seconds',
  downtime: 'Total time spent in DOWN state, for server or backend',
  lbtot: 'Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)',
  rate_lim: "Limit on the number of sessions accepted in a second (frontend only, 'rate-limit sessions' setting)",
  rate_max: 'Highest value of sessions per second observed since the worker process started',
  check_status: 'Status of last health check, per state label value.',
  check_code: 'layer5-7 code, if available of the last health check.',
  check_duration: 'Total duration of the latest server health check, in seconds.',
  hrsp_1xx: 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started',
  req_rate_max: 'Highest value of http requests observed since the worker process started',
  req_tot: 'Total number of HTTP requests processed by this object since the worker process started',
  cli_abrt: 'Total number of requests or connections aborted by the client since the worker process started',
  srv_abrt: 'Total number of requests or connections aborted by the server since the worker process started',
  conn_rate_max: 'Highest value of connections per second observed since the worker process started',
  conn_tot: 'Total number of new connections accepted on this frontend since the worker process started',
  intercepted: 'Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started',
  dcon: 'Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started',
  dses: 'Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started',
  wrew: 'Total number of failed HTTP header rewrites since the worker process started',
  connect: 'Total number of outgoing connection attempts on this backend/server since the worker process started',
  reuse: 'Total number of reused connection on this backend/server since the worker process started',
  srv_icur: 'Current number of idle connections available for reuse on this server',
  eint: 'Total number of internal errors since process started',
  uweight: "Server's user weight, or sum of active servers' user weights for a backend",
  qlimit: 'Limit on the number of connections in queue, for servers only (maxqueue argument)',
  throttle: "Throttling ratio applied to a server's maxconn and weight during the slowstart period (0 to 100%)",
  comp_in: 'Total number of bytes submitted to the HTTP compressor for this object since the worker process started',
  comp_out: 'Total number of bytes emitted by the HTTP compressor for this object since the worker process started',
  comp_byp: 'Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)',
  comp_rsp: 'Total number of HTTP responses that were compressed for this object since the worker process started',
  lastsess: 'How long ago some traffic was seen on this object on this worker process, in seconds',
  qtime: 'Avg. queue time for last 1024 successful connections.',
  ctime: 'Avg. connect time for last 1024 successful connections.',
  rtime: 'Avg. response time for last 1024 successful connections.',
  ttime: 'Avg. total time for last 1024 successful connections.',
  cache_lookups: 'Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started',
  cache_hits: 'Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started',
  src_ilim: "Limit on the number of available idle connections on this server (server 'pool_max_conn' directive)",
  qtime_max: 'Maximum observed time spent in the queue',
  ctime_max: 'Maximum observed time spent waiting for a connection to complete',
  rtime_max: 'Maximum observed time spent waiting for a server response',
  ttime_max: 'Maximum observed total request+response time (request+queue+connect+response+processing)',
  idle_conn_cur: 'Current number of unsafe idle connections',
  safe_conn_cur: 'Current number of safe idle connections',
  used_conn_cur: 'Current number of connections in use',
  need_conn_est: 'Estimated needed number of connections',
};

/** promex's table for the stat fields we fill, in HAProxy's field order. */
const METRICS: readonly Metric[] = [
  { name: 'current_queue', field: 'qcur', kind: 'gauge', scopes: 'bs' },
  { name: 'max_queue', field: 'qmax', kind: 'gauge', scopes: 'bs' },
  { name: 'current_sessions', field: 'scur', kind: 'gauge', scopes: 'fbs' },
  { name: 'max_sessions', field: 'smax', kind: 'gauge', scopes: 'fbs' },
  { name: 'limit_sessions', field: 'slim', kind: 'gauge', scopes: 'fbs' },
  { name: 'sessions_total', field: 'stot', kind: 'counter', scopes: 'fbs' },
  { name: 'bytes_in_total', field: 'bin', kind: 'counter', scopes: 'fbs' },
  { name: 'bytes_out_total', field: 'bout', kind: 'counter', scopes: 'fbs' },
  { name: 'requests_denied_total', field: 'dreq', kind: 'counter', scopes: 'fb' },
  { name: 'responses_denied_total', field: 'dresp', kind: 'counter', scopes: 'fbs' },
  { name: 'request_errors_total', field: 'ereq', kind: 'counter', scopes: 'f' },
  { name: 'connection_errors_total', field: 'econ', kind: 'counter', scopes: 'bs' },
  { name: 'response_errors_total', field: 'eresp', kind: 'counter', scopes: 'bs' },
  { name: 'retry_warnings_total', field: 'wretr', kind: 'counter', scopes: 'bs' },
  { name: 'redispatch_warnings_total', field: 'wredis', kind: 'counter', scopes: 'bs' },
  { name: 'status', field: 'status', kind: 'gauge', scopes: 'fbs' },
  { name: 'weight', field: 'weight', kind: 'gauge', scopes: 'bs' },
  { name: 'active_servers', field: 'act', kind: 'gauge', scopes: 'b' },
  { name: 'backup_servers', field: 'bck', kind: 'gauge', scopes: 'b' },
  { name: 'check_failures_total', field: 'chkfail', kind: 'counter', scopes: 's' },
  { name: 'check_up_down_total', field: 'chkdown', kind: 'counter', scopes: 'bs' },
  { name: 'check_last_change_seconds', field: 'lastchg', kind: 'gauge', scopes: 'bs' },
  { name: 'downtime_seconds_total', field: 'downtime', kind: 'counter', scopes: 'bs' },
  { name: 'queue_limit', field: 'qlimit', kind: 'gauge', scopes: 's' },
  { name: 'current_throttle', field: 'throttle', kind: 'gauge', scopes: 's' },
  { name: 'loadbalanced_total', field: 'lbtot', kind: 'counter', scopes: 'bs' },
  { name: 'limit_session_rate', field: 'rate_lim', kind: 'gauge', scopes: 'f' },
  { name: 'max_session_rate', field: 'rate_max', kind: 'gauge', scopes: 'fbs' },
  { name: 'check_status', field: 'check_status', kind: 'gauge', scopes: 's' },
  { name: 'check_code', field: 'check_code', kind: 'gauge', scopes: 's' },
  { name: 'check_duration_seconds', field: 'check_duration', kind: 'gauge', scopes: 's', scale: 0.001 },
  { name: 'http_responses_total', field: 'hrsp_1xx', kind: 'counter', scopes: 'fbs', http: true },
  { name: 'http_requests_rate_max', field: 'req_rate_max', kind: 'gauge', scopes: 'f', http: true },
  { name: 'http_requests_total', field: 'req_tot', kind: 'counter', scopes: 'fb', http: true },
  { name: 'client_aborts_total', field: 'cli_abrt', kind: 'counter', scopes: 'bs' },
  { name: 'server_aborts_total', field: 'srv_abrt', kind: 'counter', scopes: 'bs' },
  { name: 'http_comp_bytes_in_total', field: 'comp_in', kind: 'counter', scopes: 'fb', http: true },
  { name: 'http_comp_bytes_out_total', field: 'comp_out', kind: 'counter', scopes: 'fb', http: true },
  { name: 'http_comp_bytes_bypassed_total', field: 'comp_byp', kind: 'counter', scopes: 'fb', http: true },
  { name: 'http_comp_responses_total', field: 'comp_rsp', kind: 'counter', scopes: 'fb', http: true },
  { name: 'last_session_seconds', field: 'lastsess', kind: 'gauge', scopes: 'bs' },
  { name: 'queue_time_average_seconds', field: 'qtime', kind: 'gauge', scopes: 'bs', scale: 0.001 },
  { name: 'connect_time_average_seconds', field: 'ctime', kind: 'gauge', scopes: 'bs', scale: 0.001 },
  { name: 'response_time_average_seconds', field: 'rtime', kind: 'gauge', scopes: 'bs', scale: 0.001 },
  { name: 'total_time_average_seconds', field: 'ttime', kind: 'gauge', scopes: 'bs', scale: 0.001 },
  { name: 'connections_rate_max', field: 'conn_rate_max', kind: 'gauge', scopes: 'f' },
  { name: 'connections_total', field: 'conn_tot', kind: 'counter', scopes: 'f' },
  { name: 'intercepted_requests_total', field: 'intercepted', kind: 'counter', scopes: 'f', http: true },
  { name: 'denied_connections_total', field: 'dcon', kind: 'counter', scopes: 'f' },
  { name: 'denied_sessions_total', field: 'dses', kind: 'counter', scopes: 'f' },
  { name: 'failed_header_rewriting_total', field: 'wrew', kind: 'counter', scopes: 'fbs' },
  { name: 'connection_attempts_total', field: 'connect', kind: 'counter', scopes: 'bs' },
  { name: 'connection_reuses_total', field: 'reuse', kind: 'counter', scopes: 'bs' },
  { name: 'http_cache_lookups_total', field: 'cache_lookups', kind: 'counter', scopes: 'fb', http: true },
  { name: 'http_cache_hits_total', field: 'cache_hits', kind: 'counter', scopes: 'fb', http: true },
  { name: 'idle_connections_current', field: 'srv_icur', kind: 'gauge', scopes: 's' },
  { name: 'idle_connections_limit', field: 'src_ilim', kind: 'gauge', scopes: 's' },
  { name: 'max_queue_time_seconds', field: 'qtime_max', kind: 'gauge', scopes: 'bs', scale: 0.001 },
  { name: 'max_connect_time_seconds', field: 'ctime_max', kind: 'gauge', scopes: 'bs', scale: 0.001 },
  { name: 'max_response_time_seconds', field: 'rtime_max', kind: 'gauge', scopes: 'bs', scale: 0.001 },
  { name: 'max_total_time_seconds', field: 'ttime_max', kind: 'gauge', scopes: 'bs', scale: 0.001 },
  { name: 'internal_errors_total', field: 'eint', kind: 'counter', scopes: 'fbs' },
  { name: 'unsafe_idle_connections_current', field: 'idle_conn_cur', kind: 'gauge', scopes: 's' },
  { name: 'safe_idle_connections_current', field: 'safe_conn_cur', kind: 'gauge', scopes: 's' },
  { name: 'used_connections_current', field: 'used_conn_cur', kind: 'gauge', scopes: 's' },
  { name: 'need_connections_current', field: 'need_conn_est', kind: 'gauge', scopes: 's' },
  { name: 'uweight', field: 'uweight', kind: 'gauge', scopes: 'bs' },
];

const HRSP_CODES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'];
const FRONT_STATES = ['DOWN', 'UP'];
const SERVER_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'];
/** The check statuses promex lists (those with a result: not UNK, INI or a check in progress). */
const CHECK_STATES = ['HANA', 'SOCKERR', 'L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP', 'L7TOUT', 'L7RSP', 'L7OK', 'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK'];

/** Server limits promex prints as NaN when none is set (an empty CSV cell). */
const UNLIMITED_AS_NAN: ReadonlySet<string> = new Set(['slim', 'qlimit', 'throttle', 'src_ilim']);

/** Check counters promex reports (as 0) for servers without checks, whose CSV cells are empty. */
const CHECK_COUNTERS: ReadonlySet<string> = new Set(['chkfail', 'chkdown', 'downtime']);

const PREFIX: Readonly<Record<Scope, string>> = { f: 'haproxy_frontend_', b: 'haproxy_backend_', s: 'haproxy_server_' };

/** Label values are escaped as the exposition format requires. */
function labelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

function serverState(status: string): string {
  if (status.startsWith('MAINT')) return 'MAINT';
  if (status.startsWith('DRAIN')) return 'DRAIN';
  if (status.startsWith('NOLB')) return 'NOLB';
  if (status.startsWith('UP') || status === 'no check') return 'UP';
  return 'DOWN';
}

function header(name: string, help: string, kind: Kind): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n`;
}

export interface ProcessInfo {
  version: string;
  nbthread: number;
  listeners: number;
  stopping: boolean;
}

/** The whole exposition: process metrics, then frontends, backends and servers. */
export function renderMetrics(view: StatView, info: ProcessInfo): string {
  const c = view.host.counters;
  const start = c.startedAt / 1000;
  const maxconn = c.maxconn;
  const process: Array<[string, Kind, string, number | string]> = [
    ['nbthread', 'gauge', 'Number of started threads (global.nbthread)', info.nbthread],
    ['nbproc', 'gauge', 'Number of started worker processes (historical, always 1)', 1],
    ['relative_process_id', 'gauge', 'Relative worker process number (1)', 1],
    ['uptime_seconds', 'gauge', 'How long ago this worker process was started (seconds)', Math.floor((view.now - c.startedAt) / 1000)],
    ['start_time_seconds', 'gauge', 'Start time in seconds', Math.floor(start)],
    ['max_connections', 'gauge', 'Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)', maxconn],
    ['hard_max_connections', 'gauge', 'Hard limit on the number of per-process connections (imposed by Memmax_MB or Ulimit-n)', maxconn],
    ['current_connections', 'gauge', 'Current number of connections on this worker process', c.active],
    ['connections_total', 'counter', 'Total number of connections on this worker process since started', c.cumConns],
    ['requests_total', 'counter', 'Total number of requests on this worker process since started', c.cumRequests],
    ['stopping', 'gauge', '1 if the worker process is currently stopping, otherwise zero', info.stopping ? 1 : 0],
    ['jobs', 'gauge', 'Current number of active jobs on the current worker process (frontend connections, master connections, listeners)', c.active + info.listeners],
    ['listeners', 'gauge', 'Current number of active listeners on the current worker process', info.listeners],
  ];
  let out = '';
  for (const [n, kind, help, v] of process) out += header('haproxy_process_' + n, help, kind) + `haproxy_process_${n} ${v}\n`;
  out += header('haproxy_process_build_info', 'Build info', 'gauge') + `haproxy_process_build_info{version="${labelValue(info.version)}"} 1\n`;

  const rows = statRows(view);
  const groups: Record<Scope, string[][]> = { f: [], b: [], s: [] };
  const type = COL.get('type')!;
  for (const r of rows) groups[r[type] === '0' ? 'f' : r[type] === '1' ? 'b' : 's'].push(r);
  for (const scope of ['f', 'b', 's'] as const) out += renderScope(scope, groups[scope]);
  return out + renderAggregates(groups.b, groups.s);
}

/**
 * promex's per-backend counts of servers by state and by last check status
 * (`agg_server_check_status` is 2.6's older name of `agg_server_status`).
 */
function renderAggregates(backends: string[][], servers: string[][]): string {
  if (backends.length === 0) return '';
  const [pxname, status, checkStatus] = [COL.get('pxname')!, COL.get('status')!, COL.get('check_status')!];
  const byState = new Map<string, Map<string, number>>();
  const byCheck = new Map<string, Map<string, number>>();
  const bump = (m: Map<string, Map<string, number>>, px: string, key: string) => {
    let per = m.get(px);
    if (per === undefined) m.set(px, (per = new Map()));
    per.set(key, (per.get(key) ?? 0) + 1);
  };
  for (const r of servers) {
    bump(byState, r[pxname], serverState(r[status]));
    if (r[checkStatus] !== '') bump(byCheck, r[pxname], r[checkStatus]);
  }
  const family = (name: string, help: string, states: readonly string[], counts: Map<string, Map<string, number>>) => {
    let body = header(name, help, 'gauge');
    for (const b of backends) {
      const per = counts.get(b[pxname]);
      for (const st of states) body += `${name}{proxy="${labelValue(b[pxname])}",state="${st}"} ${per?.get(st) ?? 0}\n`;
    }
    return body;
  };
  return (
    family('haproxy_backend_agg_server_status', "Backend's aggregated gauge of servers' status", SERVER_STATES, byState) +
    family('haproxy_backend_agg_server_check_status', "Backend's aggregated gauge of servers' state check status", SERVER_STATES, byState) +
    family('haproxy_backend_agg_check_status', "Backend's aggregated gauge of servers' state check status", CHECK_STATES, byCheck)
  );
}

function renderScope(scope: Scope, rows: string[][]): string {
  const pxname = COL.get('pxname')!;
  const svname = COL.get('svname')!;
  const mode = COL.get('mode')!;
  const checkStatus = COL.get('check_status')!;
  let out = '';
  for (const m of METRICS) {
    if (!m.scopes.includes(scope)) continue;
    const name = PREFIX[scope] + m.name;
    const col = COL.get(m.field)!;
    let body = '';
    for (const r of rows) {
      if (m.http === true && r[mode] !== 'http') continue;
      const labels = scope === 's' ? `proxy="${labelValue(r[pxname])}",server="${labelValue(r[svname])}"` : `proxy="${labelValue(r[pxname])}"`;
      if (m.field === 'status') {
        const states = scope === 's' ? SERVER_STATES : FRONT_STATES;
        const now = scope === 's' ? serverState(r[col]) : r[col] === 'OPEN' || r[col] === 'UP' ? 'UP' : 'DOWN';
        for (const st of states) body += `${name}{${labels},state="${st}"} ${st === now ? 1 : 0}\n`;
        continue;
      }
      if (m.field === 'check_status') {
        if (r[col] === '') continue;
        for (const st of CHECK_STATES) body += `${name}{${labels},state="${st}"} ${st === r[col] ? 1 : 0}\n`;
        continue;
      }
      if (m.field === 'hrsp_1xx') {
        for (let i = 0; i < HRSP_CODES.length; i++) body += `${name}{${labels},code="${HRSP_CODES[i]}"} ${r[col + i] === '' ? 0 : r[col + i]}\n`;
        continue;
      }
      let v = r[col];
      if (v === '' && scope === 's') {
        // promex's "no limit" for a server is NaN; a check without a layer-7 code reports 0.
        if (UNLIMITED_AS_NAN.has(m.field)) {
          body += `${name}{${labels}} NaN\n`;
          continue;
        }
        if ((m.field === 'check_code' && r[checkStatus] !== '') || CHECK_COUNTERS.has(m.field)) v = '0';
      }
      if (v === '' || !/^-?\d+$/.test(v)) continue;
      body += `${name}{${labels}} ${m.scale !== undefined ? Number(v) * m.scale : v}\n`;
    }
    if (body !== '') out += header(name, HELP[m.field] ?? m.name, m.kind) + body;
  }
  return out;
}
