// Health check protocols: option httpchk & co., http-check and tcp-check lines.

import test from 'ava';
import { DEFAULTS, parse, parseClean } from './parse.ts';

const check = (lines: string): unknown => parseClean(`${DEFAULTS}backend b\n${lines}`).backends.get('b')!.check;

test('option httpchk: HAProxy 1, 2 and 3 argument forms', (t) => {
  t.like(check('  option httpchk\n'), { kind: 'http', method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [] });
  t.like(check('  option httpchk /health\n'), { method: 'OPTIONS', uri: '/health' });
  t.like(check('  option httpchk HEAD /health\n'), { method: 'HEAD', uri: '/health', version: 'HTTP/1.0' });
  t.like(check('  option httpchk GET /health HTTP/1.1\n'), { method: 'GET', uri: '/health', version: 'HTTP/1.1' });
});

test('option httpchk: headers after the version (the old trick) become headers, with a warning', (t) => {
  const r = parse(`${DEFAULTS}backend b\n  option httpchk GET /x HTTP/1.1\\r\\nHost:\\ www.example\\r\\nX-A:\\ 1\n`);
  t.like(r.config!.backends.get('b')!.check, { version: 'HTTP/1.1', headers: [['Host', 'www.example'], ['X-A', '1']] });
  t.is(r.warnings.length, 1);
  t.regex(r.warnings[0]!, /HAWSER_CFG_DEPRECATED .*http-check send hdr/);
});

test('http-check send and expect', (t) => {
  t.like(
    check('  option httpchk\n  http-check send meth GET uri /ready ver HTTP/1.1 hdr Host a.example hdr Accept */* body "{}"\n  http-check expect ! string maintenance\n'),
    {
      kind: 'http', method: 'GET', uri: '/ready', version: 'HTTP/1.1', headers: [['Host', 'a.example'], ['Accept', '*/*']], body: '{}',
      expect: { negate: true, match: 'string', pattern: 'maintenance' },
    },
  );
  t.like(check('  option httpchk\n  http-check expect status 200,301-302\n'), { expect: { match: 'status', pattern: '200,301-302' } });
  t.like(check('  option httpchk\n  http-check expect rstatus ^2\n'), { expect: { match: 'rstatus', pattern: '^2' } });
  t.like(check('  option httpchk\n  http-check comment "why not"\n  http-check expect comment ok status 204\n'), { expect: { pattern: '204' } });
});

test('http-check: one expect rule only, for now', (t) => {
  const r = parse(`${DEFAULTS}backend b\n  option httpchk\n  http-check expect status 200\n  http-check expect string ok\n`);
  t.deepEqual(r.errors, ["HAWSER_CFG_UNSUPPORTED t.cfg:9: several 'http-check expect' rules in one proxy is not supported yet"]);
});

test('the database and mail checks', (t) => {
  t.deepEqual(check('  option mysql-check\n'), { kind: 'mysql', post41: false });
  t.deepEqual(check('  option mysql-check user haproxy\n'), { kind: 'mysql', user: 'haproxy', post41: false });
  t.deepEqual(check('  option mysql-check user haproxy post-41\n'), { kind: 'mysql', user: 'haproxy', post41: true });
  t.deepEqual(check('  option pgsql-check user postgres\n'), { kind: 'pgsql', user: 'postgres' });
  t.deepEqual(check('  option redis-check\n'), { kind: 'redis' });
  t.deepEqual(check('  option smtpchk\n'), { kind: 'smtp', verb: 'HELO', domain: 'localhost' });
  t.deepEqual(check('  option smtpchk EHLO mail.example\n'), { kind: 'smtp', verb: 'EHLO', domain: 'mail.example' });
  // As HAProxy: any other verb means HELO.
  t.deepEqual(check('  option smtpchk HI mail.example\n'), { kind: 'smtp', verb: 'HELO', domain: 'mail.example' });
  t.deepEqual(check('  option ssl-hello-chk\n'), { kind: 'ssl-hello' });
});

test('tcp-check rules in order', (t) => {
  const c = check(`  option tcp-check
  tcp-check comment "redis ping"
  tcp-check connect port 6379 addr 127.0.0.1
  tcp-check send "PING\\r\\n"
  tcp-check expect string +PONG
  tcp-check send-binary 0a0B
  tcp-check expect ! rbinary ^ff
  tcp-check expect binary 0d0a
`) as { rules: Array<Record<string, unknown>> };
  t.deepEqual(
    c.rules.map(({ pos: _pos, ...r }) => r),
    [
      { kind: 'comment', text: 'redis ping' },
      { kind: 'connect', port: 6379, addr: '127.0.0.1', ssl: false, sendProxy: false },
      { kind: 'send', data: 'PING\r\n' },
      { kind: 'expect', negate: false, match: 'string', pattern: '+PONG' },
      { kind: 'send-binary', hex: '0a0B' },
      { kind: 'expect', negate: true, match: 'rbinary', pattern: '^ff' },
      { kind: 'expect', negate: false, match: 'binary', pattern: '0d0a' },
    ],
  );
});

test('the last check option of a section wins', (t) => {
  t.deepEqual(check('  option httpchk\n  option redis-check\n'), { kind: 'redis' });
});
