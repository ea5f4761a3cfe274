// `http-request use-service prometheus-exporter`: what Prometheus scrapes
// from the real hawser: HAProxy's promex names, types and labels in text
// format 0.0.4, with values that follow the traffic and the server states.

import test, { type ExecutionContext } from 'ava';
import { createServer, type Server } from 'node:http';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { parseExposition, sampleValue } from '../support/exposition.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

async function namedServer(t: ExecutionContext, name: string): Promise<number> {
  const s: Server = createServer((req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200;
    res.end(name);
  });
  await new Promise<void>((r) => s.listen({ host: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => {
    s.closeAllConnections();
    s.close();
  });
  return (s.address() as { port: number }).port;
}

const value = sampleValue;

test('/metrics: promex names, labels and values that follow traffic and server states', async (t) => {
  const [webPort, cliPort] = await freePorts(2);
  const a = await namedServer(t, 'a');
  const b = await namedServer(t, 'b');
  await startHawser(
    t,
    `global
    stats socket ipv4@127.0.0.1:${cliPort} level admin
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${webPort}
    http-request use-service prometheus-exporter if { path /metrics }
    default_backend app
backend app
    server s1 127.0.0.1:${a}
    server s2 127.0.0.1:${b}
`,
  );
  const scrape = async () => {
    const r = await httpRequest(webPort, '/metrics');
    t.is(r.status, 200);
    t.is(r.headers['content-type'], 'text/plain; version=0.0.4');
    return parseExposition(r.text);
  };
  const first = await scrape();
  for (const [name, type] of [
    ['haproxy_process_current_connections', 'gauge'],
    ['haproxy_process_start_time_seconds', 'gauge'],
    ['haproxy_process_max_connections', 'gauge'],
    ['haproxy_process_connections_total', 'counter'],
    ['haproxy_frontend_current_sessions', 'gauge'],
    ['haproxy_frontend_sessions_total', 'counter'],
    ['haproxy_frontend_bytes_in_total', 'counter'],
    ['haproxy_frontend_bytes_out_total', 'counter'],
    ['haproxy_frontend_http_requests_total', 'counter'],
    ['haproxy_frontend_http_responses_total', 'counter'],
    ['haproxy_frontend_requests_denied_total', 'counter'],
    ['haproxy_frontend_request_errors_total', 'counter'],
    ['haproxy_frontend_status', 'gauge'],
    ['haproxy_backend_status', 'gauge'],
    ['haproxy_backend_active_servers', 'gauge'],
    ['haproxy_backend_backup_servers', 'gauge'],
    ['haproxy_backend_connection_errors_total', 'counter'],
    ['haproxy_backend_response_errors_total', 'counter'],
    ['haproxy_backend_http_responses_total', 'counter'],
    ['haproxy_server_status', 'gauge'],
    ['haproxy_server_current_sessions', 'gauge'],
    ['haproxy_server_sessions_total', 'counter'],
    ['haproxy_server_weight', 'gauge'],
    ['haproxy_server_bytes_out_total', 'counter'],
  ]) {
    t.is(first.types.get(name), type, name);
    t.true(first.helps.has(name), `HELP for ${name}`);
  }
  t.is(value(first.samples, 'haproxy_frontend_status', { proxy: 'www', state: 'UP' }), 1);
  t.is(value(first.samples, 'haproxy_frontend_status', { proxy: 'www', state: 'DOWN' }), 0);
  t.is(value(first.samples, 'haproxy_backend_active_servers', { proxy: 'app' }), 2);
  t.is(value(first.samples, 'haproxy_server_status', { proxy: 'app', server: 's1', state: 'UP' }), 1);
  t.is(first.samples.filter((s) => s.name === 'haproxy_server_status' && s.labels.server === 's1').length, 5, 'one-hot over DOWN UP MAINT DRAIN NOLB');
  t.is(value(first.samples, 'haproxy_server_weight', { proxy: 'app', server: 's2' }), 1);
  t.truthy(first.samples.find((s) => s.name === 'haproxy_process_build_info' && s.labels.version !== undefined));

  for (let i = 0; i < 4; i++) await httpRequest(webPort, '/');
  await httpRequest(webPort, '/missing');
  const set = await new Promise<string>((resolve, reject) => {
    import('node:net').then(({ connect }) => {
      const s = connect({ host: '127.0.0.1', port: cliPort }, () => s.end('set server app/s2 state maint\n'));
      let out = '';
      s.on('data', (c) => (out += c));
      s.on('close', () => resolve(out));
      s.on('error', reject);
    });
  });
  t.is(set.trim(), '');
  const second = await scrape();
  const v = (name: string, labels: Record<string, string>) => value(second.samples, name, labels) ?? -1;
  t.is(v('haproxy_frontend_http_responses_total', { proxy: 'www', code: '2xx' }) - (value(first.samples, 'haproxy_frontend_http_responses_total', { proxy: 'www', code: '2xx' }) ?? 0), 5, '4 proxied + the first scrape');
  t.is(v('haproxy_frontend_http_responses_total', { proxy: 'www', code: '4xx' }), 1);
  t.is(v('haproxy_backend_http_responses_total', { proxy: 'app', code: '2xx' }), 4);
  t.is(v('haproxy_server_sessions_total', { proxy: 'app', server: 's1' }) + v('haproxy_server_sessions_total', { proxy: 'app', server: 's2' }), 5);
  t.true(v('haproxy_frontend_bytes_out_total', { proxy: 'www' }) > (value(first.samples, 'haproxy_frontend_bytes_out_total', { proxy: 'www' }) ?? 0));
  t.true(v('haproxy_process_connections_total', {}) >= 6);
  t.is(v('haproxy_server_status', { proxy: 'app', server: 's2', state: 'MAINT' }), 1);
  t.is(v('haproxy_server_status', { proxy: 'app', server: 's2', state: 'UP' }), 0);
  t.is(v('haproxy_backend_active_servers', { proxy: 'app' }), 1);
  t.is((await httpRequest(webPort, '/other')).text, 'a', 'other paths still go to the backend');
});

test('use-service names only the services hawser has, as haproxy -c says', async (t) => {
  const { runHawser, writeConfig } = await import('../support/hawser-process.ts');
  const file = writeConfig(t, 'frontend f\n    mode http\n    bind 127.0.0.1:8080\n    http-request use-service foo\n');
  const p = runHawser(t, ['-c', '-f', file]);
  t.not(await p.exited, 0);
  t.regex([...p.lines, ...p.stderr].join('\n'), /'foo' unknown service name/);
});
