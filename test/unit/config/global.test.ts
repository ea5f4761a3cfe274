// The global section: every implemented keyword, merging of several global
// sections, environment changes, and what is ignored or refused.

import test from 'ava';
import { parse, parseClean } from './parse.ts';
import { formatDiagnostic, parseConfigText } from '../../../src/config/index.ts';

test('process keywords fill the model', (t) => {
  const c = parseClean(`global
  maxconn 4096
  nbthread 4
  user hawser
  group hawser
  uid 100
  gid 101
  pidfile /run/hawser.pid
  daemon
  chroot /var/empty
  localpeer lb2
  node lb2-node
  description Hawser on lb2
  hard-stop-after 30s
  tune.bufsize 32k
  tune.http.maxhdr 200
  log-send-hostname myhost
  log-tag hawser
  spread-checks 10
`);
  t.like(c.global, {
    maxconn: 4096,
    nbthread: 4,
    user: 'hawser',
    group: 'hawser',
    uid: 100,
    gid: 101,
    pidfile: '/run/hawser.pid',
    daemon: true,
    chroot: '/var/empty',
    localpeer: 'lb2',
    node: 'lb2-node',
    description: 'Hawser on lb2',
    hardStopAfter: 30_000,
    tune: { bufsize: 32_768, httpMaxhdr: 200, maxhdr: 200 },
    logSendHostname: 'myhost',
    logTag: 'hawser',
    spreadChecks: 10,
  });
  t.is(c.global.pos?.line, 1);
  // localpeer names this node from now on.
  t.is(c.localName, 'lb2');
});

test('log targets: stdout, stderr, udp with default port, unix, len, format, levels', (t) => {
  const c = parseClean(`global
  log stdout format raw local0
  log stderr local1 info
  log 127.0.0.1 local2 notice err
  log [::1]:1514 len 4096 format rfc5424 daemon
  log /dev/log local3
  log unix@/run/log.sock user
`);
  const [a, b, d, e, f, g] = c.global.logs;
  t.like(a, { kind: 'stdout', format: 'raw', facility: 'local0' });
  t.like(b, { kind: 'stderr', format: 'rfc3164', facility: 'local1', level: 'info' });
  t.like(d, { kind: 'udp', address: { host: '127.0.0.1', port: 514 }, level: 'notice', minLevel: 'err' });
  t.like(e, { kind: 'udp', address: { host: '::1', port: 1514 }, length: 4096, format: 'rfc5424', facility: 'daemon' });
  t.like(f, { kind: 'unix', address: { kind: 'unix', path: '/dev/log' } });
  t.like(g, { kind: 'unix', address: { path: '/run/log.sock' } });
  t.is(a!.pos.line, 2);
});

test('log errors name the bad word', (t) => {
  const r = parse(`global
  log stdout local9
  log stdout format json local0
  log stdout
  log global
  log stdout local0 loud
`);
  t.deepEqual(
    r.errors.map((e) => e.replace(/^\S+ /, '')),
    [
      "t.cfg:2: log: unknown facility 'local9' (did you mean 'local0'?)",
      "t.cfg:3: log: unknown log format 'json' (expected one of raw, short, rfc3164, rfc5424, iso, local, priority, timed)",
      "t.cfg:4: log: missing facility after 'stdout' (e.g. local0)",
      "t.cfg:5: 'log global' is only valid in proxies, not in the global section",
      "t.cfg:6: log: unknown level 'loud'",
    ],
  );
});

test('no log in global clears the targets', (t) => {
  const c = parseClean('global\n  log stdout local0\n  no log\n');
  t.deepEqual(c.global.logs, []);
});

test('stats socket: addresses and parameters', (t) => {
  const c = parseClean(`global
  stats socket /run/hawser/admin.sock mode 600 level admin user hawser group adm
  stats socket ipv4@127.0.0.1:9999 level user
  stats socket "fd@\${ADMIN_FD}" expose-fd listeners
  stats timeout 1m
`, { env: { ADMIN_FD: '7' } });
  const [a, b, d] = c.global.statsSockets;
  t.like(a, { address: { kind: 'unix', path: '/run/hawser/admin.sock' }, mode: 0o600, level: 'admin', user: 'hawser', group: 'adm' });
  t.like(b, { address: { kind: 'inet', host: '127.0.0.1', port: 9999 }, level: 'user' });
  t.like(d, { address: { kind: 'fd', fd: 7 }, level: 'operator', exposeFdListeners: true });
  t.is(c.global.statsTimeout, 60_000);
});

