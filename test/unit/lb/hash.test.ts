// The hash functions against values printed by HAProxy 2.6.12's own sdbm,
// djb2, wt6 and crc32 converters (argument 1 = avalanche), recorded with
// `http-request return ... lf-string "%[req.hdr(x-k),sdbm] %[req.hdr(x-k),sdbm(1)] ..."`.

import test from 'ava';
import { avalanche, crc32, djb2, hashFunction, sdbm, wt6 } from '../../../src/lb/index.ts';
import { addressWords } from '../../../src/lb/source.ts';

// key => sdbm, sdbm+avalanche, djb2, djb2+avalanche, wt6, wt6+avalanche, crc32, crc32+avalanche
const HAPROXY_2_6: Array<[string, string]> = [
  ['hello', '684824882 2061535398 261238937 1119739105 3538347703 140457739 907060870 3902247103'],
  ['', '0 2874071335 5381 3719394183 4187620192 2385687481 0 2874071335'],
  ['k1', '7019142 1839135170 5863489 190503174 3552096766 1510114238 2517541033 357155266'],
  ['The quick brown fox', '2367138851 721029811 2546203896 2899348258 1623409869 3798313427 3074782430 3889597298'],
  ['12345678', '4267168004 4225258200 938407465 1796257514 4280059181 2649266082 2598427311 3843143269'],
  ['abcdefghijklmnopq', '2346811497 1101630468 4205444254 2298485184 12883349 1537285705 2626835993 3453484512'],
  ['\xff\x80abc', '469826017 3492131169 441270986 3038808308 1308798735 1596075227 729423482 2872740845'],
];

for (const [key, expected] of HAPROXY_2_6) {
  test(`hashes of ${JSON.stringify(key)} are HAProxy's`, (t) => {
    const got = [sdbm(key), avalanche(sdbm(key)), djb2(key), avalanche(djb2(key)), wt6(key), avalanche(wt6(key)), crc32(key), avalanche(crc32(key))];
    t.is(got.join(' '), expected);
  });
}

test('a sub-range hashes like the substring', (t) => {
  for (const name of ['sdbm', 'djb2', 'wt6', 'crc32'] as const) {
    const fn = hashFunction(name);
    t.is(fn('xxThe quick brown foxyy', 2, 21), fn('The quick brown fox'), name);
  }
});

test('results are unsigned 32-bit integers', (t) => {
  for (let i = 0; i < 500; i++) {
    const k = `key-${i}-${'z'.repeat(i % 40)}`;
    for (const h of [sdbm(k), djb2(k), wt6(k), crc32(k), avalanche(i * 2654435761)]) {
      t.true(Number.isInteger(h) && h >= 0 && h <= 0xffffffff);
    }
  }
});

test('source addresses fold into one big-endian word as HAProxy does', (t) => {
  t.is(addressWords('127.0.0.1'), 0x7f000001);
  t.is(addressWords('10.1.2.3'), 0x0a010203);
  t.is(addressWords('255.255.255.255'), 0xffffffff);
  t.is(addressWords('::1'), 1);
  t.is(addressWords('::ffff:127.0.0.1'), (0xffff ^ 0x7f000001) >>> 0);
  t.is(addressWords('2001:db8::8a2e:370:7334'), (0x20010db8 ^ 0 ^ 0x00008a2e ^ 0x03707334) >>> 0);
  t.is(addressWords('fe80::1%eth0'), (0xfe800000 ^ 1) >>> 0);
  t.is(addressWords('1:2:3:4:5:6:7:8'), (0x00010002 ^ 0x00030004 ^ 0x00050006 ^ 0x00070008) >>> 0);
  t.is(addressWords('1::'), 0x00010000);
  t.is(addressWords('::'), 0);
  for (const bad of ['', 'unix', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '12345::', 'g::1', '1:2:3:4:5:6:7:', '/run/hawser.sock']) {
    t.is(addressWords(bad), -1, bad);
  }
});
