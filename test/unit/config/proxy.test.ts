// Proxy sections (frontend, backend, listen) and their keywords.

import test from 'ava';
import { DEFAULTS, parse, parseClean } from './parse.ts';

test('frontend and backend: binds, default_backend, servers', (t) => {
  const c = parseClean(`${DEFAULTS}
frontend www
  bind 127.0.0.1:8080
  default_backend app
backend app
  server a1 10.0.0.1:80
`);
  const fe = c.frontends.get('www')!;
  t.like(fe, { name: 'www', mode: 'http', fromListen: false, defaultBackend: { name: 'app' } });
  t.is(fe.binds.length, 1);
  t.like(fe.pos, { file: 't.cfg', line: 7 });
  const be = c.backends.get('app')!;
  t.like(be.servers[0], { name: 'a1', address: { kind: 'inet', host: '10.0.0.1', port: 80, family: 4 }, port: 80 });
  t.false(c.frontends.has('app'));
});

test('a listen section yields a frontend and a backend of its name, its own default backend', (t) => {
  const c = parseClean(`${DEFAULTS}
listen web
  bind :8080
  balance leastconn
  server s1 127.0.0.1:9000
`);
  const fe = c.frontends.get('web')!;
  const be = c.backends.get('web')!;
  t.true(fe.fromListen);
  t.true(be.fromListen);
  t.like(fe.defaultBackend, { name: 'web' });
  t.deepEqual(be.balance, { kind: 'leastconn' });
  t.is(be.servers.length, 1);
});

test('mode defaults to tcp; mode http|tcp only', (t) => {
  const c = parseClean('frontend f\n  bind :1\n  timeout client 1s\n  default_backend b\nbackend b\n  mode http\n');
  t.is(c.frontends.get('f')!.mode, 'tcp');
  t.is(c.backends.get('b')!.mode, 'http');
  t.deepEqual(parse('backend b\n  mode htp\n').errors, ["HAWSER_CFG_BAD_VALUE t.cfg:2: 'mode' expects 'http' or 'tcp', not 'htp' (did you mean 'http'?)"]);
  t.regex(parse('backend b\n  mode health\n').errors[0]!, /HAWSER_CFG_DEPRECATED .*mode health/);
});

test('bind: IPv4, IPv6, any, ranges, lists, fd@, unix sockets and prefixes', (t) => {
  const c = parseClean(`${DEFAULTS}
frontend f
  bind 127.0.0.1:80
  bind [::]:81
  bind :::82
  bind *:83
  bind :84
  bind :8000-8002
  bind 127.0.0.1:90,[::1]:91
  bind fd@3
  bind "fd@\${LISTEN_FD}"
  bind unix@/run/h.sock
  bind /run/h2.sock
  bind ipv4@:95
  bind ipv6@:96
  default_backend b
backend b
`, { env: { LISTEN_FD: '9' } });
  const a = c.frontends.get('f')!.binds.map((b) => b.address);
  t.deepEqual(a, [
    { kind: 'inet', host: '127.0.0.1', port: 80, family: 4 },
    { kind: 'inet', host: '::', port: 81, family: 6 },
    { kind: 'inet', host: '::', port: 82, family: 6 },
    { kind: 'inet', host: '0.0.0.0', port: 83, family: 4 },
    { kind: 'inet', host: '0.0.0.0', port: 84, family: 4 },
    { kind: 'inet', host: '0.0.0.0', port: 8000, family: 4 },
    { kind: 'inet', host: '0.0.0.0', port: 8001, family: 4 },
    { kind: 'inet', host: '0.0.0.0', port: 8002, family: 4 },
    { kind: 'inet', host: '127.0.0.1', port: 90, family: 4 },
    { kind: 'inet', host: '::1', port: 91, family: 6 },
    { kind: 'fd', fd: 3 },
    { kind: 'fd', fd: 9 },
    { kind: 'unix', path: '/run/h.sock' },
    { kind: 'unix', path: '/run/h2.sock' },
    { kind: 'inet', host: '0.0.0.0', port: 95, family: 4 },
    { kind: 'inet', host: '::', port: 96, family: 6 },
  ]);
});

