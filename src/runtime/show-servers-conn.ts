// `show servers conn [BACKEND]`: each server's connections in HAProxy 2.6's
// layout (in use now and at most, idle ones kept for reuse, the idle
// limit), what an operator reads when tuning http-reuse and pool-max-conn.
// Hawser keeps one idle list per server and process; it is reported as
// the unsafe (not yet reused) idle count, as `show stat` does.

import { statProxies, type RuntimeHost } from './host.ts';

/** HAProxy's default pool-purge-delay (ms); Hawser closes idle connections on their own timeouts. */
const PURGE_DELAY_MS = 5000;

export function showServersConn(host: RuntimeHost, only?: string): string {
  let out = '# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb safe_nb idle_lim idle_cur idle_per_thr[1]\n';
  for (const p of statProxies(host)) {
    const be = p.backend;
    if (be === undefined || (only !== undefined && only !== be.name)) continue;
    for (const s of be.servers) {
      const idle = s.idle.length;
      const addr = s.path ?? (s.host === '' ? '-' : s.host);
      out += `${be.name}/${s.name} ${p.iid}/${s.id} ${addr} ${s.port} - ${PURGE_DELAY_MS} ${s.active} ${s.maxActive} 0 ${idle} 0 -1 ${idle} ${idle}\n`;
    }
  }
  return out;
}
