// The CLI's pure pieces: how a line splits into commands and words, how
// answers are framed in both modes, and HAProxy's uptime format.

import test from 'ava';
import { CommandRegistry, STAT_HEADER, answerLine, formatUptime, splitCommands, type CommandContext } from '../../../src/runtime/index.ts';

test('a line splits on unescaped ";" and blanks', (t) => {
  t.deepEqual(splitCommands('show stat;  show info typed'), [['show', 'stat'], ['show', 'info', 'typed']]);
  t.deepEqual(splitCommands('set var a\\;b'), [['set', 'var', 'a;b']]);
  t.deepEqual(splitCommands(''), [[]]);
});

test('answers end with a blank line, and with "> " in interactive mode', (t) => {
  const r = new CommandRegistry();
  r.add({ words: ['ping'], usage: 'ping', help: 'answer pong', level: 'admin', run: () => 'pong\n' });
  const ctx = { level: 'admin', interactive: false, quit: false } as CommandContext;
  t.is(answerLine('ping;ping', r, ctx), 'pong\n\npong\n\n');
  t.is(answerLine('prompt', r, ctx), '\n> ');
  t.is(answerLine('ping', r, ctx), 'pong\n\n> ');
  ctx.level = 'user';
  t.is(answerLine('ping', r, ctx), 'Permission denied\n\n> ');
  t.is(answerLine('quit', r, ctx), '');
  t.true(ctx.quit);
});

test('unknown commands get HAProxy\'s help layout', (t) => {
  const r = new CommandRegistry();
  r.add({ words: ['show', 'x'], usage: 'show x', help: 'x', level: 'user', run: () => '' });
  const ctx = { level: 'admin', interactive: false, quit: false } as CommandContext;
  t.is(
    answerLine('show y', r, ctx),
    'Unknown command, but maybe one of the following ones is a better match:\n' +
      '  show x                                  : x\n' +
      '  help [<command>]                        : list matching or all commands\n' +
      '  prompt                                  : toggle interactive mode with prompt\n' +
      '  quit                                    : disconnect\n\n',
  );
});

test('uptime and the stat header are HAProxy\'s', (t) => {
  t.is(formatUptime(1), '0d 0h00m01s');
  t.is(formatUptime(90061), '1d 1h01m01s');
  t.true(STAT_HEADER.startsWith('# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,'));
  t.true(STAT_HEADER.endsWith(',h1_spliced_bytes_in,h1_spliced_bytes_out,'));
});