test('bind options, and the ones of later issues', (t) => {
  const c = parseClean(`${DEFAULTS}
frontend f
  bind :::80 v4v6 name web backlog 100 maxconn 50 interface lo process 1
  bind :::81 v6only
  default_backend b
backend b
`);
  const [b1, b2] = c.frontends.get('f')!.binds;
  t.like(b1, { v4v6: true, name: 'web', backlog: 100, maxconn: 50, interface: 'lo' });
  t.like(b2, { v6only: true });
  const r = parse('frontend f\n  bind :443 defer-accept mss 1400\n  bind :80 accept-proxy\n  bind :81 nmae x\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNSUPPORTED t.cfg:2: bind: parameter 'defer-accept' is not supported yet",
    "HAWSER_CFG_UNSUPPORTED t.cfg:2: bind: parameter 'mss' is not supported yet",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:4: bind: unknown parameter 'nmae' (did you mean 'name'?)",
  ]);
});

test('use_backend keeps its condition words raw; dynamic names are not checked', (t) => {
  const c = parseClean(`${DEFAULTS}
frontend f
  bind :80
  use_backend api if { path_beg /api/ } METH_POST
  use_backend static unless is_dynamic
  use_backend be_%[req.hdr(host),lower]
  use_backend api
  default_backend api
backend api
backend static
`);
  const rules = c.frontends.get('f')!.useBackends;
  t.like(rules[0], { backend: 'api', dynamic: false, condition: { negate: false, words: ['{', 'path_beg', '/api/', '}', 'METH_POST'] } });
  t.like(rules[1], { backend: 'static', condition: { negate: true, words: ['is_dynamic'] } });
  t.like(rules[2], { backend: 'be_%[req.hdr(host),lower]', dynamic: true });
  t.is(rules[3]!.condition, undefined);
  t.deepEqual(parse('frontend f\n  use_backend a when x\n').errors, [
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:2: 'use_backend a' expects 'if' or 'unless' followed by a condition, not 'when'",
  ]);
});

test('timeouts: every name, in milliseconds', (t) => {
  const c = parseClean(`defaults
  timeout connect 1s
  timeout client 2s
  timeout server 3s
  timeout http-request 4s
  timeout http-keep-alive 5s
  timeout queue 6s
  timeout tunnel 7s
  timeout check 8s
  timeout client-fin 9s
  timeout server-fin 10s
`);
  t.deepEqual(c.defaults[0]!.timeouts, {
    connect: 1000, client: 2000, server: 3000, httpRequest: 4000, httpKeepAlive: 5000,
    queue: 6000, tunnel: 7000, check: 8000, clientFin: 9000, serverFin: 10000,
  });
});

test('legacy and unknown timeouts', (t) => {
  const r = parse('defaults\n  contimeout 5s\n  clitimeout 5s\n  srvtimeout 5s\n  timeout conect 5s\n  timeout tarpit 1x\n  timeout client 5x\n  timeout server\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_DEPRECATED t.cfg:2: 'contimeout' was removed in HAProxy 2.1: use 'timeout connect'",
    "HAWSER_CFG_DEPRECATED t.cfg:3: 'clitimeout' was removed in HAProxy 2.1: use 'timeout client'",
    "HAWSER_CFG_DEPRECATED t.cfg:4: 'srvtimeout' was removed in HAProxy 2.1: use 'timeout server'",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:5: unknown timeout 'conect' in anonymous defaults section (did you mean 'connect'?)",
    "HAWSER_CFG_BAD_VALUE t.cfg:6: 'timeout tarpit': unexpected 'x' after the number in '1x' (units are us, ms, s, m, h and d)",
    "HAWSER_CFG_BAD_VALUE t.cfg:7: 'timeout client': unexpected 'x' after the number in '5x' (units are us, ms, s, m, h and d)",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:8: 'timeout server' expects a time (e.g. 5s)",
  ]);
});

