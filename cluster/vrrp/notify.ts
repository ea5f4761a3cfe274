// Notify commands of a virtual router, run on its transitions as keepalived
// runs them: notify-master / -backup / -fault / -stop with no arguments
// added, and the generic `notify` with `INSTANCE <name> <STATE> <priority>`
// appended. Started and forgotten: a slow script never delays a takeover.

import { spawn } from 'node:child_process';
import type { VrrpState } from './state-machine.ts';
import type { VrrpNotify, VrrpNotifyCommand } from './settings.ts';

const NOTIFY_TIMEOUT = 60_000;

const KEEPALIVED_STATE: Record<VrrpState, 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP'> = {
  Master: 'MASTER',
  Backup: 'BACKUP',
  Fault: 'FAULT',
  Initialize: 'STOP',
};

export function runNotify(notify: VrrpNotify, name: string, state: VrrpState, priority: number, onError: (message: string) => void): void {
  const s = KEEPALIVED_STATE[state];
  const specific = s === 'MASTER' ? notify.master : s === 'BACKUP' ? notify.backup : s === 'FAULT' ? notify.fault : notify.stop;
  if (specific !== undefined) start(specific, [], onError);
  if (notify.any !== undefined) start(notify.any, ['INSTANCE', name, s, String(priority)], onError);
}

function start(cmd: VrrpNotifyCommand, extra: string[], onError: (message: string) => void): void {
  const [file, ...args] = cmd.argv;
  if (file === undefined) return;
  const what = `${cmd.pos.file}:${cmd.pos.line}: notify command '${cmd.argv.join(' ')}'`;
  const child = spawn(file, [...args, ...extra], { stdio: 'ignore', timeout: NOTIFY_TIMEOUT });
  child.on('error', (err) => onError(`${what} could not start: ${err.message}`));
  child.on('close', (code, signal) => {
    if (code !== 0) onError(`${what} exited with ${code ?? signal}`);
  });
}
