import test from 'ava';
import { parseSize, parseTime } from '../../../src/config/index.ts';

test('times: every unit becomes milliseconds', (t) => {
  t.deepEqual(parseTime('500us'), { value: 0.5 });
  t.deepEqual(parseTime('250ms'), { value: 250 });
  t.deepEqual(parseTime('10s'), { value: 10_000 });
  t.deepEqual(parseTime('2m'), { value: 120_000 });
  t.deepEqual(parseTime('1h'), { value: 3_600_000 });
  t.deepEqual(parseTime('1d'), { value: 86_400_000 });
  t.deepEqual(parseTime('0'), { value: 0 });
});

test('times: a bare number is in the default unit, milliseconds unless told', (t) => {
  t.deepEqual(parseTime('2000'), { value: 2000 });
  t.deepEqual(parseTime('3', 's'), { value: 3000 });
  t.deepEqual(parseTime('3ms', 's'), { value: 3 });
});

test('times: bad text and overflow are clear errors', (t) => {
  t.regex(parseTime('5x').error!, /unexpected 'x'.*us, ms, s, m, h and d/);
  t.regex(parseTime('5S').error!, /unexpected 'S'/);
  t.regex(parseTime('1.5s').error!, /unexpected '\.5s'/);
  t.regex(parseTime('-1s').error!, /is not a time/);
  t.regex(parseTime('abc').error!, /is not a time/);
  t.regex(parseTime('').error!, /empty/);
  t.regex(parseTime('2147483648').error!, /too large/);
  t.deepEqual(parseTime('2147483647'), { value: 2_147_483_647 });
  t.regex(parseTime('25d').error!, /too large/);
});

test('sizes: k m g are powers of 1024, either case', (t) => {
  t.deepEqual(parseSize('512'), { value: 512 });
  t.deepEqual(parseSize('16k'), { value: 16_384 });
  t.deepEqual(parseSize('16K'), { value: 16_384 });
  t.deepEqual(parseSize('2m'), { value: 2 * 1024 * 1024 });
  t.deepEqual(parseSize('1G'), { value: 1024 ** 3 });
});

test('sizes: bad text and overflow are clear errors', (t) => {
  t.regex(parseSize('16kb').error!, /unexpected 'kb'/);
  t.regex(parseSize('x').error!, /is not a size/);
  t.regex(parseSize('4g').error!, /too large/);
  t.regex(parseSize('').error!, /empty/);
});