test('maxconn, fullconn, retries, backlog, http-reuse, log-tag', (t) => {
  const c = parseClean(`${DEFAULTS}
frontend f
  bind :1
  maxconn 100
  backlog 64
  default_backend b
backend b
  fullconn 50
  retries 5
  http-reuse always
  log-tag app
`);
  t.like(c.frontends.get('f'), { maxconn: 100, backlog: 64 });
  t.like(c.backends.get('b'), { fullconn: 50, retries: 5, httpReuse: 'always', logTag: 'app' });
});

test('balance: every algorithm and its arguments', (t) => {
  const algos: Array<[string, unknown]> = [
    ['roundrobin', { kind: 'roundrobin' }],
    ['static-rr', { kind: 'static-rr' }],
    ['leastconn', { kind: 'leastconn' }],
    ['first', { kind: 'first' }],
    ['source', { kind: 'source' }],
    ['uri', { kind: 'uri', whole: false, pathOnly: false }],
    ['uri whole len 10 depth 3 path-only', { kind: 'uri', whole: true, pathOnly: true, len: 10, depth: 3 }],
    ['url_param userid', { kind: 'url_param', param: 'userid' }],
    ['hdr(Host)', { kind: 'hdr', header: 'Host', useDomainOnly: false }],
    ['hdr(host) use_domain_only', { kind: 'hdr', header: 'host', useDomainOnly: true }],
    ['random', { kind: 'random', draws: 2 }],
    ['random(5)', { kind: 'random', draws: 5 }],
  ];
  for (const [text, want] of algos) {
    const c = parseClean(`${DEFAULTS}backend b\n  balance ${text}\n`);
    t.deepEqual(c.backends.get('b')!.balance, want as never, text);
  }
  const r = parse('backend b\n  balance roundrobim\n  balance rdp-cookie\n  balance uri deep 3\n  balance random(0)\n  balance url_param x check_post\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:2: unknown balance algorithm 'roundrobim' (did you mean 'roundrobin'?)",
    "HAWSER_CFG_UNSUPPORTED t.cfg:3: 'balance rdp-cookie' is not supported yet",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:4: 'balance uri' only accepts 'whole', 'len <n>', 'depth <n>' and 'path-only', not 'deep'",
    "HAWSER_CFG_BAD_VALUE t.cfg:5: 'balance random(<draws>)' must be between 1 and 2147483647, not 0",
    "HAWSER_CFG_UNSUPPORTED t.cfg:6: 'balance url_param ... check_post' is not supported yet",
  ]);
});

test('hash-type', (t) => {
  const c = parseClean(`${DEFAULTS}backend a\n  hash-type consistent\nbackend b\n  hash-type map-based crc32 avalanche\nbackend c\n  hash-type consistent avalanche\n`);
  t.deepEqual(c.backends.get('a')!.hashType, { method: 'consistent', function: 'sdbm', avalanche: false });
  t.deepEqual(c.backends.get('b')!.hashType, { method: 'map-based', function: 'crc32', avalanche: true });
  t.deepEqual(c.backends.get('c')!.hashType, { method: 'consistent', function: 'sdbm', avalanche: true });
  t.deepEqual(parse('backend b\n  hash-type consistant\n').errors, [
    "HAWSER_CFG_BAD_VALUE t.cfg:2: 'hash-type' expects 'map-based' or 'consistent', not 'consistant' (did you mean 'consistent'?)",
  ]);
});

test('options: each flag, and no option', (t) => {
  const c = parseClean(`${DEFAULTS}
listen l
  bind :1
  option abortonclose
  option allbackups
  option dontlognull
  option http-buffer-request
  option log-health-checks
  option redispatch
  option tcpka
  option forwardfor except 10.0.0.0/8 header X-Client if-none
  option httplog clf
  no option dontlognull
  option splice-auto
`);
  const o = c.backends.get('l')!.options;
  t.like(o, { abortonclose: true, allbackups: true, httpBufferRequest: true, logHealthChecks: true, redispatch: true, srvtcpka: true });
  const f = c.frontends.get('l')!.options;
  t.like(f, { clitcpka: true, dontlognull: false, httplog: { clf: true } });
  t.deepEqual(f.forwardfor, { except: '10.0.0.0/8', header: 'X-Client', ifNone: true });
});

