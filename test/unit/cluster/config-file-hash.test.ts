// The whole-file hash nodes compare: what counts as an edit (any word) and
// what does not (comments, blank lines, spacing, a `#` inside quotes kept).

import test from 'ava';
import { configFileHash, normalisedConfig } from '../../../cluster/config-file-hash.ts';

const FILE = 'global\n    log stdout format raw local0\n\nvrrp web\n    priority lb1 150 lb2 100\n    virtual-ipaddress 10.0.0.100/24\n';

test('comments, blank lines and spacing are not differences', (t) => {
  const noisy = '# managed by hand\n' + FILE.replace(/ {4}/g, '\t').replace('150 lb2', '150   lb2') + '   # trailing\n\n\r\n';
  t.is(normalisedConfig([noisy]), normalisedConfig([FILE]));
  t.deepEqual(configFileHash([noisy]), configFileHash([FILE]));
  t.is(normalisedConfig([FILE]), 'global\nlog stdout format raw local0\nvrrp web\npriority lb1 150 lb2 100\nvirtual-ipaddress 10.0.0.100/24');
});

test('any other edit is: a value, a line, the order of files; a # in quotes or escaped is text', (t) => {
  const h = configFileHash([FILE]).toString('hex');
  t.not(configFileHash([FILE.replace('lb2 100', 'lb2 101')]).toString('hex'), h);
  t.not(configFileHash([FILE + '    advert-interval 1s\n']).toString('hex'), h);
  t.not(configFileHash(['a 1\n', 'b 2\n']).toString('hex'), configFileHash(['b 2\n', 'a 1\n']).toString('hex'));
  t.is(normalisedConfig(['http-response set-header X "a #b" # comment']), 'http-response set-header X "a #b"');
  t.is(normalisedConfig(['acl x path_beg /a\\ #b']), 'acl x path_beg /a\\ #b');
  t.is(normalisedConfig(['acl x path_beg /a#b']), 'acl x path_beg /a#b');
  t.is(configFileHash([FILE]).length, 32);
});
