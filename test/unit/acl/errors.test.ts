// Configuration mistakes: each gets a stable code, a message in haproxy's
// words (checked against `haproxy -c` on the same line), the configuration
// position, and for misspelt keywords a suggestion.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Acl, AclCode, AclError, compileAclDeclaration, compileCondition, compileSampleExpression } from '../../../src/acl/index.ts';
import { alertText, runHaproxy } from '../cli/reference-haproxy.ts';

const dir = mkdtempSync(join(tmpdir(), 'hawser-acl-err-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const FILES: Record<string, string> = {
  'bad-ips.acl': '# c\n10.0.0.0/8\n  bogus\n',
  'int.map': 'a 1\nb x\n',
  'ok.map': 'a 1\n',
};
for (const [n, text] of Object.entries(FILES)) writeFileSync(join(dir, n), text);
const F = dir;

const options = {
  loadFile: (p: string) => readFileSync(p, 'latin1'),
  proxy: 'f',
  hasBackend: (b: string) => b === 'b',
  hasServer: (b: string, s: string) => b === 'b' && s === 's',
};

interface Case {
  /** The configuration line in the frontend: an `acl` line or `http-request deny <condition>`. */
  line: string;
  code: AclCode;
  /** haproxy's message differs in wording (regex engines): compare codes only. */
  ownWords?: boolean;
}

const CASES: Case[] = [
  { line: 'http-request deny if { pathh /x }', code: AclCode.UNKNOWN_FETCH },
  { line: 'http-request deny if { hdr_bg(host) /x }', code: AclCode.UNKNOWN_FETCH },
  { line: 'http-request deny if nosuch', code: AclCode.UNKNOWN_ACL },
  { line: 'http-request deny if path_beg /x', code: AclCode.UNKNOWN_ACL },
  { line: 'http-request deny if { path /x } }', code: AclCode.UNKNOWN_ACL },
  { line: 'http-request deny if { path /x', code: AclCode.SYNTAX },
  { line: 'http-request deny if { hdr(host) -m foo x }', code: AclCode.BAD_MATCH },
  { line: 'http-request deny if { req.body x }', code: AclCode.BAD_MATCH },
  { line: 'http-request deny if { path -x }', code: AclCode.BAD_MATCH },
  { line: 'http-request deny if { src -n 10.12 }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { src foo.invalid }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { src 1.2.3.4/33 }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { src ::1/129 }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { int(1) xx }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { int(5) 1:x }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { int(5) 5:1 }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { int(5) gt x }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { path -m bin 0g }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { path -m bin 0 }', code: AclCode.BAD_PATTERN },
  { line: 'http-request deny if { path -m reg ( }', code: AclCode.BAD_PATTERN, ownWords: true },
  { line: 'http-request deny if { str(x),map(/nonexistent) }', code: AclCode.BAD_FILE },
  { line: 'http-request deny if { path -f /nonexistent }', code: AclCode.BAD_FILE },
  { line: `http-request deny if { src -f ${F}/bad-ips.acl }`, code: AclCode.BAD_FILE },
  { line: `http-request deny if { str(a),map_int(${F}/ok.map) -m found }`, code: AclCode.BAD_FILE },
  { line: `http-request deny if { str(a),map_str_int(${F}/int.map) -m found }`, code: AclCode.BAD_FILE },
  { line: `http-request deny if { str(a),map_str_int(${F}/ok.map,x) -m found }`, code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { path,word(0,/) -m found }', code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { path,regsub(a,b,x) -m found }', code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { path,ipmask(33) -m found }', code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { path,lowr /x }', code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { path,lower(1) /x }', code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { path,word(1) /x }', code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { path,json(x) -m found }', code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { str(x),field(1,) -m found }', code: AclCode.BAD_CONVERTER },
  { line: 'http-request deny if { hdr(host /x }', code: AclCode.BAD_ARGUMENT },
  { line: 'http-request deny if { hdr(host,1,2) /x }', code: AclCode.BAD_ARGUMENT },
  { line: 'http-request deny if { hdr(host,x) /x }', code: AclCode.BAD_ARGUMENT },
  { line: 'http-request deny if { req.hdr(host,x) /x }', code: AclCode.BAD_ARGUMENT },
  { line: 'http-request deny if { bool(maybe) }', code: AclCode.BAD_ARGUMENT },
  { line: 'http-request deny if { nbsrv(nob) gt 0 }', code: AclCode.UNKNOWN_REFERENCE },
  { line: 'http-request deny if { srv_is_up(b/nos) }', code: AclCode.UNKNOWN_REFERENCE },
  { line: 'http-request deny if { srv_is_up(nob/s) }', code: AclCode.UNKNOWN_REFERENCE },
  { line: 'http-request deny if { be_conn(nob) gt 0 }', code: AclCode.UNKNOWN_REFERENCE },
  { line: 'acl 1bad%x path /', code: AclCode.BAD_NAME },
  { line: 'acl or path /', code: AclCode.BAD_NAME },
  { line: `acl x path -m beg -f ${F}/ok.map -m end /x`, code: AclCode.BAD_MATCH },
  { line: `acl x req.body -f ${F}/ok.map`, code: AclCode.BAD_MATCH },
  { line: 'acl x path -u x /', code: AclCode.BAD_MATCH },
];

/** Our error for a frontend line, compiled as the lead's parser will. */
function ours(line: string): AclError | undefined {
  const words = line.split(' ');
  const pos = { file: 'hawser.cfg', line: 8 };
  if (words[0] === 'acl') {
    const d = compileAclDeclaration(words.slice(1), pos, options);
    return d instanceof AclError ? d : undefined;
  }
  const c = compileCondition(words.slice(2), new Map<string, Acl>(), pos, options);
  return c instanceof AclError ? c : undefined;
}

CASES.forEach((c, i) => {
  test(`error #${i}: ${c.line}`, async (t) => {
    const e = ours(c.line);
    if (e === undefined) return t.fail('accepted');
    t.is(e.code, c.code, e.toString());
    t.is(e.file, 'hawser.cfg');
    t.is(e.line, 8);
    const cfg = join(dir, `c${i}.cfg`);
    writeFileSync(
      cfg,
      ['defaults', '  mode http', '  timeout connect 1s', '  timeout client 1s', '  timeout server 1s', 'frontend f', '  bind 127.0.0.1:1', `  ${c.line}`, '  default_backend b', 'backend b', '  server s 127.0.0.1:1', ''].join('\n'),
    );
    const r = await runHaproxy(['-c', '-f', cfg]);
    t.not(r.code, 0, 'haproxy refuses the line too');
    const alert = alertText(r.stderr) ?? '';
    if (c.ownWords) return;
    t.true(alert.includes(e.message), `haproxy: ${alert}\nhawser:  ${e.message}`);
  });
});

test('misspelt fetches and converters get a suggestion after haproxy\'s words', (t) => {
  const e1 = compileCondition(['if', '{', 'path_bg', '/x', '}'], new Map());
  if (!(e1 instanceof AclError)) return t.fail();
  t.is(e1.text, "unknown fetch method 'path_bg' in ACL expression 'path_bg' (did you mean 'path_beg'?)");
  const e2 = compileSampleExpression('req.hdr(host),lwoer');
  if (!(e2 instanceof AclError)) return t.fail();
  t.is(e2.toString(), "HAWSER_ACL_BAD_CONVERTER unknown converter 'lwoer' (did you mean 'lower'?)");
  const e3 = compileSampleExpression('%[src_prt]', undefined, { file: 'hawser.cfg', line: 4 });
  if (!(e3 instanceof AclError)) return t.fail();
  t.is(e3.toString(), "HAWSER_ACL_UNKNOWN_FETCH hawser.cfg:4: unknown fetch method 'src_prt' (did you mean 'src_port'?)");
  const e4 = compileSampleExpression('zzzzzz');
  if (!(e4 instanceof AclError)) return t.fail();
  t.is(e4.hint, '', 'nothing close enough: no suggestion');
});

test('a bad line in a pattern file points at the file and line, and the configuration line', (t) => {
  const e = compileCondition(['if', '{', 'src', '-f', `${F}/bad-ips.acl`, '}'], new Map(), { file: 'hawser.cfg', line: 12 }, options);
  if (!(e instanceof AclError)) return t.fail();
  t.is(e.code, AclCode.BAD_FILE);
  t.deepEqual([e.file, e.line], ['hawser.cfg', 12]);
  t.deepEqual(e.patternFile, { file: `${F}/bad-ips.acl`, line: 3 });
  t.is(e.message, `'bogus' is not a valid IPv4 or IPv6 address at line 3 of file '${F}/bad-ips.acl'`);
  const m = compileSampleExpression(`str(a),map_str_int(${F}/int.map)`, options, { file: 'hawser.cfg', line: 2 });
  if (!(m instanceof AclError)) return t.fail();
  t.deepEqual(m.patternFile, { file: `${F}/int.map`, line: 2 });
});

test('conditions must start with if or unless; no loader means files cannot be read', (t) => {
  const e = compileCondition(['when', 'x'], new Map());
  t.true(e instanceof AclError && e.code === AclCode.SYNTAX && e.message === "conditions must start with either 'if' or 'unless'");
  const f = compileCondition(['if', '{', 'src', '-f', '/etc/x.acl', '}'], new Map());
  t.true(f instanceof AclError && f.code === AclCode.BAD_FILE && f.message === 'failed to open pattern file </etc/x.acl>');
  const d = compileAclDeclaration(['lonely']);
  t.true(d instanceof AclError && d.code === AclCode.SYNTAX);
});

test('a file used as a pattern list cannot also be a map (as in haproxy)', (t) => {
  const files = { '/f': 'a 1\n' };
  const opts = { loadFile: (p: string) => files[p as '/f'] };
  const shared = { ...opts };
  const acls = new Map<string, Acl>();
  const c1 = compileCondition(['if', '{', 'path', '-f', '/f', '}'], acls, undefined, shared);
  t.false(c1 instanceof AclError);
  // a separate compilation (no shared cache) may use it either way
  t.false(compileSampleExpression('path,map(/f)', opts) instanceof AclError);
});