test('options: one HTTP connection mode at a time', (t) => {
  const c = parseClean(`${DEFAULTS}backend a\n  option httpclose\n  option http-keep-alive\nbackend b\n  option http-server-close\n  no option http-server-close\n`);
  t.like(c.backends.get('a')!.options, { httpclose: false, httpKeepAlive: true, httpServerClose: false });
  t.like(c.backends.get('b')!.options, { httpServerClose: false });
});

test('options: unknown, removed, not negatable, wrong side, later issues', (t) => {
  const r = parse(`frontend f
  option httpclos
  option forceclose
  no option tcpka
  option redispatch
  option originalto
  option independent-streams
backend b
  option httplog
  option tcplog
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:2: unknown option 'httpclos' in frontend 'f' (did you mean 'httpclose'?)",
    "HAWSER_CFG_DEPRECATED t.cfg:3: option 'forceclose' was removed in HAProxy 2.0: remove it, or use 'option httpclose'",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:4: 'no option tcpka': negation/default is not supported for option 'tcpka'",
    "HAWSER_CFG_UNSUPPORTED t.cfg:6: 'option originalto' is not supported yet",
  ]);
  t.deepEqual(r.warnings.filter((w) => !/INCOMPLETE|MISSING_TIMEOUT/.test(w)), [
    "HAWSER_CFG_WRONG_SECTION t.cfg:5: warning: 'option redispatch' ignored because frontend 'f' has no backend capability",
    "HAWSER_CFG_IGNORED t.cfg:7: warning: 'option independent-streams' is accepted but has no effect in Hawser",
    "HAWSER_CFG_WRONG_SECTION t.cfg:9: warning: 'option httplog' ignored because backend 'b' has no frontend capability",
    "HAWSER_CFG_WRONG_SECTION t.cfg:10: warning: 'option tcplog' is ignored in backends (backend 'b'); logging is set on frontends",
  ]);
});

test('log-format, httplog and tcplog share one slot', (t) => {
  const c = parseClean(`${DEFAULTS}
frontend a
  bind :1
  option httplog
  log-format "%ci:%cp [%t] %ft %b/%s"
  default_backend b
frontend c
  bind :2
  log-format "%ci"
  option tcplog
  default_backend b
backend b
`);
  t.like(c.frontends.get('a'), { logFormat: { format: '%ci:%cp [%t] %ft %b/%s' } });
  t.is(c.frontends.get('a')!.options.httplog, undefined);
  t.is(c.frontends.get('c')!.logFormat, undefined);
  t.true(c.frontends.get('c')!.options.tcplog);
  t.deepEqual(parse('frontend a\n  log-format %ci %cp\n').errors, [
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:2: 'log-format' expects exactly one argument: put the format in double quotes",
  ]);
});

test('the seed log-format string survives the lexer', (t) => {
  const c = parseClean(`${DEFAULTS}frontend f\n  bind :1\n  log-format "%H %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq"\n  default_backend b\nbackend b\n`);
  t.is(c.frontends.get('f')!.logFormat!.format, '%H %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq');
});

test('proxy logs: targets, log global, no log', (t) => {
  const c = parseClean(`${DEFAULTS}
backend a
  log global
  log 127.0.0.1:514 local0
backend b
  no log
`);
  t.deepEqual(c.backends.get('a')!.logs!.map((l) => l.kind), ['global', 'udp']);
  t.like(c.backends.get('b'), { logs: [], noLog: true });
});

test('server parameters', (t) => {
  const c = parseClean(`${DEFAULTS}
backend b
  server s1 10.0.0.1:80 check inter 2s fastinter 500ms downinter 10s rise 3 fall 4 port 8080 addr 10.0.0.9 weight 256 backup maxconn 10 maxqueue 5 cookie c1 slowstart 30s observe layer4 on-error sudden-death error-limit 7 id 12
  server s2 10.0.0.2:80 agent-check agent-port 9999 agent-inter 3s agent-addr 10.0.0.8 agent-send "ready\\n" disabled weight 0
  server s3 10.0.0.3:80 check no-check backup no-backup disabled enabled agent-check no-agent-check
`);
  const [s1, s2, s3] = c.backends.get('b')!.servers;
  t.like(s1, {
    check: true, inter: 2000, fastinter: 500, downinter: 10_000, rise: 3, fall: 4, checkPort: 8080, checkAddr: '10.0.0.9',
    weight: 256, backup: true, maxconn: 10, maxqueue: 5, cookie: 'c1', slowstart: 30_000, observe: 'layer4',
    onError: 'sudden-death', errorLimit: 7, id: 12,
  });
  t.like(s2, { agentCheck: true, agentPort: 9999, agentInter: 3000, agentAddr: '10.0.0.8', agentSend: 'ready\n', disabled: true, weight: 0 });
  t.like(s3, { check: false, backup: false, disabled: false, agentCheck: false });
});

test('server addresses: IPv6 forms, host names, no port', (t) => {
  const c = parseClean(`${DEFAULTS}
backend b
  server a [2001:db8::1]:80
  server b 2001:db8::2:81
  server c app.internal:8080
  server d 10.0.0.4
  server e [::1]
`);
  const s = c.backends.get('b')!.servers;
  t.like(s[0], { address: { host: '2001:db8::1', family: 6, port: 80 }, port: 80 });
  t.like(s[1], { address: { host: '2001:db8::2', family: 6 }, port: 81 });
  t.like(s[2], { address: { host: 'app.internal', hostname: true, family: 0 }, port: 8080 });
  t.is(s[3]!.port, undefined);
  t.is(s[4]!.port, undefined);
});

test('server errors: bad values, later issues, unknown parameters', (t) => {
  const r = parse(`backend b
  server a 10.0.0.1:80 weight 300
  server b 10.0.0.1:80 inter 0
  server c /var/run/app.sock
  server d 10.0.0.1:+1
  server e 10.0.0.1:80 minconn 10 npn h2
  server f 10.0.0.1:80 chek
  server g
  server h 10.0.0.1:80 observe layer9
  server i/j 10.0.0.1:80
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_BAD_VALUE t.cfg:2: server b/a: 'weight' must be between 0 and 256, not 300",
    "HAWSER_CFG_BAD_VALUE t.cfg:3: server b/b: 'inter' has to be > 0",
    "HAWSER_CFG_UNSUPPORTED t.cfg:5: server b/d: a port offset ('+1' in '10.0.0.1:+1') is not supported yet",
    "HAWSER_CFG_UNSUPPORTED t.cfg:6: server b/e: parameter 'minconn' is not supported yet",
    "HAWSER_CFG_UNSUPPORTED t.cfg:6: server b/e: parameter 'npn' is not supported yet",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:7: server b/f: unknown parameter 'chek' (did you mean 'check'?)",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:8: 'server' expects <name> and <address>[:<port>] as arguments",
    "HAWSER_CFG_BAD_VALUE t.cfg:9: server b/h: 'observe' expects none, layer4 or layer7, not 'layer9'",
    "HAWSER_CFG_BAD_VALUE t.cfg:10: character '/' is not permitted in server name 'i/j'",
  ]);
});

