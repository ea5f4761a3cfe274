// The live counts `nbthread` workers share (pure: no I/O). One
// SharedArrayBuffer of Int32 cells serves the process: the main thread
// gives every frontend, backend and server of its configuration its cells
// (a CellLayout, by name) and every worker binds its twins of those objects
// to the same cells. A reload builds new objects, which get new cells: the
// sessions still running on the old ones give their slots back to the old
// cells, as they give them back to the old objects with one thread.
//
// What is shared: current sessions of the process (global maxconn), of each
// frontend (maxconn), backend and server (maxconn), requests bound to a
// server (maxqueue), and each backend's queue and pick order (see
// src/backend/backend-share.ts). Totals (cumulated counters) are not: the
// main thread sums them when it answers (counter-sync.ts).

import { backendCells, type BackendShareSpec } from '../backend/index.ts';
import type { CounterSource } from './counter-sync.ts';

/** Cells of the process-wide counts; they live as long as the process. */
const PROCESS_LIVE = 0;
const PROCESS_HELD = 1;
const FIRST_FREE = 2;
/** 4 MiB: tens of thousands of servers over many reloads. */
const DEFAULT_CELLS = 1 << 20;

/** Where each object's cells start: 'f/FE', 'b/BE' (live), 'q/BE' (queue and picks), 's/BE/SRV' and 'sq/BE/SRV' (live, bound). */
export type CellLayout = Record<string, number>;

export class CellAllocator {
  readonly buffer: SharedArrayBuffer;
  readonly cells: Int32Array;
  readonly threads: number;
  #next = FIRST_FREE;

  constructor(threads: number, size = DEFAULT_CELLS) {
    this.threads = threads;
    this.buffer = new SharedArrayBuffer(size * 4);
    this.cells = new Int32Array(this.buffer);
  }

  /**
   * Cells for every object of `src`: those already shared keep theirs.
   * Objects past the end of the buffer get none (-1) and stay per thread.
   */
  layout(src: CounterSource): CellLayout {
    const out: CellLayout = {};
    const take = (key: string, n: number, current: number): void => {
      if (current >= 0) out[key] = current;
      else if (this.#next + n <= this.cells.length) {
        out[key] = this.#next;
        this.#next += n;
      } else out[key] = -1;
    };
    for (const fe of src.frontends.values()) take(`f/${fe.name}`, 1, fe.live.slot);
    for (const be of src.backends.values()) {
      take(`b/${be.name}`, 1, be.live.slot);
      take(`q/${be.name}`, backendCells(this.threads), be.share?.spec.base ?? -1);
      for (const s of be.servers) {
        take(`s/${be.name}/${s.name}`, 1, s.live.slot);
        take(`sq/${be.name}/${s.name}`, 1, s.bound.slot);
      }
    }
    return out;
  }
}

/** How a thread wakes the others (wake-channel.ts). */
export interface Wakes {
  backend(to: number, backend: string): void;
  held(): void;
}


/** Binds `src`'s objects to their cells (the main thread first, then each worker, after each start and reload). */
export function attachCells(src: CounterSource, cells: Int32Array, layout: CellLayout, thread: number, threads: number, wakes: Wakes): void {
  src.counters.live.share(cells, PROCESS_LIVE);
  src.counters.heldAll.share(cells, PROCESS_HELD);
  src.counters.freed = () => wakes.held();
  const wake: BackendShareSpec['wake'] = (to, backend) => wakes.backend(to, backend);
  const at = (key: string): number => layout[key] ?? -1;
  for (const fe of src.frontends.values()) {
    const i = at(`f/${fe.name}`);
    if (i >= 0) fe.live.share(cells, i);
  }
  for (const be of src.backends.values()) {
    const live = at(`b/${be.name}`);
    const q = at(`q/${be.name}`);
    // A backend shares all or nothing: its servers' counts go with its queue.
    if (live < 0 || q < 0 || be.servers.some((s) => at(`s/${be.name}/${s.name}`) < 0 || at(`sq/${be.name}/${s.name}`) < 0)) continue;
    for (const s of be.servers) {
      s.live.share(cells, at(`s/${be.name}/${s.name}`));
      s.bound.share(cells, at(`sq/${be.name}/${s.name}`));
    }
    be.shareThreads({ cells, base: q, thread, threads, wake }, live);
  }
}
