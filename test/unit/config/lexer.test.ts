// The lexer, rule by rule. Expected words were checked against HAProxy 2.6
// (`.notice WORD` prints the word HAProxy parsed).

import test from 'ava';
import { lexLine, splitLines, type LexContext } from '../../../src/config/lexer.ts';

const ctx = (env: Record<string, string | undefined> = {}, line = 1): LexContext => ({ env, file: 'f.cfg', line, section: 'global' });
const words = (text: string, env: Record<string, string | undefined> = {}): string[] => {
  const r = lexLine(text, ctx(env));
  if (r.error !== undefined) throw new Error(r.error.message);
  return r.words;
};

test('spaces and tabs separate words; leading and trailing blanks are ignored', (t) => {
  t.deepEqual(words('  server\ta   b\t\t'), ['server', 'a', 'b']);
  t.deepEqual(words(''), []);
  t.deepEqual(words('   \t '), []);
});

test('# starts a comment outside quotes', (t) => {
  t.deepEqual(words('x # comment'), ['x']);
  t.deepEqual(words('x#y'), ['x']);
  t.deepEqual(words('# only a comment'), []);
  t.deepEqual(words('"x # not"'), ['x # not']);
  t.deepEqual(words("'x # not'"), ['x # not']);
});

test('double quotes keep spaces and join with adjacent text', (t) => {
  t.deepEqual(words('"a b"'), ['a b']);
  t.deepEqual(words('a"b c"d'), ['ab cd']);
  t.deepEqual(words('""'), ['']);
  t.deepEqual(words('x "" y'), ['x', '', 'y']);
});

test('single quotes are literal: no expansion, no escapes', (t) => {
  t.deepEqual(words("'a $HOME b'", { HOME: '/root' }), ['a $HOME b']);
  t.deepEqual(words("'a\\nb'"), ['a\\nb']);
  t.deepEqual(words("'\"'"), ['"']);
});

test('a single quote inside double quotes and a double quote inside single quotes', (t) => {
  t.deepEqual(words(`"a'b"`), ["a'b"]);
  t.deepEqual(words(`'a"b'`), ['a"b']);
});

test('backslash escapes outside quotes', (t) => {
  t.deepEqual(words('a\\ b'), ['a b']);
  t.deepEqual(words('a\\#b'), ['a#b']);
  t.deepEqual(words('a\\\\b'), ['a\\b']);
  t.deepEqual(words("a\\'b"), ["a'b"]);
  t.deepEqual(words('a\\"b'), ['a"b']);
  t.deepEqual(words('a\\rb'), ['a\rb']);
  t.deepEqual(words('a\\nb'), ['a\nb']);
  t.deepEqual(words('a\\tb'), ['a\tb']);
  t.deepEqual(words('\\x41\\x42'), ['AB']);
});

test('other backslashes are kept (regexes survive)', (t) => {
  t.deepEqual(words('a\\qb'), ['a\\qb']);
  t.deepEqual(words('^/\\d+$'), ['^/\\d+$']);
  t.deepEqual(words('"a\\qb"'), ['a\\qb']);
});

test('\\$ is an escape only inside double quotes', (t) => {
  t.deepEqual(words('a\\$b'), ['a\\$b']);
  t.deepEqual(words('"a\\$b"', { b: 'X' }), ['a$b']);
});

test('escapes work inside double quotes too', (t) => {
  t.deepEqual(words('"\\x41\\x42"'), ['AB']);
  t.deepEqual(words('"a\\"b"'), ['a"b']);
  t.deepEqual(words('"a\\\\b"'), ['a\\b']);
});

test('invalid \\x sequence is an error with its column', (t) => {
  const r = lexLine('log a\\xZZ', ctx());
  t.regex(r.error!.message, /hexadecimal/);
  t.is(r.error!.column, 6);
  t.truthy(lexLine('a\\x4', ctx()).error);
});

