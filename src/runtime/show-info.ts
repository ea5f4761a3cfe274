// `show info`: the process summary in HAProxy 2.6's field order and wording.
// Fields that mean nothing here (SSL, compression, pipes, pools) read 0 so
// that parsers keyed on them keep working.

import type { RuntimeHost } from './host.ts';

export interface InfoFacts {
  name: string;
  version: string;
  releaseDate: string;
  pid: number;
  now: number;
  nbthread: number;
  /** Highest open-file limit, when known (Ulimit-n, Maxsock). */
  ulimit: number;
  memoryBytes: number;
  hostname: string;
}

export function infoFields(host: RuntimeHost, f: InfoFacts): Array<[string, string | number]> {
  const c = host.counters;
  const uptime = Math.max(0, Math.floor((f.now - c.startedAt) / 1000));
  const g = host.config.global;
  const hardMax = g.maxconn ?? 0;
  let listeners = 0;
  for (const fe of host.frontends.values()) listeners += fe.config.binds.length;
  listeners += g.statsSockets.length;
  let totalOut = 0;
  for (const fe of host.frontends.values()) totalOut += fe.bytesOut;
  return [
    ['Name', f.name],
    ['Version', f.version],
    ['Release_date', f.releaseDate],
    ['Nbthread', f.nbthread],
    ['Nbproc', 1],
    ['Process_num', 1],
    ['Pid', f.pid],
    ['Uptime', formatUptime(uptime)],
    ['Uptime_sec', uptime],
    ['Memmax_MB', 0],
    ['PoolAlloc_MB', Math.floor(f.memoryBytes / 1048576)],
    ['PoolUsed_MB', Math.floor(f.memoryBytes / 1048576)],
    ['PoolFailed', 0],
    ['Ulimit-n', f.ulimit],
    ['Maxsock', f.ulimit],
    ['Maxconn', c.maxconn],
    ['Hard_maxconn', hardMax],
    ['CurrConns', c.active],
    ['CumConns', c.cumConns],
    ['CumReq', c.cumRequests],
    ['MaxSslConns', 0],
    ['CurrSslConns', 0],
    ['CumSslConns', 0],
    ['Maxpipes', 0],
    ['PipesUsed', 0],
    ['PipesFree', 0],
    ['ConnRate', 0],
    ['ConnRateLimit', 0],
    ['MaxConnRate', 0],
    ['SessRate', 0],
    ['SessRateLimit', 0],
    ['MaxSessRate', 0],
    ['SslRate', 0],
    ['SslRateLimit', 0],
    ['MaxSslRate', 0],
    ['SslFrontendKeyRate', 0],
    ['SslFrontendMaxKeyRate', 0],
    ['SslFrontendSessionReuse_pct', 0],
    ['SslBackendKeyRate', 0],
    ['SslBackendMaxKeyRate', 0],
    ['SslCacheLookups', 0],
    ['SslCacheMisses', 0],
    ['CompressBpsIn', 0],
    ['CompressBpsOut', 0],
    ['CompressBpsRateLim', 0],
    ['Tasks', 0],
    ['Run_queue', 0],
    ['Idle_pct', 100],
    ['node', g.node ?? host.config.localName ?? f.hostname],
    ...(g.description !== undefined ? ([['description', g.description]] as Array<[string, string]>) : []),
    ['Stopping', 0],
    ['Jobs', c.active + listeners],
    ['Unstoppable Jobs', 0],
    ['Listeners', listeners],
    ['ActivePeers', 0],
    ['ConnectedPeers', 0],
    ['DroppedLogs', 0],
    ['BusyPolling', 0],
    ['FailedResolutions', 0],
    ['TotalBytesOut', totalOut],
    ['TotalSplicdedBytesOut', 0],
    ['BytesOutRate', 0],
    ['DebugCommandsIssued', 0],
    ['CumRecvLogs', 0],
    ['Build info', f.version],
    ['Memmax_bytes', 0],
    ['PoolAlloc_bytes', f.memoryBytes],
    ['PoolUsed_bytes', f.memoryBytes],
    ['Start_time_sec', Math.floor(c.startedAt / 1000)],
    ['Tainted', 0],
  ];
}

/** "0d 0h00m01s", as HAProxy prints Uptime. */
export function formatUptime(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

export function showInfoText(fields: Array<[string, string | number]>): string {
  let s = '';
  for (const [k, v] of fields) s += `${k}: ${v}\n`;
  return s;
}

/** `show info json`: HAProxy's array of typed fields. */
export function showInfoJson(fields: Array<[string, string | number]>): string {
  return (
    JSON.stringify(
      fields.map(([name, value], pos) => ({
        field: { pos, name },
        processNum: 1,
        tags: { origin: 'Product', nature: 'Output', scope: 'Service' },
        value: typeof value === 'number' ? { type: 'u32', value } : { type: 'str', value },
      })),
    ) + '\n'
  );
}

/** `show info typed`: "POS.NAME.1:TAGS:TYPE:VALUE" lines. */
export function showInfoTyped(fields: Array<[string, string | number]>): string {
  let s = '';
  fields.forEach(([name, value], pos) => {
    s += `${pos}.${name}.1:${typeof value === 'number' ? 'CGS:u32' : 'POS:str'}:${value}\n`;
  });
  return s;
}
