// Checks across the whole configuration, after inheritance.

import test from 'ava';
import { DEFAULTS, parse, parseClean } from './parse.ts';

test('default_backend and use_backend must name a backend', (t) => {
  const r = parse(`${DEFAULTS}frontend f\n  bind :1\n  default_backend ap\n  use_backend nope if x\nbackend app\n`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNKNOWN_BACKEND t.cfg:8: frontend 'f': default_backend 'ap' does not exist (did you mean 'app'?)",
    "HAWSER_CFG_UNKNOWN_BACKEND t.cfg:9: frontend 'f': use_backend 'nope' does not exist",
  ]);
});

test('a frontend can route to a backend or a listen, not to another frontend', (t) => {
  parseClean(`${DEFAULTS}frontend f\n  bind :1\n  default_backend l\nlisten l\n  bind :2\n`);
  const r = parse(`${DEFAULTS}frontend f\n  bind :1\n  default_backend g\nfrontend g\n  bind :2\n  default_backend f\n`);
  t.is(r.errors.length, 2);
  t.true(r.errors.every((e) => e.startsWith('HAWSER_CFG_UNKNOWN_BACKEND')));
});

test('mode: an http frontend cannot use a tcp backend; tcp to http is an upgrade', (t) => {
  const r = parse(`${DEFAULTS}
frontend web
  bind :1
  default_backend db
frontend raw
  mode tcp
  bind :2
  default_backend app
  use_backend db if x
backend db
  mode tcp
backend app
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_MODE_MISMATCH t.cfg:9: http frontend 'web' (t.cfg:7) tries to use incompatible tcp backend 'db' (t.cfg:15) in default_backend (see 'mode')",
  ]);
});

test('names: frontend and backend may share one; listen conflicts with both; duplicates within a kind', (t) => {
  parseClean(`${DEFAULTS}frontend x\n  bind :1\n  default_backend x\nbackend x\n`);
  const r = parse(`${DEFAULTS}
backend a
listen a
  bind :1
listen b
  bind :2
frontend b
  bind :3
backend c
backend c
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_DUPLICATE t.cfg:8: listen 'a' has the same name as backend 'a' declared at t.cfg:7",
    "HAWSER_CFG_DUPLICATE t.cfg:12: frontend 'b' has the same name as listen 'b' declared at t.cfg:10",
    "HAWSER_CFG_DUPLICATE t.cfg:15: backend 'c' has the same name as backend 'c' declared at t.cfg:14",
  ]);
});

