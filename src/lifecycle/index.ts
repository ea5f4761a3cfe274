// Process lifecycle: the systemd notify protocol and its watchdog, reload
// on signal, the pidfile, dropping root for `user`/`group`, and the runtime
// command that blocks the loop on purpose.
export { SystemdNotifier, monotonicUsec } from './notify.ts';
export type { NotifySpawn } from './notify.ts';
export { Watchdog, watchdogInterval } from './watchdog.ts';
export { readyStatus, reloadFailedStatus } from './status.ts';
export type { RuntimeSummary } from './status.ts';
export { Reloader, summarize } from './reload.ts';
export type { CheckedConfig, ReloaderDeps } from './reload.ts';
export { debugDevLoop } from './debug-loop.ts';
export { PidFile } from './pidfile.ts';
export { resolveIdentity, dropPrivileges, type Identity, type PrivilegeSettings } from './privileges.ts';
