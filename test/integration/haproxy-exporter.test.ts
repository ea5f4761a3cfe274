// Debian's prometheus-haproxy-exporter, unchanged, pointed at Hawser's
// `;csv` stats URL (behind `stats auth`) and at its `pidfile`: it parses our
// CSV without a failure and reports each server's state as it does for
// HAProxy (UP, DOWN by check, MAINT and DRAIN set on the runtime socket),
// traffic counters, and the process metrics it reads from /proc.

import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts, waitListening } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { socat } from '../support/socat.ts';
import { namedServer } from '../support/backends.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

/** `name{labels} value` lines of an exposition, keyed by everything before the value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

test('prometheus-haproxy-exporter scrapes ;csv and reports every server state and the traffic', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-exporter-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const pidfile = join(dir, 'hawser.pid');
  const [webPort, statsPort, exporterPort] = await freePorts(3);
  const ports = await Promise.all(['up', 'maint', 'drain', 'plain'].map((n) => namedServer(t, n)));
  const hawser = await startHawser(
    t,
    `global
    stats socket ${sock} level admin
    pidfile ${pidfile}
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${webPort}
    default_backend app
backend app
    server up 127.0.0.1:${ports[0]} check inter 300ms
    server down 127.0.0.1:1 check inter 300ms fall 1
    server maint 127.0.0.1:${ports[1]} check inter 300ms
    server drain 127.0.0.1:${ports[2]} check inter 300ms
    server plain 127.0.0.1:${ports[3]}
listen stats
    bind 127.0.0.1:${statsPort}
    stats enable
    stats uri /stats
    stats auth prom:scrape
`,
  );
  t.is(await socat(sock, 'set server app/maint state maint; set server app/drain state drain\n'), '\n\n');
  for (let i = 0; i < 50 && !/\napp,down,(?:[^,]*,){15}DOWN,/.test(await socat(sock, 'show stat\n')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 0; i < 4; i++) t.is((await httpRequest(webPort, '/')).status, 200);

  const exporter = spawn(
    'prometheus-haproxy-exporter',
    [`--web.listen-address=127.0.0.1:${exporterPort}`, `--haproxy.scrape-uri=http://prom:scrape@127.0.0.1:${statsPort}/stats;csv`, `--haproxy.pid-file=${pidfile}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  exporter.stderr!.setEncoding('utf8');
  exporter.stderr!.on('data', (d: string) => (log += d));
  t.teardown(() => exporter.kill('SIGKILL'));
  await waitListening(exporterPort, exporter, 'prometheus-haproxy-exporter');
  const scrape = await httpRequest(exporterPort, '/metrics');
  t.is(scrape.status, 200);
  const m = samples(scrape.text);

  t.is(m.get('haproxy_up'), 1, log);
  t.is(m.get('haproxy_exporter_csv_parse_failures_total'), 0, log);
  const up = (s: string) => m.get(`haproxy_server_up{backend="app",server="${s}"}`);
  // The exporter's own mapping of the status column: DRAIN and "no check" count as up, MAINT as down.
  t.deepEqual(
    ['up', 'down', 'maint', 'drain', 'plain'].map((s) => [s, up(s)]),
    [['up', 1], ['down', 0], ['maint', 0], ['drain', 1], ['plain', 1]],
  );
  t.is(m.get('haproxy_backend_up{backend="app"}'), 1);
  t.is(m.get('haproxy_backend_current_server{backend="app"}'), 2, 'up and plain take traffic');
  t.is(m.get('haproxy_server_check_failures_total{backend="app",server="down"}'), 1);
  t.is(m.get('haproxy_frontend_http_responses_total{code="2xx",frontend="www"}'), 4);
  t.is(m.get('haproxy_backend_http_responses_total{backend="app",code="2xx"}'), 4);
  t.is((m.get('haproxy_server_http_responses_total{backend="app",code="2xx",server="up"}') ?? 0) + (m.get('haproxy_server_http_responses_total{backend="app",code="2xx",server="plain"}') ?? 0), 4);
  // The pidfile names the serving process: the exporter's /proc metrics are Hawser's.
  t.true((m.get('haproxy_process_start_time_seconds') ?? 0) > 0, 'process metrics read through the pidfile');
  t.true((m.get('haproxy_process_resident_memory_bytes') ?? 0) > 1_000_000);
  t.is(hawser.child.exitCode, null);

  // A state change shows at the next scrape.
  t.is(await socat(sock, 'set server app/maint state ready\n'), '\n');
  const again = samples((await httpRequest(exporterPort, '/metrics')).text);
  t.is(again.get('haproxy_server_up{backend="app",server="maint"}'), 1);
});
