// HAProxy's version ordering and OpenSSL version numbers, on the examples
// HAProxy documents for them.

import test from 'ava';
import {
  compareVersions,
  opensslLibraryVersionNumber,
  opensslVersionNumber,
  splitVersion,
} from '../../../src/cli/version-order.ts';

test('splitVersion gives haproxy\'s seven numbers', (t) => {
  const table: [string, number[] | undefined][] = [
    ['1.2.1-pre2', [1, 2, 1, 0, 2, 2, 0]],
    ['1.2.1', [1, 2, 1, 0, 3, 0, 0]],
    ['1.2.10.1', [1, 2, 10, 1, 3, 0, 0]],
    ['1.3.16-rc1', [1, 3, 16, 0, 2, 1, 0]],
    ['1.4-dev3', [1, 4, 0, 0, 1, 3, 0]],
    ['1.5-dev18', [1, 5, 0, 0, 1, 18, 0]],
    ['1.5-dev18-43', [1, 5, 0, 0, 1, 18, 43]],
    ['2.4-dev18-f6818d-20', [2, 4, 0, 0, 1, 18, 20]],
    ['2.6.12-1+deb12u4', [2, 6, 12, 0, 3, 0, 0]],
    ['2.6.12-1', [2, 6, 12, 0, 3, 0, 1]],
    ['2.6', [2, 6, 0, 0, 3, 0, 0]],
    ['', undefined],
    ['abc', undefined],
    ['2.6x', undefined],
    ['1.2.3.4.5', undefined],
    ['2.6-dev', [2, 6, 0, 0, 1, 0, 0]],
    ['2.6-', [2, 6, 0, 0, 3, 0, 0]],
  ];
  for (const [text, expected] of table) t.deepEqual(splitVersion(text), expected, text);
});

test('compareVersions: missing parts are zero, dev < rc < release < commits after it', (t) => {
  t.is(compareVersions('2.6', '2.6.0'), 0);
  t.is(compareVersions('2.6', '2.4'), -1);
  t.is(compareVersions('2.6', '2.6.1'), 1);
  t.is(compareVersions('2.6', '2.6-dev19'), -1);
  t.is(compareVersions('2.6-rc1', '2.6-dev19'), -1);
  t.is(compareVersions('2.6-dev2', '2.6-dev10'), 1);
  t.is(compareVersions('2.6', 'nonsense'), -3);
  t.is(compareVersions('nonsense', '2.6'), -2);
});

test('opensslVersionNumber reads text the way haproxy does', (t) => {
  t.is(opensslVersionNumber('0.9.8zh'), 0x0090821f);
  t.is(opensslVersionNumber('1.0.2u'), 0x1000215f);
  t.is(opensslVersionNumber('1.1.1'), 0x1010100f);
  t.is(opensslVersionNumber('3.0.0-alpha17'), 0x30000000);
  t.is(opensslVersionNumber('3.0.0-beta2'), 0x30000002);
  t.is(opensslVersionNumber('3.0.0-beta14'), 0x3000000e);
  t.is(opensslVersionNumber('3.0.0'), 0x3000000f);
  t.is(opensslVersionNumber('3.0.13'), 0x3000d00f);
  t.is(opensslVersionNumber('3.0.0-beta15'), 0);
  t.is(opensslVersionNumber('3.1'), 0);
  t.is(opensslVersionNumber('16.0.0'), 0);
  t.is(opensslVersionNumber(''), 0);
});

test('opensslLibraryVersionNumber follows OpenSSL\'s own layout (changed in 3.0)', (t) => {
  t.is(opensslLibraryVersionNumber('1.1.1k'), 0x101010bf);
  t.is(opensslLibraryVersionNumber('3.0.13'), 0x300000d0);
  t.is(opensslLibraryVersionNumber('3.5.1'), 0x30500010);
});
