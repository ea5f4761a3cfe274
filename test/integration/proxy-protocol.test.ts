// The PROXY protocol both ways against HAProxy 2.6, the reference: HAProxy
// in front sends v1 or v2 (`send-proxy`, `send-proxy-v2`) and hawser's
// `accept-proxy` bind must see the real client (src in logs, rules and
// X-Forwarded-For); hawser in front sends v1 or v2 and HAProxy's
// `accept-proxy` must read the client hawser saw. The real client comes
// from its own loopback address (127.0.0.x) so the proxied address cannot
// be confused with the hop's own. Also: a hand-written header, a
// connection without one, and PROXY over a UNIX socket.

import test from 'ava';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { echoServers } from '../support/backends.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';
import { startHaproxy } from '../support/haproxy-process.ts';
import { startHawser } from '../support/hawser-process.ts';
import { rawExchange } from '../support/http-client.ts';
import { freePorts } from '../support/ports.ts';

interface Seen {
  server: string;
  headers: Record<string, string>;
}

/** GET / from `localAddress` to 127.0.0.1:`port`; the echo server's JSON. */
function getFrom(localAddress: string, port: number): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as Seen);
        } catch {
          reject(new Error(`not the echo server's answer (${res.statusCode}): ${body}`));
        }
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}

const HAPROXY_DEFAULTS = `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
`;

for (const send of ['send-proxy', 'send-proxy-v2'] as const) {
  test(`HAProxy ${send} -> hawser accept-proxy: the real client in src, logs and X-Forwarded-For`, async (t) => {
    const [app] = await echoServers(t, ['app']);
    const [front, ours] = await freePorts(2);
    const h = await startHawser(t, `global
    log stdout format raw local0
${HTTP_DEFAULTS}    log global
frontend www
    bind 127.0.0.1:${ours} accept-proxy
    option forwardfor
    log-format "pp %ci %fi:%fp %ST"
    http-request set-header x-rule-src %[src]
    default_backend app
backend app
    server s1 127.0.0.1:${app.port}
`);
    await startHaproxy(t, `${HAPROXY_DEFAULTS}frontend f
    bind 127.0.0.1:${front}
    default_backend b
backend b
    server hawser 127.0.0.1:${ours} ${send}
`, front);
    const seen = await getFrom('127.0.0.5', front);
    t.is(seen.server, 'app');
    t.is(seen.headers['x-forwarded-for'], '127.0.0.5', 'the client behind HAProxy, not HAProxy');
    t.is(seen.headers['x-rule-src'], '127.0.0.5');
    // The destination is the address the client reached: HAProxy's frontend.
    t.is(await h.waitFor((l) => l.startsWith('pp ')), `pp 127.0.0.5 127.0.0.1:${front} 200`);
  });

  test(`hawser ${send} -> HAProxy accept-proxy: HAProxy reads the client hawser saw`, async (t) => {
    const [app] = await echoServers(t, ['app']);
    const [ours, back] = await freePorts(2);
    await startHaproxy(t, `${HAPROXY_DEFAULTS}frontend f
    bind 127.0.0.1:${back} accept-proxy
    http-request set-header x-pp-src %[src]
    http-request set-header x-pp-dst %[dst]:%[dst_port]
    default_backend b
backend b
    server app 127.0.0.1:${app.port}
`, back);
    await startHawser(t, `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${ours}
    default_backend haproxy
backend haproxy
    server h 127.0.0.1:${back} ${send}
`);
    for (const client of ['127.0.0.6', '127.0.0.7']) {
      const seen = await getFrom(client, ours);
      t.is(seen.headers['x-pp-src'], client);
      t.is(seen.headers['x-pp-dst'], `127.0.0.1:${ours}`, "hawser's own frontend address as the destination");
    }
  });
}

