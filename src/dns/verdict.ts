// What a resolution means for one server (HAProxy 2.6's snr_resolution_cb
// and snr_update_srv_status): a valid answer keeps the server's address when
// it is still in the answer, else moves it to the first address given; an
// answer with no address, or an error that lasted longer than its `hold`
// period since the last valid answer, puts the server in maintenance
// ("MAINT (resolution)"); a valid answer takes it out again. Pure.

import type { ResolutionStatus } from './resolution.ts';

export interface Holds {
  valid: number;
  nx: number;
  refused: number;
  timeout: number;
  other: number;
  obsolete: number;
}

export interface ServerView {
  /** The address in use; '' when it has none (init-addr none, or taken away by a failed resolution). */
  address: string;
  /** In maintenance because of resolution (HAProxy's RMAINT). */
  resolutionMaint: boolean;
}

export type Verdict =
  | { kind: 'keep' }
  | { kind: 'address'; address: string; leaveMaint: boolean }
  | { kind: 'ready' }
  | { kind: 'maint'; cause: string };

const KEEP: Verdict = { kind: 'keep' };

/** HAProxy's causes, as they appear in "is going DOWN for maintenance (CAUSE)". */
const CAUSES: Readonly<Record<Exclude<ResolutionStatus, 'none' | 'valid'>, string>> = {
  nx: 'DNS NX status',
  timeout: 'DNS timeout status',
  refused: 'DNS refused status',
  other: 'unspecified DNS error',
};

export function verdict(
  status: ResolutionStatus,
  addresses: readonly string[],
  lastValid: number,
  holds: Holds,
  server: ServerView,
  now: number,
): Verdict {
  if (status === 'none') return KEEP;
  if (status === 'valid') {
    if (addresses.length === 0) return server.resolutionMaint ? KEEP : { kind: 'maint', cause: 'No IP for server ' };
    if (server.address !== '' && addresses.includes(server.address)) return server.resolutionMaint ? { kind: 'ready' } : KEEP;
    return { kind: 'address', address: addresses[0]!, leaveMaint: server.resolutionMaint };
  }
  if (server.resolutionMaint || now < lastValid + holds[status]) return KEEP;
  return { kind: 'maint', cause: CAUSES[status] };
}
