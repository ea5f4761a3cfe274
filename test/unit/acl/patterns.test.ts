// Match methods (-m found bool int ip bin len str beg sub dir dom end reg),
// their flags (-i, -n, -f, -M, --) and pattern syntaxes (ranges, operators,
// networks, hex), applied to samples the way an ACL line does.

import test from 'ava';
import {
  AclError,
  type AclCompileOptions,
  compileAclDeclaration,
  parseMapLines,
  parsePatternLines,
  PatternFiles,
} from '../../../src/acl/index.ts';
import { type FakeExchange, fakeContext } from './context.ts';

const FILES: Record<string, string> = {
  '/p/hosts.lst': '# exact hosts\nwww.example.com\n  api.example.com\n\n#x.example.com\n',
  '/p/ua.lst': 'Googlebot\nbingbot\n',
  '/p/nets.acl': '10.0.0.0/8\n192.168.1.0/255.255.255.0\n10.0.0.0/255.0.255.0\n2001:db8::/32\n',
  '/p/short.acl': '127.1\n',
  '/p/hosts.map': 'www.example.com app\napi.example.com api\n',
  '/p/ints.lst': '1:10\n100\n',
};

const opts: AclCompileOptions = {
  loadFile: (p) => {
    const t = FILES[p];
    if (t === undefined) throw new Error('ENOENT');
    return t;
  },
};

/** Does `acl x <words>` match the exchange? */
function m(words: string, ex: FakeExchange): boolean | string {
  const d = compileAclDeclaration(['x', ...words.split(' ')], { file: 't.cfg', line: 1 }, opts);
  if (d instanceof AclError) return d.toString();
  return d.expression.test(fakeContext(ex));
}

const host = (h: string): FakeExchange => ({ headers: ['Host', h] });
const url = (u: string): FakeExchange => ({ url: u });
const src = (a: string): FakeExchange => ({ src: a });

test('found: present (even empty) matches, absent does not; patterns are ignored', (t) => {
  t.true(m('req.hdr(host) -m found', host('')));
  t.false(m('req.hdr(x) -m found', host('a')));
  t.true(m('req.hdr(host) -m found whatever', host('a')));
  t.true(m('req.cook(sid) -m found', { headers: ['Cookie', 'sid=;'] }));
  t.true(m('req.cook(sid) -m found', { headers: ['Cookie', 'x=1; sid='] }));
  t.false(m('req.cook(sid) -m found', { headers: ['Cookie', 'sid='] }), 'haproxy 2.6 misses an empty cookie alone in its header');
});

test('bool: booleans as they are, integers non-zero; no pattern needed', (t) => {
  t.true(m('always_true', {}));
  t.false(m('always_false', {}));
  t.true(m('int(3) -m bool', {}));
  t.false(m('int(0) -m bool', {}));
  t.true(m('req.hdr(x) -m bool', { headers: ['X', '12'] }));
  t.false(m('req.hdr(x) -m bool', { headers: ['X', 'abc'] }));
});

test('int: values, ranges with ":" or "-", open ranges, operators', (t) => {
  t.true(m('int(5) 5', {}));
  t.true(m('int(5) 1:10', {}));
  t.true(m('int(5) 1-10', {}));
  t.true(m('int(5) :5', {}));
  t.false(m('int(5) 6:', {}));
  t.true(m('int(5) 4 5 6', {}));
  t.true(m('int(5) gt 4', {}));
  t.false(m('int(5) gt 5', {}));
  t.true(m('int(5) ge 5', {}));
  t.true(m('int(5) lt 6', {}));
  t.false(m('int(5) lt 5', {}));
  t.true(m('int(5) le 5', {}));
  t.true(m('int(5) eq 5', {}));
  t.true(m('int(5) gt 9 lt 6', {}), 'the operator changes for the following values');
  t.true(m('int(-3) :0', {}), 'negative samples compare, patterns cannot be negative');
  t.true(m('bool(1) -m int 1', {}));
  t.true(m('src_port 1024:65535', { srcPort: 40000 }));
  t.is(m('int(5) x', {}), "HAWSER_ACL_BAD_PATTERN t.cfg:1: 'x' is not a number");
  t.true(m('req.hdr_val(x) gt 3.7', { headers: ['X', '4'] }), 'a decimal part is ignored with operators');
});

test('len: the length of the sample as a string, with int syntax', (t) => {
  t.true(m('path -m len 4', url('/abc')));
  t.true(m('path_len 3:5', url('/abc')));
  t.false(m('path_len gt 4', url('/abc')));
  t.true(m('hdr_len(host) 0', host('')));
  t.true(m('src -m len 9', src('127.0.0.1')));
});

