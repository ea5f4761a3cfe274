// Test helper: plays a server's side of a conversation against a check
// script, with no sockets. Each reply chunk answers one read; then the
// server closes (eof), stays silent until the deadline (timeout) or fails.

import { CheckRun, type Action, type Script } from '../../../src/checks/script.ts';

export type Ending = 'eof' | 'timeout' | { error: string };

export interface Exchange {
  done: Extract<Action, { kind: 'done' }>;
  /** Bytes the check sent, per send step. */
  sent: Buffer[];
  connects: Array<Extract<Action, { kind: 'connect' }>>;
}

export function exchange(script: Script, replies: ReadonlyArray<string | Uint8Array>, ending: Ending = 'eof', nowMs = 1_700_000_000_000): Exchange {
  const run = new CheckRun(script, { nowMs });
  const sent: Buffer[] = [];
  const connects: Exchange['connects'] = [];
  let a = run.start();
  let i = 0;
  for (let guard = 0; guard < 1000; guard++) {
    switch (a.kind) {
      case 'done':
        return { done: a, sent, connects };
      case 'connect':
        connects.push(a);
        run.transportUp();
        a = run.connected();
        break;
      case 'send':
        sent.push(Buffer.from(a.data));
        a = run.sent();
        break;
      case 'recv':
        if (i < replies.length) {
          const r = replies[i++]!;
          a = run.data(typeof r === 'string' ? Buffer.from(r, 'latin1') : r);
        } else if (ending === 'eof') a = run.eof();
        else if (ending === 'timeout') a = run.timeout();
        else a = run.error(ending.error);
        break;
    }
  }
  throw new Error('exchange did not end');
}
