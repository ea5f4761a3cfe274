// redis-check: PING as a RESP array, "+PONG" expected (haproxy 2.6's wording).

import test from 'ava';
import { redisScript } from '../../../src/checks/redis.ts';
import { exchange } from './exchange.ts';

test('PING is sent as a RESP array and +PONG passes', (t) => {
  const r = exchange(redisScript(), ['+PONG\r\n'], 'timeout');
  t.deepEqual(r.sent, [Buffer.from('*1\r\n$4\r\nPING\r\n')]);
  t.like(r.done, { status: 'L7OK', code: 0, info: 'Redis server is ok' });
});

test('an error reply is a wrong status with the first line as info', (t) => {
  t.like(exchange(redisScript(), ['-ERR nope\r\n']).done, { status: 'L7STS', code: 0, info: '-ERR nope' });
});

test('an error reply on a connection kept open waits until the deadline, as HAProxy does', (t) => {
  t.like(exchange(redisScript(), ['-NOAUTH Authentication required.\r\n'], 'timeout').done, { status: 'L7TOUT', info: '' });
});
