// HAProxy's `debug dev loop <ms>` (expert) runtime command: spin the event
// loop for that long. Operators use it to see that the watchdog catches a
// stuck process; the notify test uses it to block the loop for real.

import type { Command } from '../runtime/index.ts';

const MAX_MS = 60_000;

export const debugDevLoop: Command = {
  words: ['debug', 'dev', 'loop'],
  usage: 'debug dev loop [ms]',
  help: 'loop this long',
  level: 'admin',
  expert: true,
  run(args) {
    const ms = Math.min(MAX_MS, Math.max(0, Number(args[0] ?? 0) || 0));
    const until = Date.now() + ms;
    // Deliberately synchronous: the whole point is a loop that does not turn.
    while (Date.now() < until) {
      /* spin */
    }
    return '';
  },
};
