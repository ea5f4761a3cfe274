// Every converter, chained after constant fetches (str(), int(), ipv4()...)
// or request fetches, with the values haproxy 2.6 gives for the same
// expressions (several were read from a running haproxy; the cross-check
// test compares many more live).

import test from 'ava';
import { AclError, type AclCompileOptions, compileSampleExpression, CONVERTERS } from '../../../src/acl/index.ts';
import { type FakeExchange, fakeContext, show } from './context.ts';
import { expectedRead, local, SC_KEYS, SRC, SRC_SERVER_ID, STICK_READS, stickWorld } from './stick-world.ts';

const MAPS: Record<string, string> = {
  '/m/hosts.map': '# comment\nwww.example.com app\n  example.com   site  \n.org orgs\nimg. images\nexample sub\n',
  '/m/paths.map': '/api api\n/api/v2 api2\n/static static\n',
  '/m/regm.map': '^/user/([0-9]+)/(.*)$ /u?id=\\1&rest=\\2\n',
  '/m/reg.map': '\\.png$ image\n^/api api\n',
  '/m/int.map': '0:99 low\n100:999 mid\n1000: high\n',
  '/m/ip.map': '10.0.0.0/8 lan\n10.1.0.0/16 lan1\n2001:db8::/32 v6\n0.0.0.0/0 world\n',
  '/m/nums.map': 'a 1\nb -2\nwww.example.com 3\n',
  '/m/ips.map': 'a 10.0.0.1\nb 2001:db8::1\n5 192.0.2.5\n',
  '/m/dirs.map': 'api 1\nstatic 2\n',
  '/m/intint.map': '0:99 1\n100:999 2\n',
  '/m/ipint.map': '10.0.0.0/8 8\n',
  '/m/intip.map': '5 192.0.2.5\n',
  '/m/ipip.map': '10.0.0.0/8 10.255.255.255\n',
};

const opts: AclCompileOptions = {
  loadFile: (p) => {
    const t = MAPS[p];
    if (t === undefined) throw new Error('ENOENT');
    return t;
  },
};

const REQ: FakeExchange = {
  src: '10.1.2.3',
  url: '/api/v2/users?id=7',
  headers: ['Host', 'WWW.Example.COM', 'X-Ip', '2001:db8::abcd'],
  vars: { 'txn.n': 5, 'txn.s': 'abc', 'txn.text': '12xyz', 'txn.j': 'a"b\\c/d\tx' },
};

/** The client SRC of the stick world (stick-world.ts): `src` is a key of table fe. */
const STICK: FakeExchange = { src: SRC, stick: true };

type Case = [expr: string, expected: string, ex?: FakeExchange];

/**
 * Each table_X and table_cluster_X on a key of each kind: the client address
 * (src), a tracked key given as an address and as text (cast to the table's
 * type), with the element index first for the array types.
 */
function tableCases(): Case[] {
  const out: Case[] = [];
  for (const r of STICK_READS) {
    for (const sum of r.cluster ? [false, true] : [false]) {
      const conv = sum ? `table_cluster_${r.converter}` : `table_${r.converter}`;
      const idx = r.indexed ? 1 : 0;
      const arg = r.indexed ? '1,fe' : 'fe';
      out.push([`src,${conv}(${arg})`, expectedRead(r, sum, 'src', idx), STICK]);
      out.push([`ipv4(${SC_KEYS[1]}),${conv}(${arg})`, expectedRead(r, sum, 1, idx), STICK]);
      out.push([`str(${SC_KEYS[2]}),${conv}(${r.indexed ? '0,fe' : 'fe'})`, expectedRead(r, sum, 2, 0), STICK]);
    }
  }
  return out;
}

