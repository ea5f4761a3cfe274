// How many workers a configuration gets (pure). `nbthread N` asks for N;
// without it, the number of cores (`defaultThreads`, which the caller reads
// from os.availableParallelism(), as HAProxy defaults to the CPUs it may
// use). Stick tables are shared across threads (stick-sync.ts), except those
// that `peers` replicate: the peers protocol sends what the main thread
// wrote, not what the other threads did, so the other nodes would miss
// their share. A configuration with such tables runs one thread, and says
// so when the threads were asked for.

export interface ThreadPlan {
  readonly threads: number;
  /** Why fewer threads than asked (logged at warning), or null. */
  readonly warning: string | null;
}

/** `replicatedTables`: how many stick tables a `peers` section replicates. */
export function planThreads(requested: number | undefined, replicatedTables: number, defaultThreads = 1): ThreadPlan {
  const n = requested ?? Math.max(1, defaultThreads);
  if (n <= 1) return { threads: 1, warning: null };
  if (replicatedTables > 0) {
    if (requested === undefined) return { threads: 1, warning: null };
    return {
      threads: 1,
      warning: `nbthread ${n}: running 1 thread, as stick tables replicated by peers (${replicatedTables}) are not shared across threads yet`,
    };
  }
  return { threads: n, warning: null };
}
