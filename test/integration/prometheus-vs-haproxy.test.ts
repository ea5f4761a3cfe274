// /metrics beside HAProxy 2.6's own prometheus-exporter (Debian's haproxy is
// built with PROMEX) on the same configuration: every haproxy_* family Hawser
// exposes exists there with the same type and the same series (label names
// and values), the state series agree, and the families Hawser does not
// expose are exactly the ones named here with their reason.

import test from 'ava';
import { startHawser } from '../support/hawser-process.ts';
import { startHaproxy } from '../support/haproxy-process.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { namedServer } from '../support/backends.ts';
import { parseExposition, type Sample } from '../support/exposition.ts';

// JUSTIFIED: what a Node process does not have (pipes, zlib, memory pools, a
// task scheduler, busy polling, log receivers, process-wide SSL and rate
// counters), and the limits HAProxy derives from its implicit maxconn
// (Hawser sets none: show stat's slim is empty too).
const NOT_APPLICABLE = new Set([
  'pool_failures_total', 'max_fds', 'max_sockets', 'max_ssl_connections', 'current_ssl_connections', 'ssl_connections_total',
  'max_pipes', 'pipes_used_total', 'pipes_free_total', 'current_connection_rate', 'limit_connection_rate', 'max_connection_rate',
  'current_session_rate', 'limit_session_rate', 'max_session_rate', 'current_ssl_rate', 'limit_ssl_rate', 'max_ssl_rate',
  'current_frontend_ssl_key_rate', 'max_frontend_ssl_key_rate', 'frontend_ssl_reuse', 'current_backend_ssl_key_rate',
  'max_backend_ssl_key_rate', 'ssl_cache_lookups_total', 'ssl_cache_misses_total', 'http_comp_bytes_in_total',
  'http_comp_bytes_out_total', 'limit_http_comp', 'current_zlib_memory', 'max_zlib_memory', 'current_tasks', 'current_run_queue',
  'idle_time_percent', 'unstoppable_jobs', 'active_peers', 'connected_peers', 'dropped_logs_total', 'busy_polling_enabled',
  'failed_resolutions', 'bytes_out_total', 'spliced_bytes_out_total', 'bytes_out_rate', 'recv_logs_total', 'max_memory_bytes',
  'pool_allocated_bytes', 'pool_used_bytes',
].map((n) => `haproxy_process_${n}`).concat(['haproxy_frontend_limit_sessions', 'haproxy_backend_limit_sessions']));

function config(web: number, up: number): string {
  return `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend www
    bind 127.0.0.1:${web}
    http-request use-service prometheus-exporter if { path /metrics }
    default_backend app
backend app
    server up 127.0.0.1:${up} check inter 200ms
    server down 127.0.0.1:1 check inter 200ms fall 1
    server plain 127.0.0.1:${up} weight 7 maxqueue 4
`;
}

const series = (s: Sample) => `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).sort().join(',')}}`;

test('haproxy_* families: the same names, types and series as HAProxy 2.6 promex; states agree', async (t) => {
  const [ha, hw] = await freePorts(2);
  const up = await namedServer(t, 'up');
  await startHaproxy(t, config(ha, up), ha);
  await startHawser(t, config(hw, up));
  const scrape = async (port: number) => parseExposition((await httpRequest(port, '/metrics')).text);
  const downSeen = (m: { samples: Sample[] }) =>
    m.samples.some((s) => s.name === 'haproxy_server_status' && s.labels.server === 'down' && s.labels.state === 'DOWN' && s.value === 1);
  let [a, b] = [await scrape(ha), await scrape(hw)];
  for (let i = 0; i < 50 && !(downSeen(a) && downSeen(b)); i++) {
    await new Promise((r) => setTimeout(r, 100));
    [a, b] = [await scrape(ha), await scrape(hw)];
  }
  t.true(downSeen(a) && downSeen(b), 'both saw the down server');

  const problems: string[] = [];
  for (const [name, kind] of b.types) {
    if (!name.startsWith('haproxy_')) continue;
    if (a.types.get(name) !== kind) problems.push(`${name}: ${kind} here, ${a.types.get(name)} in HAProxy`);
  }
  // JUSTIFIED: build_info carries each product's own version.
  const compared = (s: Sample) => s.name.startsWith('haproxy_') && s.name !== 'haproxy_process_build_info';
  const seriesA = new Set(a.samples.filter(compared).map(series));
  const seriesB = new Set(b.samples.filter(compared).map(series));
  for (const s of seriesB) if (!seriesA.has(s)) problems.push(`series not in HAProxy: ${s}`);
  for (const s of seriesA) {
    const name = s.slice(0, s.indexOf('{'));
    if (b.types.has(name) && !seriesB.has(s)) problems.push(`series missing: ${s}`);
  }
  t.deepEqual(problems, []);
  const missing = [...a.types.keys()].filter((n) => !b.types.has(n) && !NOT_APPLICABLE.has(n));
  t.deepEqual(missing, [], 'every other HAProxy family is exposed');

  // The state series and configuration values are equal, not just present.
  const stable = /^haproxy_(server_(status|check_status|weight|uweight|queue_limit|limit_sessions|idle_connections_limit|current_throttle)|backend_(status|active_servers|backup_servers|weight|agg_\w+)|frontend_status)$/;
  const values = (m: { samples: Sample[] }) => new Map(m.samples.filter((s) => stable.test(s.name)).map((s) => [series(s), s.value]));
  const [va, vb] = [values(a), values(b)];
  t.true(vb.size > 20, `${vb.size} stable series`);
  for (const [k, v] of vb) t.is(String(v), String(va.get(k)), k);
});
