// A track-file's integer, read as keepalived's strtol(buf, NULL, 0) reads it.

import test from 'ava';
import { parseTrackFileValue } from '../../../cluster/vrrp/index.ts';

test('decimal, signed, with blanks around and anything after the number', (t) => {
  t.is(parseTrackFileValue('10\n'), 10);
  t.is(parseTrackFileValue('  -25 # drained\n'), -25);
  t.is(parseTrackFileValue('+7'), 7);
  t.is(parseTrackFileValue('3.9'), 3);
});

test('hex after 0x, octal after a leading 0, as C does', (t) => {
  t.is(parseTrackFileValue('0x1f'), 31);
  t.is(parseTrackFileValue('-0X10'), -16);
  t.is(parseTrackFileValue('017'), 15);
  t.is(parseTrackFileValue('09'), 0); // octal stops at 9
  t.is(parseTrackFileValue('0x'), 0);
});

test('empty, blank or not a number is 0; out of a 32-bit int is refused', (t) => {
  t.is(parseTrackFileValue(''), 0);
  t.is(parseTrackFileValue('\n'), 0);
  t.is(parseTrackFileValue('down'), 0);
  t.is(parseTrackFileValue('-0'), 0);
  t.is(parseTrackFileValue('2147483648'), 2147483648);
  t.is(parseTrackFileValue('-2147483648'), -2147483648);
  t.is(parseTrackFileValue('2147483649'), undefined);
  t.is(parseTrackFileValue('99999999999999999999'), undefined);
});
