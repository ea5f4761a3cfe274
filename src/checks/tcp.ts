// The plain health check (`check` with no `option ...chk`): a TCP connection
// that opens passes ("Layer4 check passed"), one refused or timed out fails.
// HAProxy words its errors without any tcp-check context here.

import { makeScript, type Script } from './script.ts';

export function tcpScript(): Script {
  return makeScript([{ kind: 'connect', id: 0, implicit: true, ssl: false, sendProxy: false }], false);
}