test('str: exact, case-sensitive unless -i, -- to match a dash word', (t) => {
  t.true(m('req.hdr(host) www.example.com', host('www.example.com')));
  t.false(m('req.hdr(host) www.example.com', host('WWW.example.com')));
  t.true(m('req.hdr(host) -i www.example.com', host('WWW.example.com')));
  t.false(m('req.hdr(host) -i www.example.com', host('www.example.co')));
  t.true(m('req.hdr(x) -- -i', { headers: ['X', '-i'] }));
  t.true(m('req.hdr(x) a -i', { headers: ['X', '-i'] }), 'after the first pattern, everything is a pattern');
  t.true(m('src -m str 127.0.0.1', src('127.0.0.1')));
  t.false(m('req.hdr(host) -i \u00e9', host('\u00c9')), 'case folding is ASCII only, as in C');
});

test('-f: patterns from a file, comments and blank lines skipped; -i applies to the files after it', (t) => {
  t.true(m('req.hdr(host) -f /p/hosts.lst', host('api.example.com')));
  t.false(m('req.hdr(host) -f /p/hosts.lst', host('#x.example.com')));
  t.false(m('req.hdr(host) -f /p/hosts.lst', host('API.example.com')));
  t.true(m('req.hdr(host) -i -f /p/hosts.lst', host('API.example.com')));
  t.false(m('req.hdr(user-agent) -f /p/ua.lst -i -f /p/hosts.lst', { headers: ['User-Agent', 'googlebot'] }));
  t.true(m('req.hdr(user-agent) -f /p/hosts.lst -i -f /p/ua.lst', { headers: ['User-Agent', 'googlebot'] }));
  t.true(m('req.hdr(host) -f /p/hosts.lst other.org', host('other.org')), 'files and inline patterns together');
  t.true(m('req.hdr(host) -M -f /p/hosts.map', host('api.example.com')), '-M reads the keys of a map');
  t.true(m('int(100) -f /p/ints.lst', {}));
  t.true(m('int(7) -f /p/ints.lst', {}));
});

test('beg, end, sub: prefix, suffix, substring (-i too)', (t) => {
  t.true(m('path_beg /api/ /v2/', url('/v2/x')));
  t.false(m('path_beg /api/', url('/API/x')));
  t.true(m('path_beg -i /api/', url('/API/x')));
  t.true(m('path_end .jpg .png', url('/a/b.png')));
  t.false(m('path_end .png', url('/a/b.PNG')));
  t.true(m('path_end -i .png', url('/a/b.PNG')));
  t.true(m('path_sub admin', url('/x/admin/y')));
  t.true(m('path_sub -i ADMIN', url('/x/admin/y')));
  t.false(m('path_sub admin', url('/x/adm/y')));
  t.false(m('path_beg /a/very/long/prefix', url('/a')));
});

test('beg and end stay exact with many patterns (indexed by length)', (t) => {
  const many = Array.from({ length: 50 }, (_, i) => `/p${i}/`).join(' ');
  t.true(m(`path_beg ${many}`, url('/p37/x')));
  t.false(m(`path_beg ${many}`, url('/p50/x')));
  t.true(m(`path_beg -i ${many}`, url('/P7/x')));
  const ends = Array.from({ length: 50 }, (_, i) => `.e${i}`).join(' ');
  t.true(m(`path_end ${ends}`, url('/x.e49')));
  t.false(m(`path_end ${ends}`, url('/x.e50')));
  t.true(m(`path_end -i ${ends}`, url('/x.E3')));
});

test('dir and dom: a whole slash- or dot-delimited part', (t) => {
  t.true(m('path_dir api', url('/v1/api/users')));
  t.true(m('path_dir /api/', url('/v1/api')));
  t.false(m('path_dir api', url('/v1/apis/users')));
  t.true(m('path_dir v1/api', url('/v1/api/users')));
  t.true(m('path_dir -i API', url('/v1/api')));
  t.true(m('url_dir x', url('/a?x')), '? delimits too');
  t.true(m('hdr_dom(host) example.com', host('www.example.com')));
  t.true(m('hdr_dom(host) example.com', host('example.com:8080')));
  t.false(m('hdr_dom(host) example.com', host('www.myexample.com')));
  t.true(m('hdr_dom(host) .example.com.', host('a.example.com')), 'delimiters around the pattern are ignored');
  t.false(m('hdr_dom(host) /', host('a/b')), 'a pattern of delimiters only never matches');
});

