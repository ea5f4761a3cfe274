// Backends at run time: servers, their state and counters, the pending queue,
// and slot assignment through the balancers.

export { RuntimeBackend } from './backend.ts';
export type { BackendTimeouts, RetryDecision, PersistRule } from './backend.ts';
export { RuntimeServer } from './server.ts';
export type { AdminState } from './server.ts';
export { QueueNode } from './queue.ts';
export type { Waiter, AssignFailure } from './queue.ts';
export { LiveCount } from './live-count.ts';
export { backendCells, type BackendShareSpec } from './backend-share.ts';
