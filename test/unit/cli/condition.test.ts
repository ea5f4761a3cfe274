// The condition language of `-cc` and `.if`: Hawser's answers in its own
// context, then the same expressions asked of the real haproxy 2.6, whose
// exit code (and error wording) Hawser must reproduce.

import test from 'ava';
import { checkConditionArgument } from '../../../src/cli/check-condition.ts';
import { evalCondition } from '../../../src/cli/condition.ts';
import type { ConditionContext } from '../../../src/cli/condition.ts';
import { FEATURES } from '../../../src/cli/features.ts';
import { COMPAT_VERSION } from '../../../src/cli/version.ts';
import { alertText, runHaproxy } from './reference-haproxy.ts';

const ENV = { FOO: 'bar', EMPTY: '', WORDS: 'a  b' };

const hawser: ConditionContext = { version: COMPAT_VERSION, features: FEATURES.flags, env: ENV };

function value(expr: string, ctx: ConditionContext = hawser): boolean | string {
  const r = evalCondition(expr, ctx);
  return r.ok ? r.value : r.code;
}

test('Hawser answers version_* as the HAProxy 2.6 language it implements', (t) => {
  const table: [string, boolean][] = [
    ['version_atleast(2.4)', true],
    ['version_atleast(2.6)', true],
    ['version_atleast(2.6.0)', true],
    ['version_atleast(2.6-dev1)', true],
    ['version_atleast(2.6.1)', false],
    ['version_atleast(2.7)', false],
    ['version_atleast(3.0)', false],
    ['version_before(2.7)', true],
    ['version_before(2.6)', false],
    ['version_before(2.6-rc1)', false],
    ['version_atleast(1.8) && version_before(3)', true],
  ];
  for (const [expr, expected] of table) t.is(value(expr), expected, expr);
});

test('feature() reads Hawser\'s own feature list', (t) => {
  t.true(value('feature(EPOLL)'));
  t.false(value('feature(OPENSSL)'));
  t.true(value('!feature(OPENSSL)'));
  t.false(value('feature(PROMEX)'));
  t.false(value('feature(LUA)'));
  // Neither a word inside another ("POLL" in "+EPOLL") nor an unlisted name counts.
  t.false(value('feature(POLL)'));
  t.false(value('feature(SSL)'));
  t.false(value('feature(NOSUCH)'));
  t.false(value('feature()'));
  const ctx = { ...hawser, features: ['+EPOLL', '+POLL', '-OPENSSL'] };
  t.true(value('feature(POLL)', ctx));
  t.false(value('feature(OPENSSL)', ctx));
});

test('defined(), streq() and strneq() use the given environment and arguments', (t) => {
  const table: [string, boolean | string][] = [
    ['defined(FOO)', true],
    ['defined(EMPTY)', true],
    ['defined(NOPE)', false],
    ['defined', false],
    ['streq(a,a)', true],
    ['streq(a,b)', false],
    ['streq(a, a)', false],
    ['strneq(a,b)', true],
    ['streq(,)', true],
    ['streq("a,b",\'a,b\')', true],
    // A backslash before a comma is kept, and the comma still separates.
    ['streq(a\\,b,a\\,b)', 'HAWSER_COND_SYNTAX'],
    ['streq(a\\,b)', false],
    ['streq(a\\ b,"a b")', true],
    ['streq(a\\tb,"a\tb")', true],
  ];
  for (const [expr, expected] of table) t.is(value(expr), expected, expr);
});

test('operators: precedence, negation, parentheses, integers', (t) => {
  const table: [string, boolean][] = [
    ['', false],
    ['1', true],
    ['0', false],
    ['-1', true],
    ['0x10', true],
    ['!0', true],
    ['!!1', true],
    ['! ! 0', false],
    ['1 && 0', false],
    ['0 || 1', true],
    ['1 || 0 && 0', true],
    ['0 && 1 || 1', true],
    ['(1 || 0) && 0', false],
    ['!(1 && 0)', true],
    ['((1))', true],
    ['1\t&&\t1', true],
  ];
  for (const [expr, expected] of table) t.is(value(expr), expected, expr);
});