const CASES: Case[] = [
  ['str(MiXeD-Ü),lower', 'str:mixed-Ü'],
  ['str(MiXeD-ü),upper', 'str:MIXED-ü'],
  ['str(hello),length', 'int:5'],
  ['int(0),bool', 'bool:0'],
  ['int(-3),bool', 'bool:1'],
  ['str(12),bool', 'bool:1'],
  ['int(0),not', 'bool:1'],
  ['int(7),not', 'bool:0'],
  ['int(-5),odd', 'bool:1'],
  ['int(4),odd', 'bool:0'],
  ['int(4),even', 'bool:1'],
  ['int(-3),even', 'bool:0'],
  ['int(5),neg', 'int:-5'],
  ['int(5),cpl', 'int:-6'],
  ['int(5),add(3)', 'int:8'],
  ['int(5),add(txn.n)', 'int:10'],
  ['int(5),add(txn.text)', 'int:17'],
  ['int(5),add(txn.none)', 'absent'],
  ['int(9223372036854775807),add(1)', 'int:9223372036854775807'],
  ['int(5),sub(8)', 'int:-3'],
  ['int(6),mul(-7)', 'int:-42'],
  ['int(7),div(2)', 'int:3'],
  ['int(-7),div(2)', 'int:-3'],
  ['int(7),div(0)', 'int:9223372036854775807'],
  ['int(-7),mod(3)', 'int:-1'],
  ['int(7),mod(0)', 'int:0'],
  ['int(12),and(10)', 'int:8'],
  ['int(12),or(3)', 'int:15'],
  ['int(12),xor(10)', 'int:6'],
  ['str(abc),base64', 'str:YWJj'],
  ['bin(fbff),base64', 'str:+/8='],
  ['str(hello),ub64enc', 'str:aGVsbG8'],
  ['bin(fbff),ub64enc', 'str:-_8'],
  ['str(abc),hex', 'str:616263'],
  ['str(YWJj),b64dec', 'bin:616263'],
  ['str(YWJ),b64dec', 'absent'],
  ['str(aGVsbG8),ub64dec', 'bin:68656c6c6f'],
  ['str(a*),ub64dec', 'absent'],
  ['str(1f),hex2i', 'int:31'],
  ['str(zz),hex2i', 'absent'],
  ['str(hello),bytes(1,3)', 'bin:656c6c'],
  ['str(hello),bytes(2)', 'bin:6c6c6f'],
  ['str(hello),bytes(10)', 'bin:'],
  ['str(f1_f2_f3__f5),field(5,_)', 'str:f5'],
  ['str(f1_f2_f3__f5),field(2,_,0)', 'str:f2_f3__f5'],
  ['str(f1_f2_f3__f5),field(2,_,2)', 'str:f2_f3'],
  ['str(f1_f2_f3__f5),field(-2,_,3)', 'str:f2_f3_'],
  ['str(f1_f2_f3__f5),field(-3,_,0)', 'str:f1_f2_f3'],
  ['str(f1_f2),field(4,_)', 'absent'],
  ['str(f1_f2_f3__f5),word(4,_)', 'str:f5'],
  ['str(f1_f2_f3__f5),word(2,_,0)', 'str:f2_f3__f5'],
  ['str(f1_f2_f3__f5),word(3,_,2)', 'str:f3__f5'],
  ['str(f1_f2_f3__f5),word(-2,_,3)', 'str:f1_f2_f3'],
  ['str(f1_f2_f3__f5),word(-3,_,0)', 'str:f1_f2'],
  ['str(/f1/f2/f3/f4),word(1,/)', 'str:f1'],
  ['str(f1_f2),word(5,_)', 'str:'],
  ['str(/////a///b/c/),regsub(/+,/,g)', 'str:/a/b/c/'],
  ['str(??;&x=1),regsub([?;&]*,)', 'str:x=1'],
  ['str(Bar12Foo),regsub("(foo|bar)([0-9]+)?","\\2\\1",i)', 'str:12BarFoo'],
  ['str(abc),regsub(z*,-,g)', 'str:-a-b-c-'],
  ['str(aXbXc),regsub(x,-,gi)', 'str:a-b-c'],
  ['var(txn.j),json', 'str:a\\"b\\\\c\\/d\\tx'],
  ['str(\u00c3\u00a9),json(utf8)', 'str:\\u00e9'],
  ['str(\u00c3\u00a9),json(ascii)', 'str:\\u00c3\\u00a9'],
  ['str(a\u00ffb),json(utf8)', 'absent'],
  ['str(a\u00ffb),json(utf8s)', 'str:ab'],
  ['src,ipmask(16)', 'ipv4:10.1.0.0'],
  ['src,ipmask(255.0.255.0)', 'ipv4:10.0.2.0'],
  ['req.hdr(x-ip),ipmask(24,32)', 'ipv6:2001:db8::'],
  ['req.hdr(x-ip),ipmask(24)', 'absent'],
  ['ipv6(::ffff:192.0.2.77),ipmask(24)', 'ipv4:192.0.2.0'],
  ['str(xxabcxx),ltrim(x)', 'str:abcxx'],
  ['str(xxabcxx),rtrim(x)', 'str:xxabc'],
  ['str(abc\r\ndef),cut_crlf', 'str:abc'],
  ['str(a%20b+c),url_dec', 'str:a b+c'],
  ['str(a%20b+c?d+e),url_dec', 'str:a b+c?d e'],
  ['str(a+b),url_dec(1)', 'str:a b'],
  ['str(bad%2),url_dec', 'absent'],
  ['str(x),concat(<,txn.s,>)', 'str:x<abc>'],
  ['str(x),concat(<,txn.none,>)', 'str:x<>'],
  ['str(x),concat(-)', 'str:x-'],
  ['str(abc),strcmp(txn.s)', 'int:0'],
  ['str(abd),strcmp(txn.s)', 'int:1'],
  ['str(ab),strcmp(txn.s)', 'int:-1'],
  ['str(abc),strcmp(txn.none)', 'absent'],
  ['bool(1),iif(yes,no)', 'str:yes'],
  ['int(0),iif(yes,no)', 'str:no'],
  ['str(abc),djb2', 'int:193485963'],
  ['str(abc),djb2(1)', 'int:2235766107'],
  ['str(abc),sdbm', 'int:807794786'],
  ['str(abc),wt6', 'int:2483038440'],
  ['str(abc),crc32', 'int:891568578'],
  ['str(abc),crc32(1)', 'int:930845320'],
  // maps
  ['req.hdr(host),lower,map(/m/hosts.map)', 'str:app'],
  ['req.hdr(host),map(/m/hosts.map)', 'absent'],
  ['req.hdr(host),map(/m/hosts.map,fallback)', 'str:fallback'],
  ['str(example.com),map_str(/m/hosts.map)', 'str:site'],
  ['str(img.example.org),map_beg(/m/hosts.map)', 'str:images'],
  ['str(/api/v2/x),map_beg(/m/paths.map)', 'str:api2'],
  ['str(/api/v1),map_beg(/m/paths.map)', 'str:api'],
  ['str(x.example.io),map_sub(/m/hosts.map)', 'str:sub'],
  ['str(a.b.org),map_end(/m/hosts.map)', 'str:orgs'],
  ['str(/static/api/x),map_dir(/m/dirs.map)', 'str:1'],
  ['str(a.example.org),map_dom(/m/hosts.map)', 'str:orgs'],
  ['str(x.example.com.au),map_dom(/m/hosts.map)', 'str:site'],
  ['str(/img/a.png),map_reg(/m/reg.map)', 'str:image'],
  ['str(/user/42/profile),map_regm(/m/regm.map)', 'str:/u?id=42&rest=profile'],
  ['int(150),map_int(/m/int.map)', 'str:mid'],
  ['int(5000),map_int(/m/int.map)', 'str:high'],
  ['src,map_ip(/m/ip.map)', 'str:lan1'],
  ['ipv4(10.9.9.9),map_ip(/m/ip.map)', 'str:lan'],
  ['ipv4(8.8.8.8),map_ip(/m/ip.map)', 'str:world'],
  ['req.hdr(x-ip),map_ip(/m/ip.map)', 'str:v6'],
  ['str(b),map_str_int(/m/nums.map)', 'int:-2'],
  ['str(q),map_str_int(/m/nums.map,9)', 'int:9'],
  ['str(www.example.com),map_beg_int(/m/nums.map)', 'int:3'],
  ['str(xaz),map_sub_int(/m/nums.map)', 'int:1'],
  ['str(/a/b),map_dir_int(/m/nums.map)', 'int:1'],
  ['str(example.com.b),map_dom_int(/m/nums.map)', 'int:-2'],
  ['str(xb),map_end_int(/m/nums.map)', 'int:-2'],
  ['str(aaa),map_reg_int(/m/nums.map)', 'int:1'],
  ['int(150),map_int_int(/m/intint.map,0)', 'int:2'],
  ['int(5000),map_int_int(/m/intint.map,0)', 'int:0'],
  ['ipv4(10.1.1.1),map_ip_int(/m/ipint.map,-1)', 'int:8'],
  ['ipv4(11.1.1.1),map_ip_int(/m/ipint.map,-1)', 'int:-1'],
  ['str(a),map_str_ip(/m/ips.map)', 'ipv4:10.0.0.1'],
  ['str(b),map_str_ip(/m/ips.map)', 'ipv6:2001:db8::1'],
  ['str(zzz),map_str_ip(/m/ips.map,::1)', 'ipv6:::1'],
  ['str(abc),map_beg_ip(/m/ips.map)', 'ipv4:10.0.0.1'],
  ['str(xbx),map_sub_ip(/m/ips.map)', 'ipv6:2001:db8::1'],
  ['str(/b/),map_dir_ip(/m/ips.map)', 'ipv6:2001:db8::1'],
  ['str(b.c),map_dom_ip(/m/ips.map)', 'ipv6:2001:db8::1'],
  ['str(cb),map_end_ip(/m/ips.map)', 'ipv6:2001:db8::1'],
  ['str(bb),map_reg_ip(/m/ips.map)', 'ipv6:2001:db8::1'],
  ['int(5),map_int_ip(/m/intip.map,0.0.0.0)', 'ipv4:192.0.2.5'],
  ['ipv4(10.2.3.4),map_ip_ip(/m/ipip.map,127.0.0.1)', 'ipv4:10.255.255.255'],
  ['ipv4(11.2.3.4),map_ip_ip(/m/ipip.map,127.0.0.1)', 'ipv4:127.0.0.1'],
  // stick tables (stick-world.ts)
  ...tableCases(),
  ['src,in_table(fe)', 'bool:1', STICK],
  // no table named: the proxy's own (fe), as in HAProxy
  ['src,in_table', 'bool:1', STICK],
  ['str(10.0.0.3),table_http_req_cnt', `int:${local('http_req_cnt', 2)}`, STICK],
  ['str(10.0.0.3),table_http_req_cnt()', `int:${local('http_req_cnt', 2)}`, STICK],
  ['str(10.0.0.2),in_table(other)', 'bool:1', STICK],
  ['src,in_table(other)', 'bool:0', STICK],
  ['str(not-an-address),in_table(fe)', 'absent', STICK],
  ['ipv4(203.0.113.5),table_conn_cnt(fe)', 'int:0', STICK],
  // a key not in the table reads 0 even for a type the table does not store, as in HAProxy
  ['src,table_gpc0(other)', 'int:0', STICK],
  ['str(10.0.0.2),table_gpc0(other)', 'absent', STICK],
  ['src,table_server_id(fe)', `int:${SRC_SERVER_ID}`, STICK],
  ['ipv4(10.0.0.1),table_server_id(fe)', 'int:0', STICK],
  ['str(10.0.0.2),table_server_id(other)', 'absent', STICK],
  ['ipv4(10.0.0.1),table_trackers(fe)', 'int:1', STICK],
  ['src,table_trackers(fe)', 'int:0', STICK],
];