test('stats socket errors', (t) => {
  const r = parse(`global
  stats socket /x.sock level root
  stats socket /x.sock mode 999
  stats socket 127.0.0.1
  stats socket /x.sock accept-proxy
  stats sockett /x
`);
  t.is(r.errors.length, 5);
  t.regex(r.errors[0]!, /HAWSER_CFG_BAD_VALUE t.cfg:2: .*'level' expects user, operator or admin, not 'root'/);
  t.regex(r.errors[1]!, /t.cfg:3: .*octal/);
  t.regex(r.errors[2]!, /t.cfg:4: .*missing port/);
  t.regex(r.errors[3]!, /HAWSER_CFG_UNSUPPORTED t.cfg:5: .*'accept-proxy' is not supported yet/);
  t.regex(r.errors[4]!, /HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:6: .*not 'sockett' \(did you mean 'socket'\?\)/);
});

test('several global sections are merged, the last value wins', (t) => {
  const c = parseClean('global\n  maxconn 10\n  log stdout local0\n\nglobal\n  maxconn 20\n  log stderr local0\n');
  t.is(c.global.maxconn, 20);
  t.is(c.global.logs.length, 2);
  t.is(c.global.pos?.line, 1);
});

test('section keywords may be indented', (t) => {
  const c = parseClean('  global\n    maxconn 7\n    defaults\n  mode tcp\n');
  t.is(c.global.maxconn, 7);
  t.is(c.defaults[0]!.mode, 'tcp');
});

test('setenv, presetenv, unsetenv and resetenv change later expansions', (t) => {
  const c = parseClean(`global
  setenv A one
  presetenv A ignored
  presetenv B two
  setenv C three
  unsetenv C
  description "\${A} \${B} \${C-unset}"
  resetenv A
  node "\${A}-\${B-gone}"
`, { env: { KEEP: 'k', DROP: 'd' } });
  t.is(c.global.description, 'one two unset');
  t.is(c.global.node, 'one-gone');
  t.deepEqual(c.env, { A: 'one' });
});

test('the process environment is read, never modified', (t) => {
  const env = { X: '1' };
  const c = parseClean('global\n  setenv X 2\n  node "${X}"\n', { env });
  t.is(c.global.node, '2');
  t.deepEqual(env, { X: '1' });
  t.is(c.env!.HAPROXY_LOCALPEER, 'lb1');
});

test('HAPROXY_LOCALPEER holds the local node name', (t) => {
  const c = parseClean('global\n  node "${HAPROXY_LOCALPEER}"\n', { localName: 'lb7' });
  t.is(c.global.node, 'lb7');
});

test('engine tunables and TLS defaults are accepted silently', (t) => {
  parseClean(`global
  ssl-default-bind-ciphers ECDHE+AESGCM
  ssl-default-bind-options ssl-min-ver TLSv1.2
  ca-base /etc/ssl/certs
  crt-base /etc/ssl/private
  tune.ssl.default-dh-param 2048
  quiet
  noepoll
  tune.maxaccept 64
`);
  t.pass();
});

test('keywords Hawser cannot honour are warnings; later-issue ones errors', (t) => {
  const r = parse('global\n  master-worker\n  ulimit-n 1000\n  lua-load /x.lua\n  maxsessrate 10\n');
  t.is(r.warnings.length, 2);
  t.regex(r.warnings[0]!, /^HAWSER_CFG_IGNORED t.cfg:2: warning: 'master-worker' is ignored/);
  t.regex(r.warnings[1]!, /^HAWSER_CFG_IGNORED t.cfg:3: warning: 'ulimit-n' is ignored/);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNSUPPORTED t.cfg:4: 'lua-load' is not supported yet",
    "HAWSER_CFG_UNSUPPORTED t.cfg:5: 'maxsessrate' is not supported yet",
  ]);
  t.is(r.config, undefined);
});

