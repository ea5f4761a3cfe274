// `nbthread`: several workers serving the same listeners as one process
// (see pool.ts for how, and what stays per worker).
export { WorkerPool, type PoolOptions } from './pool.ts';
export { CounterReporter, addTotals, withGauges, sumGauges, type CounterReport, type CounterSource, type Gauges, type Totals } from './counter-sync.ts';
export { applyState, stateSnapshot, stateKey, type ServerState, type StateSnapshot } from './server-sync.ts';
export { sharedBindsOnly } from './worker-binds.ts';
export { planThreads, type ThreadPlan } from './plan.ts';
export { StickShare, fullBatch, threadNode, type StickBatch } from './stick-sync.ts';
export { CellAllocator, attachCells, type CellLayout, type Wakes } from './shared-cells.ts';