test('duplicate server names and ids in a backend, duplicate proxy ids', (t) => {
  const r = parse(`${DEFAULTS}
backend b
  id 5
  server s1 10.0.0.1:80 id 1
  server s1 10.0.0.2:80
  server s2 10.0.0.3:80 id 1
backend c
  id 5
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_DUPLICATE t.cfg:10: backend 'b': another server named 's1' was already defined at t.cfg:9, please use distinct names",
    "HAWSER_CFG_DUPLICATE t.cfg:11: server 'b/s2' has the same id 1 as server 's1'",
    "HAWSER_CFG_DUPLICATE t.cfg:12: backend 'c' has the same id 5 as backend 'b' (t.cfg:7)",
  ]);
});

test('a listen naming itself as default_backend is a loop', (t) => {
  const r = parse(`${DEFAULTS}listen l\n  bind :1\n  default_backend l\n`);
  t.deepEqual(r.errors, ["HAWSER_CFG_LOOP t.cfg:8: listen 'l': loop detected for default_backend 'l' (a listen section is its own backend already)"]);
});

test('a frontend without bind is a warning, as in HAProxy', (t) => {
  const r = parse(`${DEFAULTS}frontend f\n  default_backend b\nbackend b\n`);
  t.truthy(r.config);
  t.deepEqual(r.warnings, ["HAWSER_CFG_INCOMPLETE t.cfg:6: warning: frontend 'f' has no 'bind' directive. Please declare it as a backend if this was intended"]);
});

test('missing timeouts are warned about like HAProxy does', (t) => {
  const r = parse(`frontend f
  bind :1
  default_backend b
backend b
  mode tcp
  timeout connect 1s
  timeout tunnel 1h
  server s 10.0.0.1:80
backend c
  server s 10.0.0.1:80
backend empty
listen l
  bind :2
  timeout client 1s
  server s 10.0.0.1:80
`);
  t.truthy(r.config);
  t.deepEqual(r.warnings.map((w) => w.replace(/ \(while not properly invalid.*$/, '')), [
    "HAWSER_CFG_MISSING_TIMEOUT t.cfg:1: warning: missing timeouts for frontend 'f': set 'timeout client'",
    "HAWSER_CFG_MISSING_TIMEOUT t.cfg:9: warning: missing timeouts for backend 'c': set 'timeout connect', 'timeout server'",
    "HAWSER_CFG_MISSING_TIMEOUT t.cfg:12: warning: missing timeouts for listen 'l': set 'timeout connect', 'timeout server'",
  ]);
});

test('a checked server needs a port to check', (t) => {
  const r = parse(`${DEFAULTS}
backend a
  server s1 10.0.0.1 check
  server s2 10.0.0.1 check port 80
  server s3 10.0.0.1:80 check
  server s4 10.0.0.1 agent-check
backend b
  option tcp-check
  tcp-check send PING
  server s 10.0.0.1 check
backend c
  option tcp-check
  tcp-check connect port 6379
  server s 10.0.0.1 check
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_INCOMPLETE t.cfg:8: server 'a/s1' has neither service port nor check port: add ':<port>' to its address or 'port <n>'",
    "HAWSER_CFG_INCOMPLETE t.cfg:11: server 'a/s4' has 'agent-check' but no 'agent-port'",
    "HAWSER_CFG_INCOMPLETE t.cfg:15: server 'b/s' has neither service port nor check port nor a first 'tcp-check connect' rule with a port",
  ]);
});

test('HTTP-only settings in TCP mode fall back with a warning', (t) => {
  const r = parse(`defaults
  mode http
  option forwardfor
  option httplog
  timeout connect 1s
  timeout client 1s
  timeout server 1s
frontend f
  mode tcp
  bind :1
  default_backend b
backend b
  mode tcp
  balance uri
`);
  const c = r.config!;
  t.is(c.frontends.get('f')!.options.httplog, undefined);
  t.true(c.frontends.get('f')!.options.tcplog);
  t.is(c.frontends.get('f')!.options.forwardfor, undefined);
  t.deepEqual(c.backends.get('b')!.balance, { kind: 'roundrobin' });
  t.is(c.backends.get('b')!.options.forwardfor, undefined);
  t.is(r.warnings.length, 4);
  t.true(r.warnings.every((w) => w.startsWith('HAWSER_CFG_MODE_MISMATCH')));
});

test('a listen with an explicit default_backend never uses its servers', (t) => {
  const r = parse(`${DEFAULTS}listen l\n  bind :1\n  default_backend b\n  server s 10.0.0.1:80\nbackend b\n`);
  t.deepEqual(r.warnings, ["HAWSER_CFG_IGNORED t.cfg:8: warning: in listen 'l', the 'default_backend' rule always has precedence over the servers, which will never be used"]);
});

test('every problem is reported in one run, in file order', (t) => {
  const r = parse(`global
  maxconn x
frontend f
  bind :99999
  balanse roundrobin
  default_backend nope
backend b
  server s1 10.0.0.1:80 weight 999
  timeout server 5q
`);
  t.deepEqual(r.errors.map((e) => e.split(' ')[1]), ['t.cfg:2:', 't.cfg:4:', 't.cfg:5:', 't.cfg:6:', 't.cfg:8:', 't.cfg:9:']);
  t.is(r.config, undefined);
});
