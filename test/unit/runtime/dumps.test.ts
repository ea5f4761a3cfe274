// The pure formatters of `show errors` and `show sess`, and HAProxy's word
// fingerprints: line breaking at 80 columns with '+' continuations, escapes,
// the parser state named after where it stopped, human_time, strtoul ids.

import test from 'ava';
import { h1State, showErrors } from '../../../src/runtime/show-errors.ts';
import { humanTime, parseSessionId } from '../../../src/runtime/show-sess.ts';
import { addToFingerprint, emptyFingerprint, fingerprintDistance } from '../../../src/runtime/word-fingerprint.ts';
import { ErrorSnapshots } from '../../../src/proxy/error-snapshots.ts';

const capture = (bytes: string, errorAt: number, phase: 'head' | 'body' = 'head') => ({
  bytes: Buffer.from(bytes, 'latin1'),
  errorAt,
  phase,
  src: '127.0.0.1',
  srcPort: 4242,
  other: null,
  server: null,
  serverId: -1,
});

test('a long line is cut at 80 columns and continued with "+"; escapes as dump_text_line', (t) => {
  const store = new ErrorSnapshots();
  store.capture('request', 'www', capture('GET /' + 'a'.repeat(100) + ' HTTP/1.1\r\nX: \\\t\x01\r\n\r\n', 3), 0);
  const out = showErrors(store, [{ name: 'www', iid: 2 }], { requests: true, responses: true }, 0);
  const dump = out.split('\n  \n')[1].split('\n').filter((l) => l !== '');
  t.is(dump[0], '  00000  GET /' + 'a'.repeat(65));
  t.is(dump[0].length, 79);
  t.is(dump[1], '  00070+ ' + 'a'.repeat(35) + ' HTTP/1.1\\r\\n');
  t.is(dump[2], '  00116  X: \\\\\\t\\x01\\r\\n');
  t.is(dump[3], '  00124  \\r\\n');
  t.regex(out, /^Total events captured on \[.+\] : 1\n \n\[.+\] frontend www \(#2\): invalid request\n  backend <NONE> \(#-1\), server <NONE> \(#-1\), event #0, src 127\.0\.0\.1:4242\n/);
  t.regex(out, /\n  H1 msg state MSG_RQMETH\(2\), H1 msg flags 0x00001400\n/);
});

test('the H1 state follows where the parser stopped', (t) => {
  const at = (s: string, pos: number, kind: 'request' | 'response' = 'request') => {
    const store = new ErrorSnapshots();
    store.capture(kind, 'p', capture(s, pos), 0);
    return h1State(kind, (kind === 'request' ? store.requests : store.responses).get('p')!);
  };
  t.is(at('GE\x01T / HTTP/1.1\r\n\r\n', 2), 2);
  t.is(at('GET /a\x7f HTTP/1.1\r\n\r\n', 6), 4);
  t.is(at('GET /a b HTTP/1.1\r\n\r\n', 7), 6);
  t.is(at('GET / HTTP/1.1\r\nBad Name: x\r\n\r\n', 19), 17);
  t.is(at('GET / HTTP/1.1\r\nName: x\x01\r\n\r\n', 23), 22);
  t.is(at('HTTP/1.1 2x0 OK\r\n\r\n', 10, 'response'), 12);
});

test('human_time keeps two units; ids parse as strtoul(.., 0)', (t) => {
  t.deepEqual([0, 5, 65, 3600, 3725, 90061].map(humanTime), ['0s', '5s', '1m5s', '1h', '1h2m', '1d1h']);
  t.deepEqual(['0x2a', '42', '052', 'zz', '0x'].map(parseSessionId), [42, 42, 42, 0, 0]);
});

test('word fingerprints: identical words are at distance 0, a typo stays close, another word is far', (t) => {
  const fp = (...words: string[]) => {
    const f = emptyFingerprint();
    for (const w of words) addToFingerprint(f, w);
    return f;
  };
  t.is(fingerprintDistance(fp('stat'), fp('stat')), 0);
  t.true(fingerprintDistance(fp('stat'), fp('stta')) < fingerprintDistance(fp('stat'), fp('pools')));
  t.is(fingerprintDistance(fp('STAT'), fp('stat')), 0, 'case-insensitive, as HAProxy');
});
