// Which mirror the guest image is debootstrapped from: both apt source
// formats, disabled entries, and the suite/component match.
import test from 'ava';
import { mirrorFor, parseAptSources } from '../../../packaging/test/apt-sources.ts';

test('one-line format: options in brackets, comments and deb-src skipped', (t) => {
  const s = parseAptSources(
    'sources.list',
    [
      '# deb http://commented.example/debian bookworm main',
      'deb-src http://src.example/debian bookworm main',
      'deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://mirror.example/debian bookworm main contrib # trailing',
      'deb http://security.example/debian-security bookworm-security main',
    ].join('\n'),
  );
  t.deepEqual(s, [
    { uri: 'http://mirror.example/debian', suites: ['bookworm'], components: ['main', 'contrib'] },
    { uri: 'http://security.example/debian-security', suites: ['bookworm-security'], components: ['main'] },
  ]);
  t.is(mirrorFor(s, 'bookworm'), 'http://mirror.example/debian');
});

test('deb822 format: several suites, disabled stanzas and deb-src only stanzas skipped', (t) => {
  const s = parseAptSources(
    'debian.sources',
    [
      'Types: deb-src',
      'URIs: http://src.example/debian',
      'Suites: bookworm',
      'Components: main',
      '',
      'Types: deb',
      'URIs: http://off.example/debian',
      'Suites: bookworm',
      'Components: main',
      'Enabled: no',
      '',
      'Types: deb deb-src',
      'URIs: http://deb.example/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main non-free-firmware',
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    ].join('\n'),
  );
  t.deepEqual(s, [{ uri: 'http://deb.example/debian', suites: ['bookworm', 'bookworm-updates'], components: ['main', 'non-free-firmware'] }]);
  t.is(mirrorFor(s, 'bookworm'), 'http://deb.example/debian');
});

test('no source for the suite with main: no mirror', (t) => {
  const s = parseAptSources('x.list', 'deb http://mirror.example/debian trixie main\ndeb http://mirror.example/debian bookworm contrib\n');
  t.is(mirrorFor(s, 'bookworm'), undefined);
});