test('default-server applies to the servers written after it', (t) => {
  const c = parseClean(`${DEFAULTS}
backend b
  server early 10.0.0.1:80
  default-server check inter 3s weight 50
  server s1 10.0.0.2:80
  server s2 10.0.0.3:80 no-check weight 5
  default-server inter 1s
  server s3 10.0.0.4:80
`);
  const [early, s1, s2, s3] = c.backends.get('b')!.servers;
  t.is(early!.check, undefined);
  t.like(s1, { check: true, inter: 3000, weight: 50 });
  t.like(s2, { check: false, inter: 3000, weight: 5 });
  t.like(s3, { check: true, inter: 1000, weight: 50 });
  t.deepEqual(c.backends.get('b')!.defaultServer, { check: true, inter: 1000, weight: 50 });
  t.regex(parse('backend b\n  default-server id 3\n').errors[0]!, /'id' is not allowed on default-server/);
});

test('disabled, enabled, id, description', (t) => {
  const c = parseClean(`${DEFAULTS}backend a\n  disabled\n  id 7\n  description the "a" backend\nbackend b\n  disabled\n  enabled\n`);
  t.like(c.backends.get('a'), { disabled: true, id: 7, description: 'the a backend' });
  t.like(c.backends.get('b'), { disabled: false });
});

