// What proxies take from defaults sections, following HAProxy.

import test from 'ava';
import { parse, parseClean } from './parse.ts';

const T = '  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\n';

test('the last defaults section before a proxy applies; a new defaults starts from scratch', (t) => {
  const c = parseClean(`defaults
  mode http
  retries 7
${T}backend a
defaults
  mode tcp
${T}backend b
`);
  t.like(c.backends.get('a'), { mode: 'http', retries: 7, defaultsFrom: '' });
  t.like(c.backends.get('b'), { mode: 'tcp' });
  t.is(c.backends.get('b')!.retries, undefined);
});

test('named defaults: from NAME, and defaults inheriting from defaults', (t) => {
  const c = parseClean(`defaults base
  mode http
  retries 2
${T}defaults strict from base
  retries 9
defaults from base
  option redispatch
frontend f from strict
  bind :1
  default_backend b
backend b from strict
backend c
`);
  t.like(c.backends.get('b'), { mode: 'http', retries: 9, defaultsFrom: 'strict' });
  t.like(c.backends.get('c'), { mode: 'http', retries: 2, options: { redispatch: true }, defaultsFrom: '' });
  t.like(c.defaults[1], { name: 'strict', defaultsFrom: 'base', retries: 9, mode: 'http' });
  t.like(c.defaults[2], { defaultsFrom: 'base', retries: 2 });
  t.is(c.defaults[2]!.name, undefined);
});

test('a frontend takes the client side, a backend the server side, a listen both', (t) => {
  const c = parseClean(`defaults
  mode http
  maxconn 500
  backlog 100
  fullconn 50
  retries 4
  balance leastconn
  hash-type consistent
  timeout connect 1s
  timeout client 2s
  timeout server 3s
  timeout http-request 4s
  timeout tunnel 5s
  timeout check 6s
  timeout queue 7s
  default_backend b
frontend f
  bind :1
backend b
listen l
  bind :2
`);
  const f = c.frontends.get('f')!;
  t.deepEqual(f.timeouts, { client: 2000, httpRequest: 4000 });
  t.like(f, { maxconn: 500, backlog: 100, defaultBackend: { name: 'b' } });
  t.is(f.balance, undefined);
  t.is(f.retries, undefined);
  const b = c.backends.get('b')!;
  t.deepEqual(b.timeouts, { connect: 1000, server: 3000, httpRequest: 4000, tunnel: 5000, check: 6000, queue: 7000 });
  t.like(b, { fullconn: 50, retries: 4, balance: { kind: 'leastconn' }, hashType: { method: 'consistent' } });
  t.is(b.maxconn, undefined);
  const l = c.backends.get('l')!;
  t.like(l.timeouts, { client: 2000, connect: 1000, server: 3000 });
  // A listen's default backend from defaults wins over itself, as in HAProxy.
  t.like(c.frontends.get('l')!.defaultBackend, { name: 'b' });
});

test('own values override inherited ones; no option turns an inherited option off', (t) => {
  const c = parseClean(`defaults
  mode http
  option redispatch
  option forwardfor
  option http-server-close
  balance roundrobin
${T}backend a
  no option redispatch
  option httpclose
  balance source
  timeout server 9s
`);
  const a = c.backends.get('a')!;
  t.like(a.options, { redispatch: false, httpclose: true, httpServerClose: false });
  t.truthy(a.options.forwardfor);
  t.deepEqual(a.balance, { kind: 'source' });
  t.is(a.timeouts.server, 9000);
  t.is(a.timeouts.connect, 1000);
});

test('default option X restores the built-in default', (t) => {
  const c = parseClean(`defaults\n  option redispatch\n${T}backend a\n  default option redispatch\n`);
  t.false(c.backends.get('a')!.options.redispatch);
});

test('log lines add to the inherited ones; no log drops them', (t) => {
  const c = parseClean(`defaults
  log global
${T}frontend f
  bind :1
  log 127.0.0.1 local1
  default_backend b
backend b
  no log
  log stdout local2
`);
  t.deepEqual(c.frontends.get('f')!.logs!.map((l) => l.kind), ['global', 'udp']);
  t.deepEqual(c.backends.get('b')!.logs!.map((l) => l.kind), ['stdout']);
  t.false(c.backends.get('b')!.noLog);
});