test('$VAR, ${VAR} and ${VAR-default} expand inside double quotes', (t) => {
  const env = { FOO: 'foo', EMPTY: '' };
  t.deepEqual(words('"$FOO.x"', env), ['foo.x']);
  t.deepEqual(words('"${FOO}bar"', env), ['foobar']);
  t.deepEqual(words('"${NOPE-def}"', env), ['def']);
  t.deepEqual(words('"${NOPE-a b}"', env), ['a b']);
  t.deepEqual(words('"${FOO-def}"', env), ['foo']);
  // The default replaces unset variables only, not empty ones.
  t.deepEqual(words('"${EMPTY-def}"', env), ['']);
  t.deepEqual(words('"x${NOPE}y"', env), ['xy']);
});

test('variables outside double quotes are not expanded by the lexer', (t) => {
  t.deepEqual(words('${FOO}', { FOO: 'foo' }), ['${FOO}']);
  t.deepEqual(words('$FOO', { FOO: 'foo' }), ['$FOO']);
});

test('unset variables without default are listed for a warning', (t) => {
  const r = lexLine('"${A}" "${B-x}" "$C"', ctx({}));
  t.deepEqual(r.unset, ['A', 'C']);
});

test('${VAR[*]} expands into one word per item', (t) => {
  t.deepEqual(words('x "${LIST[*]}" y', { LIST: 'a  b c' }), ['x', 'a', 'b', 'c', 'y']);
  t.truthy(lexLine('"${LIST[x]}"', ctx({ LIST: 'a' })).error);
});

test('pseudo-variables .FILE .LINE .SECTION', (t) => {
  t.deepEqual(lexLine('"${.FILE}:${.LINE} ${.SECTION}"', ctx({}, 14)).words, ['f.cfg:14 global']);
  t.truthy(lexLine('"${.NOPE}"', ctx()).error);
});

test('bad variable names and braces are errors', (t) => {
  t.regex(lexLine('"$1"', ctx()).error!.message, /forbidden first character/);
  t.regex(lexLine('"${FOO"', ctx()).error!.message, /unmatched brace/);
  t.regex(lexLine('"${FOO-x"', ctx()).error!.message, /unmatched brace/);
});

test('an unterminated quote is an error at the quote', (t) => {
  const r = lexLine('bind "127.0.0.1:80', ctx());
  t.regex(r.error!.message, /unmatched double quote/);
  t.is(r.error!.column, 6);
  const s = lexLine("x 'abc", ctx());
  t.regex(s.error!.message, /unmatched single quote/);
  t.is(s.error!.column, 3);
});

test('splitLines numbers lines and accepts CRLF and no final newline', (t) => {
  t.deepEqual(splitLines('a\r\nb\n\nc'), [
    { line: 1, text: 'a', continued: false },
    { line: 2, text: 'b', continued: false },
    { line: 3, text: '', continued: false },
    { line: 4, text: 'c', continued: false },
  ]);
  t.deepEqual(splitLines(''), []);
});

test('a lone trailing backslash continues the line (Hawser extension)', (t) => {
  const lines = splitLines('server a 1.2.3.4:80 \\\n    check\nnext');
  t.is(lines.length, 2);
  t.is(lines[0]!.line, 1);
  t.true(lines[0]!.continued);
  t.deepEqual(words(lines[0]!.text), ['server', 'a', '1.2.3.4:80', 'check']);
  t.is(lines[1]!.line, 3);
});

test('a backslash glued to a word, escaped, quoted or in a comment does not continue', (t) => {
  t.is(splitLines('log-format abc\\\nx').length, 2);
  t.is(splitLines('a \\\\\nx').length, 2);
  t.is(splitLines('a \\ \\\nx').length, 2);
  t.is(splitLines('a "b \\\nx').length, 2);
  t.is(splitLines('a # c \\\nx').length, 2);
});

test('a byte order mark at the start of a file is not part of the first keyword', (t) => {
  t.deepEqual(words(splitLines('\uFEFFglobal\n')[0]!.text), ['global']);
});
