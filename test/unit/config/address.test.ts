// Addresses as HAProxy reads them (str2sa_range): bind, server, log, peers.

import test from 'ava';
import { expandAddressEnv, parseAddress } from '../../../src/config/address.ts';
import { isIPv4, isIPv6 } from '../../../src/config/ip.ts';

const BIND = { portMandatory: true, portRange: true, allowFd: true, allowUnix: true };

test('IPv4, any address and ports', (t) => {
  t.like(parseAddress('127.0.0.1:80', {}, BIND), { ok: true, address: { kind: 'inet', host: '127.0.0.1', port: 80, family: 4 } });
  t.like(parseAddress('*:80', {}, BIND), { ok: true, address: { host: '0.0.0.0', port: 80, family: 4 } });
  t.like(parseAddress(':80', {}, BIND), { ok: true, address: { host: '0.0.0.0', port: 80, family: 4 } });
});

test('IPv6 with brackets, or bare with the port after the last colon', (t) => {
  t.like(parseAddress('[::]:80', {}, BIND), { ok: true, address: { host: '::', port: 80, family: 6 } });
  t.like(parseAddress(':::80', {}, BIND), { ok: true, address: { host: '::', port: 80, family: 6 } });
  t.like(parseAddress('[::1]:8080', {}, BIND), { ok: true, address: { host: '::1', port: 8080, family: 6 } });
  t.like(parseAddress('2001:db8::1:443', {}, BIND), { ok: true, address: { host: '2001:db8::1', port: 443, family: 6 } });
  t.like(parseAddress('[2001:db8::1]', {}), { ok: true, hasPort: false, address: { host: '2001:db8::1', port: 0 } });
  // '::1' alone means host ':' port 1: HAProxy refuses it too; the message says how to write it.
  const r = parseAddress('::1', {});
  t.false(r.ok);
  t.regex((r as { error: string }).error, /\[::1\]/);
});

test('port ranges, mandatory ports and bad ports', (t) => {
  t.like(parseAddress(':8000-8002', {}, BIND), { ok: true, portLow: 8000, portHigh: 8002 });
  t.regex((parseAddress('1.2.3.4', {}, BIND) as { error: string }).error, /missing port/);
  t.regex((parseAddress('1.2.3.4:0', {}, BIND) as { error: string }).error, /invalid port '0'/);
  t.regex((parseAddress('1.2.3.4:65536', {}, BIND) as { error: string }).error, /invalid port '65536'/);
  t.regex((parseAddress('1.2.3.4:80a', {}, BIND) as { error: string }).error, /invalid character 'a'/);
  t.regex((parseAddress('1.2.3.4:90-80', {}, BIND) as { error: string }).error, /invalid port range/);
  t.regex((parseAddress('1.2.3.4:80-90', {}) as { error: string }).error, /port range not permitted/);
});

test('prefixes: ipv4@, ipv6@, fd@, unix@ and paths', (t) => {
  t.like(parseAddress('ipv4@*:80', {}, BIND), { ok: true, address: { host: '0.0.0.0', family: 4 } });
  t.like(parseAddress('ipv6@:80', {}, BIND), { ok: true, address: { host: '::', family: 6 } });
  t.like(parseAddress('fd@3', {}, BIND), { ok: true, address: { kind: 'fd', fd: 3 } });
  t.like(parseAddress('unix@/run/x.sock', {}, BIND), { ok: true, address: { kind: 'unix', path: '/run/x.sock' } });
  t.like(parseAddress('/run/x.sock', {}, BIND), { ok: true, address: { kind: 'unix', path: '/run/x.sock' } });
  t.regex((parseAddress('fd@x', {}, BIND) as { error: string }).error, /not a valid integer/);
  t.regex((parseAddress('fd@3', {}) as { error: string }).error, /file descriptor is not acceptable/);
  t.like(parseAddress('ipv4@::1:80', {}, BIND), { ok: false });
});

test('host names are kept, marked as such', (t) => {
  t.like(parseAddress('db.example.com:3306', {}), { ok: true, address: { kind: 'inet', host: 'db.example.com', port: 3306, family: 0, hostname: true } });
  t.like(parseAddress('ipv6@localhost:80', {}), { ok: true, address: { host: 'localhost', family: 6, hostname: true } });
  t.false(parseAddress('300.1.1.1:80', {}).ok);
  t.false(parseAddress('bad host:80', {}).ok);
});

test('later-issue forms are flagged as unsupported', (t) => {
  t.like(parseAddress('10.0.0.1:+1', {}, { portOffset: true }), { ok: false, unsupported: true });
  t.like(parseAddress('10.0.0.1:-1', {}), { ok: false });
  t.like(parseAddress('/var/run/app.sock', {}), { ok: false, unsupported: true });
  t.like(parseAddress('abns@x', {}, BIND), { ok: false, unsupported: true });
});

test('addresses expand $VAR and ${VAR} even unquoted, as HAProxy does', (t) => {
  const env = { PORT: '8080', FD: '5' };
  t.is(expandAddressEnv('127.0.0.1:${PORT}', env), '127.0.0.1:8080');
  t.is(expandAddressEnv('127.0.0.1:$PORT', env), '127.0.0.1:8080');
  t.is(expandAddressEnv('x${NOPE}y', env), 'xy');
  t.like(parseAddress('fd@${FD}', env, BIND), { ok: true, address: { kind: 'fd', fd: 5 } });
  t.regex((parseAddress('${NOPE}', env, BIND) as { error: string }).error, /empty address/);
});

test('textual IP checks follow inet_pton', (t) => {
  t.true(isIPv4('192.0.2.1'));
  t.false(isIPv4('192.0.2'));
  t.false(isIPv4('192.0.2.01'));
  t.false(isIPv4('256.0.0.1'));
  for (const ok of ['::', '::1', '2001:db8::', 'fe80::1:2:3:4', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8']) t.true(isIPv6(ok), ok);
  for (const bad of [':', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7']) t.false(isIPv6(bad), bad);
});