test('the keyword matrix: errors where HAProxy refuses, warnings where it ignores', (t) => {
  const r = parse(`defaults
  server s 1.2.3.4:80
  bind :80
  use_backend x
  description d
  id 1
frontend f
  bind :8080
  server s 1.2.3.4:80
  default-server check
  balance roundrobin
  timeout server 5s
  fullconn 5
backend b
  bind :81
  default_backend x
  maxconn 5
  timeout client 5s
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_WRONG_SECTION t.cfg:2: 'server' is not allowed in a defaults section",
    "HAWSER_CFG_WRONG_SECTION t.cfg:3: 'bind' is not allowed in a defaults section",
    "HAWSER_CFG_WRONG_SECTION t.cfg:4: 'use_backend' is not allowed in a defaults section",
    "HAWSER_CFG_WRONG_SECTION t.cfg:5: 'description' is not allowed in a defaults section",
    "HAWSER_CFG_WRONG_SECTION t.cfg:6: 'id' is not allowed in a defaults section",
    "HAWSER_CFG_WRONG_SECTION t.cfg:9: 'server' is not allowed in frontend 'f': it has no backend capability",
    "HAWSER_CFG_WRONG_SECTION t.cfg:10: 'default-server' is not allowed in frontend 'f': it has no backend capability",
    // HAProxy only warns for these two; Hawser refuses traffic routing that would go nowhere.
    "HAWSER_CFG_WRONG_SECTION t.cfg:15: 'bind' is not allowed in backend 'b': it has no frontend capability",
    "HAWSER_CFG_WRONG_SECTION t.cfg:16: 'default_backend' is not allowed in backend 'b': it has no frontend capability",
  ]);
  const w = r.warnings.filter((x) => x.includes('WRONG_SECTION'));
  t.deepEqual(w, [
    "HAWSER_CFG_WRONG_SECTION t.cfg:11: warning: 'balance' ignored because frontend 'f' has no backend capability",
    "HAWSER_CFG_WRONG_SECTION t.cfg:12: warning: 'timeout server' will be ignored because frontend 'f' has no backend capability",
    "HAWSER_CFG_WRONG_SECTION t.cfg:13: warning: 'fullconn' ignored because frontend 'f' has no backend capability (maybe you want 'maxconn')",
    "HAWSER_CFG_WRONG_SECTION t.cfg:17: warning: 'maxconn' ignored because backend 'b' has no frontend capability (maybe you want 'fullconn')",
    "HAWSER_CFG_WRONG_SECTION t.cfg:18: warning: 'timeout client' will be ignored because backend 'b' has no frontend capability",
  ]);
  t.deepEqual(r.config, undefined);
});

test('unknown keywords say where and suggest the closest valid one', (t) => {
  const r = parse('backend app\n  balanse roundrobin\nfrontend www\n  bnd :80\n  frobnicate\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:2: unknown keyword 'balanse' in backend 'app' (did you mean 'balance'?)",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:4: unknown keyword 'bnd' in frontend 'www' (did you mean 'bind'?)",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:5: unknown keyword 'frobnicate' in frontend 'www'",
  ]);
});

test('later-issue keywords are refused as not supported yet, never ignored', (t) => {
  const kws = [
    'tcp-response content accept', 'errorfiles site',
    'unique-id-format %{+X}o', 'monitor-uri /m', 'redirect prefix /x', 'filter trace', 'rate-limit sessions 10'];
  const r = parse(`listen l\n${kws.map((k) => `  ${k}\n`).join('')}`);
  t.is(r.errors.length, kws.length);
  r.errors.forEach((e, i) => t.is(e, `HAWSER_CFG_UNSUPPORTED t.cfg:${i + 2}: '${kws[i]!.split(' ')[0]}' is not supported yet`));
});

test('removed HAProxy keywords name their replacement', (t) => {
  const r = parse('backend b\n  reqadd X-A:\\ b\n  redispatch\n  block if TRUE\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_DEPRECATED t.cfg:2: 'reqadd' was removed in HAProxy 2.1: use 'http-request add-header'",
    "HAWSER_CFG_DEPRECATED t.cfg:3: 'redispatch' was removed in HAProxy 2.1: use 'option redispatch'",
    "HAWSER_CFG_DEPRECATED t.cfg:4: 'block' was removed in HAProxy 2.1: use 'http-request deny' (same syntax)",
  ]);
});

test('unsupported sections are reported once and their contents skipped', (t) => {
  const r = parse('program p0\n  command /bin/true\n  bogus\nring r1\n  size 1024\nbackend b\n  frob\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNSUPPORTED t.cfg:1: section 'program' is not supported yet",
    "HAWSER_CFG_UNSUPPORTED t.cfg:4: section 'ring' is not supported yet",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:7: unknown keyword 'frob' in backend 'b'",
  ]);
});

test('a keyword before any section', (t) => {
  t.deepEqual(parse('maxconn 10\nfrontned x\n').errors, [
    "HAWSER_CFG_WRONG_SECTION t.cfg:1: 'maxconn' appears before any section (start with global, defaults, frontend, backend or listen)",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:2: unknown keyword 'frontned' out of section (did you mean 'frontend'?)",
  ]);
});

test('section headers: names, extra words, listen with an address', (t) => {
  const r = parse('frontend\nbackend a/b\nlisten web 0.0.0.0:80\nbackend c d\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:1: 'frontend' expects a name",
    "HAWSER_CFG_BAD_VALUE t.cfg:2: character '/' is not permitted in backend name 'a/b'",
    "HAWSER_CFG_DEPRECATED t.cfg:3: 'listen web 0.0.0.0:80': addresses on the section line are not supported, use the 'bind' keyword for listening addresses",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:4: 'backend' expects <name> [from <defaults>]",
  ]);
});

test('mailers sections and email-alert lines: parsed, inherited from defaults field by field, checked', (t) => {
  const r = parse(
    'mailers mta\n  mailer a 127.0.0.1:25\n  mailer b mail.example:2525\n  timeout mail 3s\n' +
      'defaults\n  email-alert mailers mta\n  email-alert from lb@x\n  email-alert to ops@x\n' +
      'backend app\n  email-alert level notice\n  server s 127.0.0.1:80\n' +
      'backend other\n  email-alert to dev@x\n  email-alert myhostname lb1\n  server s 127.0.0.1:80\n',
  );
  t.deepEqual(r.errors, []);
  const m = r.config!.mailers.get('mta')!;
  t.deepEqual(
    m.mailers.map((x) => [x.name, x.address.kind === 'inet' ? `${x.address.host}:${x.address.port}` : '']),
    [['a', '127.0.0.1:25'], ['b', 'mail.example:2525']],
  );
  t.is(m.timeoutMail, 3000);
  const app = r.config!.backends.get('app')!.emailAlert!;
  t.like(app, { mailers: { name: 'mta' }, from: 'lb@x', to: 'ops@x', level: 'notice' });
  t.like(r.config!.backends.get('other')!.emailAlert!, { mailers: { name: 'mta' }, from: 'lb@x', to: 'dev@x', myhostname: 'lb1' });
});
