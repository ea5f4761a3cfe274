// journald priority prefixes: which descriptor is the journal, and the
// level each kind of line gets (events by pino level, stderr by its tag).

import test from 'ava';
import {
  isJournalStream,
  journalPrefix,
  pinoSyslogLevel,
  prefixStderrText,
  stderrSyslogLevel,
} from '../../../src/log/index.ts';

test('a descriptor is the journal only when JOURNAL_STREAM names its device and inode', (t) => {
  t.true(isJournalStream('64769:1234567', { dev: 64769, ino: 1234567 }));
  t.true(isJournalStream('64769:1234567', { dev: 64769n, ino: 1234567n }));
  t.false(isJournalStream('64769:1234567', { dev: 64769, ino: 1234568 }), 'another inode: redirected');
  t.false(isJournalStream('1:1234567', { dev: 64769, ino: 1234567 }));
  t.false(isJournalStream(undefined, { dev: 1, ino: 2 }), 'not under systemd');
  t.false(isJournalStream('', { dev: 1, ino: 2 }));
  t.false(isJournalStream('garbage', { dev: 1, ino: 2 }));
  t.false(isJournalStream('1:2:3', { dev: 1, ino: 2 }));
  t.false(isJournalStream('1:2', null));
});

test('pino levels map to syslog priorities journalctl -p understands', (t) => {
  t.deepEqual(
    [60, 50, 40, 30, 20, 10].map(pinoSyslogLevel),
    [2, 3, 4, 6, 7, 7], // fatal crit, error err, warn warning, info, debug, trace
  );
  t.is(pinoSyslogLevel(45), 4, 'a custom level between warn and error counts as warn');
  t.is(journalPrefix(4), '<4>');
  t.is(journalPrefix(-3), '<0>');
  t.is(journalPrefix(12), '<7>');
});

test('stderr lines are ranked by their HAProxy tag or diagnostic severity', (t) => {
  t.is(stderrSyslogLevel('[ALERT]    (12) : Fatal errors found in configuration.'), 3);
  t.is(stderrSyslogLevel('[WARNING]  (12) : -m 100: memory limit not enforced'), 4);
  t.is(stderrSyslogLevel('[NOTICE]   (12) : something'), 5);
  t.is(stderrSyslogLevel("HAWSER_CFG_UNKNOWN_KEYWORD /etc/hawser/hawser.cfg:5: unknown keyword 'balanse'"), 3);
  t.is(stderrSyslogLevel('HAWSER_CFG_X /etc/hawser/hawser.cfg:5: warning: a lone backslash'), 4);
  t.is(stderrSyslogLevel('HAWSER_CFG_X warning: no file'), 4);
  t.is(stderrSyslogLevel('HAWSER_CFG_X f.cfg:3: bad value, warning: inside the message is still an error'), 3);
  t.is(stderrSyslogLevel('Usage : hawser [-f <cfgfile|cfgdir>]*'), -1, 'untagged text keeps the default level');
  t.is(stderrSyslogLevel('  [ALERT] not at the start'), -1);
});

test('every line of a multi-line write gets its own prefix; untagged lines none', (t) => {
  t.is(
    prefixStderrText('HAWSER_CFG_A f:1: bad\nHAWSER_CFG_B f:2: warning: meh\n[ALERT]    (1) : Fatal errors found in configuration.\n'),
    '<3>HAWSER_CFG_A f:1: bad\n<4>HAWSER_CFG_B f:2: warning: meh\n<3>[ALERT]    (1) : Fatal errors found in configuration.\n',
  );
  t.is(prefixStderrText('usage\n[WARNING] x\n\n'), 'usage\n<4>[WARNING] x\n\n');
  t.is(prefixStderrText('[ALERT] no newline'), '<3>[ALERT] no newline');
  t.is(prefixStderrText(''), '');
});
