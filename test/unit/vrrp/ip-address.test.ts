// Addresses as the VRRP core handles them: parsed to bytes, written back in
// one canonical form, and compared as numbers for the RFC's tie-break.

import test from 'ava';
import { canonicalIP, compareIP, formatIPv6, ipFamily, parseIPv4, parseIPv6 } from '../../../cluster/vrrp/index.ts';

test('IPv4: dotted quads only, no leading zeros, no out-of-range parts', (t) => {
  t.deepEqual([...parseIPv4('10.99.0.100')!], [10, 99, 0, 100]);
  t.deepEqual([...parseIPv4('0.0.0.0')!], [0, 0, 0, 0]);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '1.2.3.256', '01.2.3.4', '1..2.3', '1.2.3.4 ', 'a.b.c.d', '1.2.3.-4', '1234.1.1.1']) {
    t.is(parseIPv4(bad), undefined, bad);
  }
});

test('IPv6: compression, embedded IPv4, zones; RFC 5952 output', (t) => {
  const cases: Array<[string, string]> = [
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8:0:0:0:0:0:100', '2001:db8::100'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['0001:0002:0003:0004:0005:0006:0007:0008', '1:2:3:4:5:6:7:8'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
  ];
  for (const [text, canonical] of cases) t.is(canonicalIP(text), canonical, text);
  for (const bad of [':', ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::', '1::2:', ':1::', '1.2.3.4::', '1:2:3:4:5:6:7:8::']) {
    t.is(parseIPv6(bad), undefined, bad);
  }
  t.is(formatIPv6(parseIPv6('1:2:3:4:5:6:7:8')!), '1:2:3:4:5:6:7:8');
  t.is(ipFamily('10.0.0.1'), 4);
  t.is(ipFamily('fe80::1'), 6);
  t.is(ipFamily('nope'), undefined);
});

test('compare: unsigned numeric order; different families never win', (t) => {
  t.true(compareIP('10.0.0.12', '10.0.0.11') > 0);
  t.true(compareIP('10.0.0.2', '10.0.0.10') < 0); // numbers, not strings
  t.true(compareIP('192.0.2.1', '10.255.255.255') > 0); // unsigned: 192 > 10 even though it is "negative" as int32
  t.is(compareIP('10.0.0.1', '10.0.0.1'), 0);
  t.true(compareIP('fe80::2', 'fe80::1') > 0);
  t.is(compareIP('10.0.0.1', 'fe80::1'), 0);
  t.is(compareIP('x', '10.0.0.1'), 0);
});