test('httplog from defaults is replaced by a frontend log-format', (t) => {
  const c = parseClean(`defaults
  mode http
  option httplog
${T}frontend a
  bind :1
  default_backend b
frontend c
  bind :2
  log-format "%ci"
  default_backend b
backend b
`);
  t.deepEqual(c.frontends.get('a')!.options.httplog, { clf: false });
  t.is(c.frontends.get('c')!.options.httplog, undefined);
  t.is(c.frontends.get('c')!.logFormat!.format, '%ci');
});

test('default-server settings are inherited and extended', (t) => {
  const c = parseClean(`defaults
  default-server inter 5s rise 4
${T}backend b
  default-server fall 2
  server s 10.0.0.1:80 check
`);
  t.like(c.backends.get('b')!.servers[0], { inter: 5000, rise: 4, fall: 2, check: true });
  t.deepEqual(c.backends.get('b')!.defaultServer, { inter: 5000, rise: 4, fall: 2 });
});

test('health check protocol: inherited, refined by http-check, replaced by an own option', (t) => {
  const c = parseClean(`defaults
  mode http
  option httpchk GET /health
  http-check expect status 200
${T}backend a
  server s 10.0.0.1:80 check
backend b
  http-check expect rstring ^ok
  http-check send hdr Host b.example
backend c
  option httpchk HEAD /
backend d
  option tcp-check
  tcp-check connect port 6379
`);
  t.like(c.backends.get('a')!.check, { kind: 'http', method: 'GET', uri: '/health', version: 'HTTP/1.0', expect: { match: 'status', pattern: '200' } });
  t.like(c.backends.get('b')!.check, { kind: 'http', uri: '/health', headers: [['Host', 'b.example']], expect: { match: 'rstring', pattern: '^ok' } });
  const cc = c.backends.get('c')!.check!;
  t.like(cc, { kind: 'http', method: 'HEAD', uri: '/' });
  t.is((cc as { expect?: unknown }).expect, undefined);
  t.like(c.backends.get('d')!.check, { kind: 'tcp-check', rules: [{ kind: 'connect', port: 6379 }] });
  // The check protocol is a backend matter.
  t.is(c.defaults[0]!.check!.kind, 'http');
});

test('tcp-check rules of a backend replace those of its defaults', (t) => {
  const c = parseClean(`defaults
  option tcp-check
  tcp-check connect port 1
  tcp-check send PING
${T}backend a
backend b
  tcp-check connect port 2
`);
  t.is((c.backends.get('a')!.check as { rules: unknown[] }).rules.length, 2);
  t.like(c.backends.get('b')!.check, { kind: 'tcp-check', rules: [{ kind: 'connect', port: 2 }] });
});

test('check rules without their option are warned about', (t) => {
  const r = parse(`${T.replace(/^/, 'defaults\n')}backend a\n  http-check expect status 200\nbackend b\n  tcp-check connect port 1\n`);
  t.deepEqual(r.warnings, [
    "HAWSER_CFG_IGNORED t.cfg:6: warning: backend 'a' uses http-check rules without 'option httpchk', so the rules are ignored",
    "HAWSER_CFG_IGNORED t.cfg:8: warning: backend 'b' uses tcp-check rules without 'option tcp-check', so the rules are ignored",
  ]);
});

test('disabled in defaults disables the proxies after it', (t) => {
  const c = parseClean(`defaults\n  disabled\n${T}backend a\nbackend b\n  enabled\n`);
  t.true(c.backends.get('a')!.disabled);
  t.false(c.backends.get('b')!.disabled);
});

test('from an unknown, ambiguous or both explicitly and implicitly used defaults', (t) => {
  const r = parse(`defaults d1
${T}defaults d1
${T}backend a from nope
backend b from d1
backend c
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNKNOWN_DEFAULTS t.cfg:9: defaults section 'nope' not found for backend 'a'",
    "HAWSER_CFG_UNKNOWN_DEFAULTS t.cfg:10: ambiguous defaults section name 'd1' referenced by backend 'b': declared at t.cfg:1 and t.cfg:5",
  ]);
  const m = parse(`defaults d2\n${T}backend x from d2\nbackend y\n`);
  t.deepEqual(m.warnings, [
    "HAWSER_CFG_UNKNOWN_DEFAULTS t.cfg:6: warning: defaults section 'd2' (declared at t.cfg:1) is explicitly referenced by another proxy and implicitly used here: to avoid any ambiguity don't mix both usages",
  ]);
});
