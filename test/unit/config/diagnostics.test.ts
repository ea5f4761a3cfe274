import test from 'ava';
import { formatDiagnostic } from '../../../src/config/index.ts';
import { didYouMean, editDistance } from '../../../src/config/suggest.ts';

test('format: CODE file:line: message, warnings say so', (t) => {
  t.is(
    formatDiagnostic({ code: 'HAWSER_CFG_UNKNOWN_KEYWORD', severity: 'error', file: 'hawser.cfg', line: 12, message: "unknown keyword 'balanse'" }),
    "HAWSER_CFG_UNKNOWN_KEYWORD hawser.cfg:12: unknown keyword 'balanse'",
  );
  t.is(
    formatDiagnostic({ code: 'HAWSER_CFG_MISSING_TIMEOUT', severity: 'warning', file: 'a.cfg', line: 3, message: 'x' }),
    'HAWSER_CFG_MISSING_TIMEOUT a.cfg:3: warning: x',
  );
  t.is(formatDiagnostic({ code: 'HAWSER_CFG_IO', severity: 'error', file: '/nope', message: 'gone' }), 'HAWSER_CFG_IO /nope: gone');
  t.is(formatDiagnostic({ code: 'HAWSER_CFG_IO', severity: 'error', message: 'no file' }), 'HAWSER_CFG_IO no file');
});

test('did you mean: close typos only', (t) => {
  t.is(editDistance('balanse', 'balance'), 1);
  t.is(editDistance('blaance', 'balance'), 1);
  t.is(didYouMean('balanse', ['bind', 'balance', 'backlog']), 'balance');
  t.is(didYouMean('timout', ['timeout', 'mode']), 'timeout');
  t.is(didYouMean('xyzzy', ['timeout', 'mode']), undefined);
  t.is(didYouMean('ab', ['id', 'log']), undefined);
});