test('unknown, removed and malformed global keywords', (t) => {
  const r = parse(`global
  tune.maxhdr 5
  nbproc 2
  maxconn many
  nbthread 0
  daemon yes
  tune.bufsize 10
  no maxconn
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:2: unknown keyword 'tune.maxhdr' in global section (did you mean 'tune.http.maxhdr'?)",
    "HAWSER_CFG_DEPRECATED t.cfg:3: 'nbproc' was removed in HAProxy 2.5: threads are used instead (see 'nbthread')",
    "HAWSER_CFG_BAD_VALUE t.cfg:4: 'maxconn' expects an integer, not 'many'",
    "HAWSER_CFG_BAD_VALUE t.cfg:5: 'nbthread' must be between 1 and 64, not 0",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:6: 'daemon' does not take argument 'yes' (too many arguments)",
    "HAWSER_CFG_BAD_VALUE t.cfg:7: 'tune.bufsize' must be at least 1024 bytes, not 10",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:8: 'no maxconn': 'no' is only supported before log, busy-polling, set-dumpable, strict-limits, insecure-fork-wanted and numa-cpu-mapping in global",
  ]);
});

test('zero-warning turns warnings into a failure', (t) => {
  const r = parse('global\n  zero-warning\n  master-worker\n');
  t.is(r.config, undefined);
  t.is(r.errors.length, 1);
  t.regex(r.errors[0]!, /zero-warning/);
  t.truthy(parse('global\n  zero-warning\n').config);
});

test('.warning and .alert directives', (t) => {
  const r = parse('.warning "check me"\n.notice "hello"\n.alert "stop"\n.bogus\n');
  t.deepEqual(r.warnings, ['HAWSER_CFG_USER t.cfg:1: warning: check me']);
  t.deepEqual(r.errors, ['HAWSER_CFG_USER t.cfg:3: stop', "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:4: unknown directive '.bogus'"]);
});

test('conditional blocks are refused once and skipped whole', (t) => {
  const r = parse('.if defined(X)\n  bogus line\n  .if 1\n  .endif\n.endif\nglobal\n  maxconn 1\n.endif\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_UNSUPPORTED t.cfg:1: conditional blocks ('.if' ... '.endif') are not supported yet",
    "HAWSER_CFG_SYNTAX t.cfg:8: lone '.endif' with no matching '.if'",
  ]);
});

test('conditional blocks with an evaluator: nesting, elif, else, per HAProxy', (t) => {
  // A stand-in for the CLI's condition language: numbers and defined(NAME).
  const condition = (expr: string, env: Readonly<Record<string, string | undefined>>) => {
    const m = /^defined\((\w+)\)$/.exec(expr);
    if (m !== null) return { ok: true as const, value: env[m[1]!] !== undefined };
    if (/^\d+$/.test(expr)) return { ok: true as const, value: Number(expr) !== 0 };
    return { ok: false as const, message: `unparsable conditional expression '${expr}'` };
  };
  const text = `global
.if defined(PROD)
  maxconn 1000
.elif 1
  maxconn 10
  .if 0
    nbthread 8
  .else
    nbthread 2
  .endif
.else
  maxconn 1
.endif
  setenv PROD yes
.if defined(PROD)
  node prod
.endif
.if 0
  bogus keyword
  .if nonsense(
  .endif
.endif
`;
  const r = parseConfigText(text, 't.cfg', { env: {}, localName: 'lb1', condition });
  t.deepEqual(r.diagnostics, []);
  t.like(r.config!.global, { maxconn: 10, nbthread: 2, node: 'prod' });
  const bad = parseConfigText('.if nonsense(\nglobal\n.else\n.else\n.endif\n.endif\n.if 1\n', 't.cfg', { env: {}, localName: 'lb1', condition });
  t.deepEqual(bad.diagnostics.map(formatDiagnostic), [
    "HAWSER_CFG_SYNTAX t.cfg:1: unparsable conditional expression 'nonsense(' in '.if'",
    "HAWSER_CFG_SYNTAX t.cfg:4: '.else' after '.else' is not permitted",
    "HAWSER_CFG_SYNTAX t.cfg:6: lone '.endif' with no matching '.if'",
    "HAWSER_CFG_SYNTAX t.cfg:7: non-terminated '.if' block",
  ]);
});

test('tune.h2.max-concurrent-streams: a count (0: no limit), refused when not one', (t) => {
  t.is(parseClean('global\n  tune.h2.max-concurrent-streams 7\n').global.tune.h2MaxConcurrentStreams, 7);
  t.is(parseClean('global\n  tune.h2.max-concurrent-streams 0\n').global.tune.h2MaxConcurrentStreams, 0);
  t.is(parseClean('global\n  maxconn 10\n').global.tune.h2MaxConcurrentStreams, undefined);
  const r = parse('global\n  tune.h2.max-concurrent-streams -1\n');
  t.is(r.errors.length, 1);
  t.regex(r.errors[0]!, /^HAWSER_CFG_BAD_VALUE t\.cfg:2: 'tune\.h2\.max-concurrent-streams'/);
});