test('reg: unanchored regular expressions, -i, (?i)', (t) => {
  t.true(m('path_reg ^/api/v[0-9]+/', url('/api/v2/x')));
  t.false(m('path_reg ^/api/v[0-9]+/', url('/x/api/v2/')));
  t.true(m('path_reg v[0-9]', url('/x/api/v2/')));
  t.true(m('path_reg -i ^/API', url('/api')));
  t.true(m('path_reg (?i)^/API', url('/api')));
  t.true(m('path -m regm ^/a', url('/a')));
  t.is(m('path_reg (', url('/')), "HAWSER_ACL_BAD_PATTERN t.cfg:1: regex '(' is invalid (error=Unterminated group)");
});

test('bin: hex blocks against binary samples and strings', (t) => {
  t.true(m('req.body -m bin 68656c6c6f', { body: Buffer.from('hello') }));
  t.false(m('req.body -m bin 68656c6c', { body: Buffer.from('hello') }));
  t.true(m('req.hdr(x) -m bin 4142', { headers: ['X', 'AB'] }));
  t.true(m('src -m bin 7f000001', src('127.0.0.1')));
  t.true(m('int(1) -m bin 0000000000000001', {}));
  t.true(m('req.body,hex -m sub 6C6C', { body: Buffer.from('hello') }));
});

test('ip: networks, masks, hosts, and v4/v6 cross matching as haproxy does', (t) => {
  t.true(m('src 10.0.0.0/8', src('10.200.1.1')));
  t.true(m('src 192.168.1.0/255.255.255.0', src('192.168.1.9')));
  t.true(m('src 10.0.0.0/255.0.255.0', src('10.9.0.9')), 'non-contiguous masks work');
  t.false(m('src 10.0.0.0/255.0.255.0', src('10.9.1.9')));
  t.true(m('src 192.0.2.1', src('192.0.2.1')));
  t.false(m('src 192.0.2.1', src('192.0.2.2')));
  t.true(m('src 10.12', src('10.0.0.12')), 'short numeric forms, as the resolver reads them');
  t.true(m('src 127.1/8', src('127.9.9.9')));
  t.is(m('src -n 10.12', src('10.0.0.12')), "HAWSER_ACL_BAD_PATTERN t.cfg:1: '10.12' is not a valid IPv4 or IPv6 address");
  t.true(m('src 2001:db8::/32', src('2001:db8:1::5')));
  t.false(m('src 2001:db8::/32', src('2001:db9::5')));
  t.true(m('src ::1', src('::1')));
  t.true(m('src 10.0.0.0/8', src('::ffff:10.1.2.3')), 'v4 network, v4-mapped client');
  t.true(m('src 10.0.0.0/8', src('::10.1.2.3')), 'v4-compatible client');
  t.true(m('src 10.0.0.0/8', src('2002:0a01:0203::1')), '6to4 client');
  t.true(m('src ::ffff:10.0.0.0/104', src('10.1.2.3')), 'v6 network, v4 client seen as mapped');
  t.true(m('src 10.0.0.0/255.0.255.0', src('::ffff:10.7.0.1')));
  t.true(m('src -f /p/nets.acl', src('10.1.1.1')));
  t.true(m('src -f /p/nets.acl', src('2001:db8::8')));
  t.false(m('src -f /p/nets.acl', src('172.16.0.1')));
  t.true(m('req.hdr(x-ip) -m ip 10.0.0.0/8', { headers: ['X-Ip', '10.1.1.1'] }), 'strings are read as addresses');
  t.false(m('req.hdr(x-ip) -m ip 10.0.0.0/8', { headers: ['X-Ip', 'nope'] }));
  t.true(m('int(167772161) -m ip 10.0.0.1', {}), 'integers are IPv4 addresses');
  const resolve = compileAclDeclaration(['x', 'src', 'gateway.lan'], undefined, { resolveHost: (n) => (n === 'gateway.lan' ? 0xc0a80101 : undefined) });
  t.true(!(resolve instanceof AclError) && resolve.expression.test(fakeContext(src('192.168.1.1'))), 'host names go through the injected resolver');
  t.true(m('src -f /p/short.acl', src('127.0.0.1')));
});