test('a syntax error anywhere is an error, even where evaluation would stop early', (t) => {
  for (const expr of ['0 && foo', '1 || foo(1)', '1 1', '(1', '1 &&', '!', 'streq(a)', 'defined(a,b)']) {
    const r = evalCondition(expr, hawser);
    t.false(r.ok, expr);
    if (!r.ok) t.is(r.code, 'HAWSER_COND_SYNTAX');
  }
});

test('openssl_version_*() are errors without an SSL library, unless short-circuited', (t) => {
  t.is(value('openssl_version_atleast(1.1.1)'), 'HAWSER_COND_EVAL');
  t.false(value('0 && openssl_version_atleast(1.1.1)'));
  t.true(value('1 || openssl_version_before(1.1.1)'));
  t.false(value('ssllib_name_startswith(OpenSSL)'));
  const ssl = { ...hawser, ssl: { version: '1.1.1k', name: 'OpenSSL 1.1.1k  25 Mar 2021' } };
  t.true(value('openssl_version_atleast(1.1.1)', ssl));
  t.true(value('openssl_version_atleast(1.1.1k)', ssl));
  t.false(value('openssl_version_atleast(1.1.1l)', ssl));
  t.true(value('openssl_version_before(3.0.0)', ssl));
  t.true(value('ssllib_name_startswith(OpenSSL)', ssl));
  t.false(value('ssllib_name_startswith(LibreSSL)', ssl));
  t.is(value('openssl_version_atleast(abc)', ssl), 'HAWSER_COND_EVAL');
});

test('errors say where the problem is', (t) => {
  const r = evalCondition('1 && foo(2)', hawser);
  t.deepEqual(r, { ok: false, code: 'HAWSER_COND_SYNTAX', message: "unparsable conditional expression 'foo(2)'", offset: 5 });
});

// Expressions whose value does not depend on the version or the feature list:
// Hawser and haproxy must agree on the exit status, and on the message when
// it is an error.
const CONTEXT_FREE = [
  '1', '0', '', ' ', '!0', '!1', '!!1', '! ! 0', '-1', '+0', '0x10', '0x0', '08', '007', '0x', '010',
  '1 && 0', '1 || 0', '0 || 0', '0 && 1 || 1', '1 || 0 && 0', '(0 || 1) && 1', '!(1 && 0)', '( 1 )', '((1))',
  '1&&0', '1||0', '1\t&&\t0', '1\n0', '1 \n 0',
  '1 1', '1 &&', '1 && 1 &&', '1 || 1 ||', '(1', '()', '(1 ||)', '!', 'foo(1)', '1 && foo', '0 && foo',
  'defined', 'defined && 1', 'defined(FOO)', 'defined(EMPTY)', 'defined(NOPE)', '!defined(NOPE)',
  'defined(FOO )', 'defined(a,b) && 1', 'defined(', 'defined(a', 'defined()',
  'streq(a,a)', 'streq(a,b)', 'strneq(a,b)', 'streq(,)', 'streq', 'streq(a)', 'streq(a,b,c)', 'streq(a, a)',
  'streq(\\"a,b\\",\\"a,b\\")', 'streq(a\\\\ b,a\\\\ b)', 'streq(a\\\\', 'streq(\'x y\',"x y")',
  'streq("${FOO}",bar)', 'streq(${FOO},bar)', 'streq(${FOO},${FOO})', 'streq("${NOPE-dflt}",dflt)',
  'streq("${FOO-dflt}",bar)', 'streq("$FOO",bar)', 'streq("${NOPE}",)', 'streq("${WORDS[*]}",a b)',
  'streq("${WORDS}",a  b)', 'streq("a\\$FOO","a$FOO")', 'streq(a\\x41,aA)',
  '"1"', "'1'", '"1', 'x\\x4', '"$"', '"${FOO"', '"${.NOPE}"',
  '!defined(FOO) || streq("${FOO}",bar)',
  'version_atleast(abc)', 'version_before(abc)',
  `${'('.repeat(300)}1${')'.repeat(300)}`, `${'('.repeat(400)}1${')'.repeat(400)}`,
  '1 && 1 && 1 && 1 && 1 && 1 && 0',
];

