// With `nbthread N` > 1 several workers serve the same listeners, each with
// its own frontends, backends and servers (src/threads). The runtime API,
// the stats page and the metrics must still show one process: this is the
// hook through which they ask for it. Null with one worker, so the
// single-worker path is exactly what it was.

import type { HttpReply } from '../rules/index.ts';
import type { ErrorSnapshot, SessionView } from '../proxy/index.ts';

/** One worker's `show errors` captures. */
export interface ErrorCaptures {
  readonly total: number;
  readonly requests: readonly ErrorSnapshot[];
  readonly responses: readonly ErrorSnapshot[];
}

/** What the other workers hold of `show sess` and `show errors`, as of the last collect that asked for it. */
export interface RemoteDetails {
  /** Their sessions, numbered apart from the main thread's. */
  readonly sessions: readonly SessionView[];
  readonly errors: readonly ErrorCaptures[];
}

export const NO_REMOTE_DETAILS: RemoteDetails = { sessions: [], errors: [] };

/** A request for a local service (stats page, metrics), as a worker hands it to the main thread. */
export interface ServiceRequest {
  /** 'stats' or a `use-service` name. */
  readonly name: string;
  readonly method: string;
  readonly target: string;
  /** The Authorization value, scheme lower-cased ('' when absent). */
  readonly authorization: string;
  readonly body: Uint8Array;
  /** `stats admin` conditions are evaluated where the client is: by the worker. */
  readonly admin: boolean;
}

export interface ThreadSync {
  /** Fold the other workers' counters in (before an answer is computed); `details`: their sessions and error captures too. */
  collect(details?: boolean): Promise<void>;
  /** The other workers' sessions and error captures, as of the last collect(true). */
  details(): RemoteDetails;
  /** Run `read` synchronously with the other workers' gauges (current sessions...) added. */
  withRemote<T>(read: () => T): T;
  /** Hand state changes (server admin state, weight, health, maxconn) to the other workers; resolves once applied. */
  publish(): Promise<void>;
  /** In the extra workers: local services are answered by the main thread, which holds the one view. */
  readonly forward: ((frontend: string, req: ServiceRequest) => Promise<HttpReply>) | null;
}
