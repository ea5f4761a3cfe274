// `option redis-check`: send PING as a RESP array, expect "+PONG". Like
// HAProxy, a wrong answer is "Layer7 wrong status" with the server's first
// line as info (e.g. "-NOAUTH Authentication required."), and an answer that
// does not match yet is waited on until the server closes or time runs out.

import { makeScript, type Script } from './script.ts';
import { expectRule } from './tcp-check.ts';
import { firstLine } from './payload.ts';

const PING = Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1');

export function redisScript(): Script {
  return makeScript([
    { kind: 'connect', id: 0, implicit: true, ssl: false, sendProxy: false },
    { kind: 'send', id: 1, data: PING },
    expectRule({
      id: 2,
      match: 'string',
      pattern: '+PONG\r\n',
      errorStatus: 'L7STS',
      verbose: false,
      onError: (input) => firstLine(input, 0),
      onSuccess: () => 'Redis server is ok',
    }),
  ], false);
}