CASES.forEach(([expr, expected, ex], i) => {
  test(`converter #${i} ${expr} -> ${expected}`, (t) => {
    const world = ex?.stick === true ? stickWorld(opts) : undefined;
    const x = compileSampleExpression(expr, world?.options ?? opts);
    if (x instanceof AclError) return t.fail(x.toString());
    t.is(show(x.eval(fakeContext(ex ?? REQ, world?.counters))), expected);
  });
});

test('every converter of the table is exercised above', (t) => {
  const used = new Set<string>();
  for (const [e] of CASES) for (const part of e.split(/,(?![^(]*\))/).slice(1)) used.add(part.replace(/\(.*$/, ''));
  t.deepEqual(CONVERTERS.map((c) => c.name).filter((n) => !used.has(n)), []);
});

test('a map file is read and indexed once however many converters use it', (t) => {
  let reads = 0;
  const shared: AclCompileOptions = {
    loadFile: (p) => {
      reads++;
      return MAPS[p]!;
    },
  };
  // one PatternFiles for the whole configuration, as the loader of a configuration does
  const { PatternFiles } = require_();
  shared.files = new PatternFiles(shared.loadFile!);
  for (let i = 0; i < 5; i++) t.false(compileSampleExpression('req.hdr(host),lower,map(/m/hosts.map)', shared) instanceof AclError);
  t.false(compileSampleExpression('req.hdr(host),lower,map_dom(/m/hosts.map)', shared) instanceof AclError);
  t.is(reads, 1);
});

// PatternFiles through the public surface, imported lazily to keep the table above readable
import * as acl from '../../../src/acl/index.ts';
function require_(): typeof acl {
  return acl;
}

test('the int converter does not exist in haproxy 2.6: refused the same way', (t) => {
  const x = compileSampleExpression('str(12),int');
  t.true(x instanceof AclError && x.message === "unknown converter 'int'");
});

test('converters whose input cannot come from the previous type are refused at configuration time', (t) => {
  const x = compileSampleExpression('src,lower,ipmask(8)');
  t.false(x instanceof AclError, 'ip -> str -> addr is fine');
  const y = compileSampleExpression('ipv6(::1),add(1)');
  t.true(y instanceof AclError && y.message === "converter 'add' cannot be applied");
  t.false(compileSampleExpression('req.body,upper') instanceof AclError, 'binary casts to string');
  const z = compileSampleExpression('bool(1),ipmask(8)');
  t.true(z instanceof AclError && z.message === "converter 'ipmask' cannot be applied");
});

test('table converters name a table that exists (by default the proxy\'s own), the element index first', (t) => {
  const { options } = stickWorld(opts);
  const x = compileSampleExpression('src,table_conn_cnt(nope)', options);
  t.is(x instanceof AclError ? x.message : 'compiled', "unable to find table 'nope' referenced in arg 1 of converter 'table_conn_cnt' in proxy 'fe'");
  const y = compileSampleExpression('src,in_table', { ...options, proxy: 'www' });
  t.is(y instanceof AclError ? y.message : 'compiled', "unable to find table 'www' referenced in arg 1 of converter 'in_table' in proxy 'www'");
  const z = compileSampleExpression('src,table_gpc(fe)', options);
  t.true(z instanceof AclError && z.message.includes("failed to parse 'fe' as type 'integer'"));
});
