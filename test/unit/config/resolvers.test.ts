// `resolvers` sections and the server words that use them: HAProxy 2.6's
// defaults, every keyword's value, default-server inheritance, and the
// `haproxy -c` agreement on a valid file (bad ones are in the bad corpus).

import test from 'ava';
import { DEFAULTS, parse, parseClean } from './parse.ts';

test('resolvers: HAProxy 2.6 defaults when only a nameserver is given', (t) => {
  const c = parseClean('resolvers dns\n  nameserver ns1 127.0.0.1:5353\n');
  const r = c.resolvers!.get('dns')!;
  t.like(r, {
    name: 'dns',
    parseResolvConf: false,
    acceptedPayloadSize: 512,
    resolveRetries: 3,
    timeoutResolve: 1000,
    timeoutRetry: 1000,
    hold: { valid: 10_000, nx: 30_000, refused: 30_000, timeout: 30_000, other: 30_000, obsolete: 0 },
  });
  t.like(r.nameservers[0], { name: 'ns1', address: { kind: 'inet', host: '127.0.0.1', port: 5353 } });
});

test('resolvers: every keyword sets its value', (t) => {
  const c = parseClean(`resolvers dns
  nameserver a 127.0.0.1:53
  nameserver b [::1]:5353
  parse-resolv-conf
  accepted_payload_size 8192
  resolve_retries 5
  timeout resolve 2s
  timeout retry 300ms
  hold valid 20s
  hold nx 1s
  hold refused 2s
  hold timeout 3s
  hold other 4s
  hold obsolete 5s
`);
  const r = c.resolvers!.get('dns')!;
  t.like(r, {
    parseResolvConf: true,
    acceptedPayloadSize: 8192,
    resolveRetries: 5,
    timeoutResolve: 2000,
    timeoutRetry: 300,
    hold: { valid: 20_000, nx: 1000, refused: 2000, timeout: 3000, other: 4000, obsolete: 5000 },
  });
  t.like(r.nameservers[1], { name: 'b', address: { host: '::1', port: 5353, family: 6 } });
});

test('servers: resolvers, init-addr and resolve-prefer, inherited from default-server', (t) => {
  const c = parseClean(`${DEFAULTS}resolvers dns
  nameserver a 127.0.0.1:53
backend app
  default-server resolvers dns init-addr last,libc,none
  server s1 app.example.com:80
  server s2 app.example.com:80 init-addr 10.0.0.1 resolve-prefer ipv4
`);
  const [s1, s2] = c.backends.get('app')!.servers;
  t.like(s1, { resolvers: 'dns', initAddr: ['last', 'libc', 'none'] });
  t.like(s2, { resolvers: 'dns', initAddr: ['10.0.0.1'], resolvePrefer: 'ipv4' });
});

test('a nameserver must be an IP over UDP; the other forms say so', (t) => {
  const r = parse('resolvers dns\n  nameserver a tcp@127.0.0.1:53\n  nameserver b dns.example.com:53\n  resolution_pool_size 10\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNSUPPORTED t.cfg:2: nameserver a: DNS over TCP ('tcp@127.0.0.1:53') is not supported yet",
    "HAWSER_CFG_UNSUPPORTED t.cfg:3: nameserver b: an address that is not an IP ('dns.example.com:53') is not supported yet",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:4: 'resolution_pool_size' directive is not supported anymore (it never appeared in a stable release)",
  ]);
});
