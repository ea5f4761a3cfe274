// The last invalid request of each frontend and the last invalid response of
// each backend, kept as HAProxy keeps them for `show errors`: when, who sent
// it, where the parser stopped, and a copy of the bytes (at most one buffer,
// tune.bufsize). Captured only when a message is refused, so the hot path
// pays nothing; a reload keeps them (they live with the process counters).

/** HAProxy's default tune.bufsize: the most of a message a snapshot keeps. */
export const SNAPSHOT_BYTES = 16384;

export interface ErrorSnapshot {
  /** Epoch ms. */
  readonly when: number;
  /** Process-wide event number, from 0 (HAProxy's error_snapshot_id). */
  readonly eventId: number;
  /** The frontend (request) or backend (response) it is filed under. */
  readonly proxy: string;
  /** The backend a request was going to, or the frontend a response was for; null when none yet. */
  readonly other: string | null;
  readonly server: string | null;
  /** The server's id (`id` or its position), -1 when none. */
  readonly serverId: number;
  readonly src: string;
  readonly srcPort: number;
  readonly bytes: Buffer;
  /** Offset in `bytes` where the parser gave up. */
  readonly errorAt: number;
  /** Whether the head or a chunked body was being parsed. */
  readonly phase: 'head' | 'body';
}

export interface CaptureInput {
  bytes: Buffer;
  errorAt: number;
  phase: 'head' | 'body';
  src: string;
  srcPort: number;
  other: string | null;
  server: string | null;
  serverId: number;
}

export class ErrorSnapshots {
  readonly requests = new Map<string, ErrorSnapshot>();
  readonly responses = new Map<string, ErrorSnapshot>();
  /** Errors captured since the start (the next event number). */
  total = 0;

  capture(kind: 'request' | 'response', proxy: string, input: CaptureInput, now: number): void {
    const len = Math.min(input.bytes.length, SNAPSHOT_BYTES);
    const snap: ErrorSnapshot = {
      when: now,
      eventId: this.total++,
      proxy,
      other: input.other,
      server: input.server,
      serverId: input.serverId,
      src: input.src,
      srcPort: input.srcPort,
      // A copy: the buffer the session holds is reused or released.
      bytes: Buffer.from(input.bytes.subarray(0, len)),
      errorAt: Math.min(Math.max(0, input.errorAt), len),
      phase: input.phase,
    };
    (kind === 'request' ? this.requests : this.responses).set(proxy, snap);
  }
}
