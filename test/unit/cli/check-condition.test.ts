// How a `-cc` argument is tokenised before evaluation: quotes, escapes and
// "${VAR}" expansion as on a configuration line, words joined by one space.
// (condition.test.ts runs the same inputs against haproxy itself.)

import test from 'ava';
import { checkConditionArgument, expandConditionLine } from '../../../src/cli/check-condition.ts';
import { FEATURES } from '../../../src/cli/features.ts';
import { COMPAT_VERSION } from '../../../src/cli/version.ts';

const ENV = { FOO: 'bar', WORDS: ' a  b ', EMPTY: '' };

function text(arg: string): string {
  const r = expandConditionLine(arg, ENV);
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

test('blank runs outside quotes become one space; quotes group and disappear', (t) => {
  t.is(text('  a \t b  '), ' a b ');
  t.is(text('"a  b"'), 'a  b');
  t.is(text("'a  b'c"), 'a  bc');
  t.is(text('"it\'s"'), "it's");
});

test('variables expand inside double quotes only, with defaults and word splitting', (t) => {
  t.is(text('"${FOO}"'), 'bar');
  t.is(text('"$FOO"x'), 'barx');
  t.is(text('${FOO}'), '${FOO}');
  t.is(text("'${FOO}'"), '${FOO}');
  t.is(text('"${NOPE}"'), '');
  t.is(text('"${NOPE-x y}"'), 'x y');
  t.is(text('"${FOO-x y}"'), 'bar');
  t.is(text('"${EMPTY-x}"'), '');
  t.is(text('"${WORDS}"'), ' a  b ');
  t.is(text('"${WORDS[*]}"'), ' a b ');
  t.is(text('"${.LINE}"'), '0');
});

test('backslash escapes', (t) => {
  t.is(text('a\\ b'), 'a b');
  t.is(text('\\x41\\x62'), 'Ab');
  t.is(text('"\\$FOO"'), '$FOO');
  t.is(text('\\$FOO'), '\\$FOO');
  t.is(text('\\#'), '\\#');
  t.is(text('\\"x\\"'), '"x"');
  t.is(text("'\\x41'"), '\\x41');
  t.is(text('a\\tb'), 'a\tb');
});

test('a line break ends the argument unless it is inside a blank run', (t) => {
  t.is(text('1\n0'), '1');
  t.is(text('1 \n 0'), '1 0');
});

test('tokenising errors exit 2 with a message', (t) => {
  const cases: [string, RegExp][] = [
    ['"abc', /Unmatched quote/],
    ["'abc", /Unmatched quote/],
    ['\\x4', /hexadecimal/],
    ['"$"', /variable name/],
    ['"${FOO"', /unmatched '\{'/],
    ['"${FOO[x]}"', /\[\*\]/],
    ['"${.NOPE}"', /unknown variable '.NOPE'/],
  ];
  for (const [arg, message] of cases) {
    const r = expandConditionLine(arg, ENV);
    t.false(r.ok, arg);
    if (!r.ok) t.regex(r.message, message, arg);
    const c = checkConditionArgument(arg, { version: COMPAT_VERSION, features: FEATURES.flags, env: ENV });
    t.is(c.exitCode, 2);
    t.is(c.code, 'HAWSER_COND_LINE');
  }
});

test('checkConditionArgument maps true, false and errors to 0, 1 and 2', (t) => {
  const ctx = { version: COMPAT_VERSION, features: FEATURES.flags, env: ENV };
  t.deepEqual(checkConditionArgument('streq("${FOO}",bar) && version_atleast(2.4)', ctx), { exitCode: 0 });
  t.deepEqual(checkConditionArgument('feature(OPENSSL)', ctx), { exitCode: 1 });
  t.deepEqual(checkConditionArgument('nonsense(', ctx), {
    exitCode: 2,
    code: 'HAWSER_COND_SYNTAX',
    message: "Failed to evaluate condition: unparsable conditional expression 'nonsense('",
  });
});
