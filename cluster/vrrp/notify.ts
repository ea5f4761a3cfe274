// Notify commands, run on transitions as keepalived runs them: the state's
// own command (notify-master / -backup / -fault / -stop) with no argument
// added, then the generic `notify` with keepalived's four arguments
// appended: INSTANCE|GROUP, the name, MASTER|BACKUP|FAULT|STOP, the
// priority (0 for a group). Started and forgotten, bounded by a timeout
// (bounded-command.ts): a slow script never delays a takeover.

import { describeOutcome, runBounded } from './bounded-command.ts';
import type { VrrpNotify, VrrpNotifyCommand } from './settings.ts';
import type { VrrpState } from './state-machine.ts';

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

/** A notify command is killed after this long. */
export const NOTIFY_TIMEOUT = 60_000;
/** A node flapping with slow scripts must not fork without bound. */
const MAX_RUNNING = 64;
let running = 0;

const STATE_WORD: Record<VrrpState, NotifyState> = {
  Master: 'MASTER',
  Backup: 'BACKUP',
  Fault: 'FAULT',
  Initialize: 'STOP',
};

/** keepalived's word for a state (leaving for Initialize is stopping). */
export function notifyState(state: VrrpState): NotifyState {
  return STATE_WORD[state];
}

export interface NotifyTarget {
  type: 'INSTANCE' | 'GROUP';
  name: string;
}

/** Starts the commands `notify` has for `state`; problems (cannot start, non-zero exit, timeout) go to `onError`. */
export function runNotify(notify: VrrpNotify, target: NotifyTarget, state: NotifyState, priority: number, onError: (message: string) => void): void {
  const specific = state === 'MASTER' ? notify.master : state === 'BACKUP' ? notify.backup : state === 'FAULT' ? notify.fault : notify.stop;
  if (specific !== undefined) start(specific, [], onError);
  if (notify.any !== undefined) start(notify.any, [target.type, target.name, state, String(target.type === 'GROUP' ? 0 : priority)], onError);
}

function start(cmd: VrrpNotifyCommand, extra: string[], onError: (message: string) => void): void {
  const argv = [...cmd.argv, ...extra];
  const what = `${cmd.pos.file}:${cmd.pos.line}: notify command '${argv.join(' ')}'`;
  if (running >= MAX_RUNNING) {
    onError(`${what} not started: ${running} notify commands are still running`);
    return;
  }
  running++;
  runBounded(argv, NOTIFY_TIMEOUT, (o) => {
    running--;
    if (o.kind !== 'exit' || o.code !== 0) onError(`${what} ${describeOutcome(o, NOTIFY_TIMEOUT)}`);
  });
}