test('accept-proxy: a hand-written v1 and v2 header, and a connection without one is closed', async (t) => {
  const [app] = await echoServers(t, ['app']);
  const [ours] = await freePorts(1);
  await startHawser(t, `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${ours} accept-proxy
    option forwardfor
    default_backend app
backend app
    server s1 127.0.0.1:${app.port}
`);
  const get = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  const v1 = await rawExchange(ours, `PROXY TCP4 192.0.2.7 198.51.100.1 40000 443\r\n${get}`);
  t.regex(v1.text, /^HTTP\/1\.1 200 /);
  t.regex(v1.text, /"x-forwarded-for":"192\.0\.2\.7"/);
  const v6 = await rawExchange(ours, `PROXY TCP6 2001:db8::9 2001:db8::1 40000 443\r\n${get}`);
  t.regex(v6.text, /"x-forwarded-for":"2001:db8::9"/);
  // v2, PROXY command, TCP over IPv4: 203.0.113.9:1234 -> 198.51.100.2:443, written by hand from the specification.
  const v2 = Buffer.concat([
    Buffer.from('0d0a0d0a000d0a515549540a', 'hex'),
    Buffer.from([0x21, 0x11, 0x00, 12, 203, 0, 113, 9, 198, 51, 100, 2, 0x04, 0xd2, 0x01, 0xbb]),
    Buffer.from(get, 'latin1'),
  ]);
  const r2 = await rawExchange(ours, v2);
  t.regex(r2.text, /"x-forwarded-for":"203\.0\.113\.9"/);
  // No header: nothing is answered, the connection is closed.
  const none = await rawExchange(ours, get);
  t.is(none.text, '');
  t.true(none.closed);
  const bad = await rawExchange(ours, `PROXY TCP4 999.0.2.7 198.51.100.1 40000 443\r\n${get}`);
  t.is(bad.text, '');
});

test('PROXY v2 over a UNIX socket: HAProxy sends, hawser accepts on its socket', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-pp-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'in.sock');
  const [app] = await echoServers(t, ['app']);
  const [front] = await freePorts(1);
  await startHawser(t, `${HTTP_DEFAULTS}frontend www
    bind ${sock} accept-proxy mode 600
    option forwardfor
    default_backend app
backend app
    server s1 127.0.0.1:${app.port}
`);
  await startHaproxy(t, `${HAPROXY_DEFAULTS}frontend f
    bind 127.0.0.1:${front}
    default_backend b
backend b
    server hawser unix@${sock} send-proxy-v2
`, front);
  const seen = await getFrom('127.0.0.8', front);
  t.is(seen.headers['x-forwarded-for'], '127.0.0.8');
});

test('health checks carry the PROXY header too: send-proxy-v2 inherited, check-send-proxy forced', async (t) => {
  const [app] = await echoServers(t, ['app']);
  const [ours, back] = await freePorts(2);
  await startHaproxy(t, `${HAPROXY_DEFAULTS}frontend f
    bind 127.0.0.1:${back} accept-proxy
    default_backend b
backend b
    server app 127.0.0.1:${app.port}
`, back);
  const h = await startHawser(t, `global
    log stdout format raw local0
${HTTP_DEFAULTS}    log global
frontend www
    bind 127.0.0.1:${ours}
    default_backend haproxy
backend haproxy
    option httpchk GET /
    option log-health-checks
    server inherited 127.0.0.1:${back} send-proxy-v2 check inter 200 rise 1 fall 1
    server forced 127.0.0.1:${back} check-send-proxy check inter 200 rise 1 fall 1
    server plain 127.0.0.1:${back} check inter 200 rise 1 fall 1
`);
  const passed = (name: string) => (l: string): boolean => l.includes(`haproxy/${name}`) && /succeeded|is UP/.test(l);
  await h.waitFor(passed('inherited'));
  await h.waitFor(passed('forced'));
  // Without the header HAProxy's accept-proxy bind refuses the check.
  const down = await h.waitFor((l) => l.includes('haproxy/plain') && /failed|is DOWN/.test(l));
  t.regex(down, /haproxy\/plain/);
  t.false(h.lines.some((l) => l.includes('haproxy/plain') && /succeeded/.test(l)));
});
