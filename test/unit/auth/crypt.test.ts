// crypt(3) hashes computed by src/auth against openssl passwd (the
// reference, run here), Basic credentials, and a userlist's verdicts.

import test from 'ava';
import { execFileSync } from 'node:child_process';
import { md5Crypt, parseBasicCredentials, shaCrypt, UserlistAuth } from '../../../src/auth/index.ts';

function openssl(flag: string, salt: string, pass: string): string {
  return execFileSync('openssl', ['passwd', flag, '-salt', salt, pass], { encoding: 'utf8' }).trim();
}

const PASSWORDS = ['secret', 'p', 'a much longer password with spaces and ünïcode', 'x'.repeat(80)];

test('$6$ and $5$ (default and explicit rounds) and $1$ are what openssl passwd computes', (t) => {
  for (const pass of PASSWORDS) {
    const key = Buffer.from(pass, 'utf8');
    for (const [flag, salt] of [['-6', 'saltsalt'], ['-5', 'abc'], ['-6', 'rounds=1200$longersaltthan16chars']] as const) {
      const ref = openssl(flag, salt, pass);
      t.is(shaCrypt(key, ref), ref, `${flag} ${salt} ${JSON.stringify(pass)}`);
    }
    const md5 = openssl('-1', 'xyz', pass);
    t.is(md5Crypt(key, md5), md5);
  }
  t.not(shaCrypt(Buffer.from('wrong'), openssl('-6', 'saltsalt', 'secret')), openssl('-6', 'saltsalt', 'secret'));
  t.is(shaCrypt(Buffer.from('x'), '$2y$10$abc'), null);
});

test('Basic credentials: scheme in any case, the first colon splits, anything else is refused', (t) => {
  const b = (s: string): string => Buffer.from(s).toString('base64');
  t.deepEqual(parseBasicCredentials(`Basic ${b('alice:pa:ss')}`), { user: 'alice', pass: 'pa:ss' });
  t.deepEqual(parseBasicCredentials(`bAsIc   ${b('bob:')}`), { user: 'bob', pass: '' });
  t.is(parseBasicCredentials(`Basic ${b('nocolon')}`), null);
  t.is(parseBasicCredentials(`Bearer ${b('a:b')}`), null);
  t.is(parseBasicCredentials('Basic'), null);
});

test('a userlist: crypted and insecure passwords, unknown users, groups', (t) => {
  const ul = new UserlistAuth('L', [
    { name: 'alice', password: openssl('-6', 'NaCl', 'wonderland'), insecure: false, groups: ['admin'] },
    { name: 'bob', password: 'builder', insecure: true, groups: [] },
    { name: 'carol', password: 'DESsalt1234', insecure: false, groups: [] },
  ]);
  t.true(ul.check('alice', 'wonderland'));
  t.true(ul.check('alice', 'wonderland'), 'the remembered answer');
  t.false(ul.check('alice', 'Wonderland'));
  t.true(ul.check('bob', 'builder'));
  t.false(ul.check('bob', 'wonderland'));
  t.false(ul.check('carol', 'DESsalt1234'), 'an unsupported hash never authenticates, not even by its own text');
  t.false(ul.check('dave', ''));
  t.deepEqual(ul.groupsOf('alice'), ['admin']);
  t.deepEqual(ul.groupsOf('dave'), []);
});
