// What the main thread and the extra `nbthread` workers say to each other
// (structured-cloned over the worker's message port). Every request carries
// an id its answer repeats.

import type { Config } from '../config/index.ts';
import type { HttpReply } from '../rules/index.ts';
import type { RemoteDetails, ServiceRequest } from '../runtime/index.ts';
import type { CounterReport } from './counter-sync.ts';
import type { StateSnapshot } from './server-sync.ts';
import type { StickBatch } from './stick-sync.ts';
import type { CellLayout } from './shared-cells.ts';

/** The counts every thread shares (shared-cells.ts) and how they wake each other (wake-channel.ts). */
export interface ThreadShared {
  readonly buffer: SharedArrayBuffer;
  readonly threads: number;
  /** The BroadcastChannel's name, unique to this pool. */
  readonly channel: string;
}

/** Given to each worker at its start (as workerData). */
export interface WorkerStart {
  /** The `thread` sample fetch reads this (1..nbthread-1; the main thread is 0). */
  readonly hawserThread: number;
  readonly config: Config;
  readonly state: StateSnapshot;
  readonly log: { debug: boolean; quiet: boolean; nodeName: string };
  readonly shared: ThreadShared;
  readonly layout: CellLayout;
  /** The main thread's TLS ticket keys by bind: a ticket made by one thread resumes in any. */
  readonly ticketKeys: ReadonlyMap<string, Uint8Array>;
}

export type ToWorker =
  | { readonly t: 'collect'; readonly id: number; readonly details: boolean }
  | { readonly t: 'state'; readonly id: number; readonly state: StateSnapshot }
  | { readonly t: 'reload'; readonly id: number; readonly config: Config; readonly state: StateSnapshot; readonly layout: CellLayout; readonly ticketKeys: ReadonlyMap<string, Uint8Array> }
  | { readonly t: 'stop'; readonly id: number; readonly graceful: boolean; readonly hardStopAfter: number }
  | { readonly t: 'served'; readonly id: number; readonly reply: HttpReply | null }
  | { readonly t: 'stick'; readonly batch: StickBatch };

export type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'failed'; readonly problems: string[] }
  | { readonly t: 'counters'; readonly id: number; readonly report: CounterReport; readonly details: RemoteDetails | null }
  | { readonly t: 'done'; readonly id: number; readonly problems: string[] }
  | { readonly t: 'serve'; readonly id: number; readonly frontend: string; readonly req: ServiceRequest }
  | { readonly t: 'stick'; readonly batch: StickBatch };