// Errors raised while tokenising the argument, where Hawser says what is wrong
// instead of haproxy's "Unhandled error in condition".
const OWN_WORDING = new Set(['"$"', '"${FOO"', '"${.NOPE}"']);

async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

test('-cc agrees with haproxy 2.6 on context-free expressions', async (t) => {
  const results = await mapBounded(CONTEXT_FREE, 8, (expr) => runHaproxy(['-cc', expr], ENV));
  CONTEXT_FREE.forEach((expr, i) => {
    const ref = results[i]!;
    const ours = checkConditionArgument(expr, hawser);
    t.is<number, number>(ours.exitCode, ref.code, `exit status of -cc ${JSON.stringify(expr)}`);
    if (ref.code === 2 && !OWN_WORDING.has(expr)) {
      t.is(ours.message, alertText(ref.stderr), `message of -cc ${JSON.stringify(expr)}`);
    }
  });
});

test('version, feature and SSL predicates agree with haproxy when given haproxy\'s own context', async (t) => {
  const vv = (await runHaproxy(['-vv'])).stdout;
  const version = /^HAProxy version (\S+)/m.exec(vv)?.[1];
  const features = /^Feature list : (.*)$/m.exec(vv)?.[1]?.trim().split(/\s+/);
  const built = /^Built with OpenSSL version : OpenSSL (\S+)/m.exec(vv)?.[1];
  const running = /^Running on OpenSSL version : (.*)$/m.exec(vv)?.[1];
  if (!version || !features || !built || !running) {
    t.fail(`unexpected haproxy -vv output:\n${vv}`);
    return;
  }
  const ctx: ConditionContext = { version, features, env: ENV, ssl: { version: built, name: running } };
  const base = version.replace(/-.*/, '');
  const [maj, min, patch] = base.split('.').map(Number) as [number, number, number];
  const exprs = [
    `version_atleast(${base})`, `version_atleast(${maj}.${min}.${patch + 1})`, `version_before(${maj}.${min + 1})`,
    `version_atleast(${maj}.${min})`, `version_before(${base})`, `version_atleast(${base}-1)`,
    `version_atleast(${maj}.${min}-dev3)`, `version_before(${maj}.${min}.${patch}-rc1)`, 'version_atleast(2.6.x)',
    'version_atleast(1.8.0.1)', 'version_before(10)', 'version_atleast(2.4-dev18-f6818d-20)',
    'feature(OPENSSL)', 'feature(POLL)', 'feature(EPOLL)', 'feature(SSL)', 'feature(QUIC)', 'feature(ZLIB)',
    'feature(OPENSSL) && feature(LUA)', 'feature(openssl)', 'feature(NOSUCH)',
    'openssl_version_atleast(1.0.2)', 'openssl_version_atleast(1.1.1k)', 'openssl_version_atleast(3.0.0)',
    'openssl_version_atleast(3.0.1)', 'openssl_version_before(3.0.1)', 'openssl_version_before(0.9.8zh)',
    'openssl_version_atleast(3.0.0-beta2)', 'openssl_version_atleast(abc)',
    'ssllib_name_startswith(OpenSSL)', 'ssllib_name_startswith(LibreSSL)', `ssllib_name_startswith(${running.split(' ').slice(0, 2).join('\\ ')})`,
  ];
  const results = await mapBounded(exprs, 8, (expr) => runHaproxy(['-cc', expr], ENV));
  exprs.forEach((expr, i) => {
    t.is<number, number>(checkConditionArgument(expr, ctx).exitCode, results[i]!.code, `exit status of -cc ${expr}`);
  });
});