test('method: known methods by identity, others as strings (-i only for those)', (t) => {
  const meth = (x: string): FakeExchange => ({ method: x });
  t.true(m('method GET HEAD', meth('HEAD')));
  t.false(m('method get', meth('GET')));
  t.false(m('method -i get', meth('GET')), 'haproxy: "get" is not a known method, so never equals GET');
  t.true(m('method -i get', meth('get')));
  t.false(m('method get', meth('Get')));
  t.true(m('method PURGE', meth('PURGE')));
  t.true(m('method -i purge', meth('PURGE')));
  t.true(m('method -m str get', meth('get')));
  t.true(m('method -m beg GE', meth('GET')));
});

test('matching methods must suit the sample type; -m before files; unknown flags refused', (t) => {
  t.true(m('src -m beg 1', src('127.0.0.1')), 'addresses cast to strings');
  t.is(m('bool(1) -m ip 1.2.3.4', {}), "HAWSER_ACL_BAD_MATCH t.cfg:1: matching method 'ip' cannot be used with fetch keyword 'bool'");
  t.is(m('req.body x', {}), "HAWSER_ACL_BAD_MATCH t.cfg:1: matching method must be specified first (using '-m') when using a sample fetch of this type ('req.body')");
  t.is(m('path -f /p/hosts.lst -m beg /x', {}), "HAWSER_ACL_BAD_MATCH t.cfg:1: '-m' must only be specified before patterns and files in parsing ACL expression");
  t.is(m('path -q x', {}), "HAWSER_ACL_BAD_MATCH t.cfg:1: '-q' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'");
  t.is(m('path -m nope x', {}), "HAWSER_ACL_BAD_MATCH t.cfg:1: unknown matching method 'nope' when parsing ACL expression");
  t.true(m('path -u 12 /a', url('/a')), '-u takes an id and is otherwise ignored');
});

test('an ACL keyword followed by a converter matches by the converter\'s type, like haproxy', (t) => {
  t.true(m('path_beg,lower /static', url('/STATIC')), 'exact string, not prefix');
  t.false(m('path_beg,lower /static', url('/STATIC/x')));
  t.true(m('path,lower -m beg /static', url('/STATIC/x')));
  t.true(m('hdr_cnt(x),add(1) 3', { headers: ['X', 'a,b'] }));
});

test('pattern files: one pattern per line, blanks kept inside, comments only in the first column', (t) => {
  t.deepEqual(parsePatternLines('# c\n  a b \r\n\n\t#not a comment\nlast'), [
    { text: 'a b ', line: 2 },
    { text: '#not a comment', line: 4 },
    { text: 'last', line: 5 },
  ]);
  t.deepEqual(parseMapLines('# c\n  key   value with spaces  \r\nk2\n\nk3\tv3\n'), [
    { key: 'key', value: 'value with spaces', line: 2 },
    { key: 'k2', value: '', line: 3 },
    { key: 'k3', value: 'v3', line: 5 },
  ]);
});

test('a pattern file is read once and its index built once per (method, flags)', (t) => {
  let reads = 0;
  const files = new PatternFiles((p) => {
    reads++;
    return FILES[p]!;
  });
  const shared: AclCompileOptions = { files };
  for (let i = 0; i < 3; i++) t.false(compileAclDeclaration(['a', 'src', '-f', '/p/nets.acl'], undefined, shared) instanceof AclError);
  t.false(compileAclDeclaration(['a', 'req.hdr(x)', '-m', 'ip', '-f', '/p/nets.acl'], undefined, shared) instanceof AclError);
  t.is(reads, 1);
  const a = compileAclDeclaration(['a', 'src', '-f', '/p/nets.acl'], undefined, shared);
  const b = compileAclDeclaration(['b', 'src', '-f', '/p/nets.acl'], undefined, shared);
  if (a instanceof AclError || b instanceof AclError) return t.fail();
  t.true(a.expression.test(fakeContext(src('10.0.0.1'))) && b.expression.test(fakeContext(src('10.0.0.1'))));
  const map = compileAclDeclaration(['m', 'path', '-M', '-f', '/p/nets.acl'], undefined, shared);
  t.true(map instanceof AclError && map.message.includes('already used as one column file'));
});

test('an ACL with no pattern warns that it will never match (haproxy\'s warning)', (t) => {
  const d = compileAclDeclaration(['x', 'req.hdr(host)']);
  if (d instanceof AclError) return t.fail();
  t.is(d.warnings.length, 1);
  t.true(d.warnings[0]!.startsWith("parsing acl keyword 'req.hdr(host)' :\n  no pattern to match against were provided"));
  t.false(d.expression.test(fakeContext(host('a'))));
  const b = compileAclDeclaration(['x', 'always_true']);
  t.true(!(b instanceof AclError) && b.warnings.length === 0);
});
