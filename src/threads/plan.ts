// How many workers a configuration gets (pure). `nbthread N` asks for N.
// Stick tables are shared across threads (stick-sync.ts), except those
// that `peers` replicate: the peers protocol sends what the main thread
// wrote, not what the other threads did, so the other nodes would miss
// their share. A configuration with such tables runs one thread and says so.

export interface ThreadPlan {
  readonly threads: number;
  /** Why fewer threads than asked (logged at warning), or null. */
  readonly warning: string | null;
}

/** `replicatedTables`: how many stick tables a `peers` section replicates. */
export function planThreads(requested: number | undefined, replicatedTables: number): ThreadPlan {
  const n = requested ?? 1;
  if (n <= 1) return { threads: 1, warning: null };
  if (replicatedTables > 0) {
    return {
      threads: 1,
      warning: `nbthread ${n}: running 1 thread, as stick tables replicated by peers (${replicatedTables}) are not shared across threads yet`,
    };
  }
  return { threads: n, warning: null };
}
