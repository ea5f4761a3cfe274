// Server state across `nbthread` workers (pure: no I/O). The main thread
// owns health checks and the runtime API; what they decide (admin state,
// weight, check result, address, maxconn, resolution maintenance) is copied to the other workers'
// servers so every worker balances over the same servers.

import type { AdminState, RuntimeBackend } from '../backend/index.ts';
import type { CounterSource } from './counter-sync.ts';

/** One server's state: admin, weight, check up, host, maxconn, port, in maintenance for resolution. */
export type ServerState = [AdminState, number, boolean, string, number, number, boolean];

export interface StateSnapshot {
  readonly servers: Record<string, ServerState>;
  readonly frontendMaxconn: Record<string, number>;
  readonly maxconn: number;
}

export function stateSnapshot(src: CounterSource): StateSnapshot {
  const servers: Record<string, ServerState> = {};
  for (const be of src.backends.values()) {
    for (const s of be.servers) servers[`${be.name}/${s.name}`] = [s.admin, s.weight, s.checkUp, s.host, s.maxconn, s.port, s.resolutionMaint];
  }
  const frontendMaxconn: Record<string, number> = {};
  for (const fe of src.frontends.values()) frontendMaxconn[fe.name] = fe.maxconn;
  return { servers, frontendMaxconn, maxconn: src.counters.maxconn };
}

/** Applies a snapshot; backends whose servers changed rebuild their balancer. Returns how many servers changed. */
export function applyState(dst: CounterSource, snap: StateSnapshot): number {
  let changed = 0;
  for (const be of dst.backends.values()) {
    if (applyBackend(be, snap) > 0) {
      changed++;
      be.serversChanged();
    }
  }
  for (const fe of dst.frontends.values()) {
    const m = snap.frontendMaxconn[fe.name];
    if (m !== undefined) fe.maxconn = m;
  }
  dst.counters.maxconn = snap.maxconn;
  return changed;
}

function applyBackend(be: RuntimeBackend, snap: StateSnapshot): number {
  let n = 0;
  for (const s of be.servers) {
    const st = snap.servers[`${be.name}/${s.name}`];
    if (st === undefined) continue;
    if (s.admin === st[0] && s.weight === st[1] && s.checkUp === st[2] && s.host === st[3] && s.maxconn === st[4] && s.port === st[5] && s.resolutionMaint === st[6]) continue;
    s.admin = st[0];
    s.weight = st[1];
    s.checkUp = st[2];
    s.host = st[3];
    s.maxconn = st[4];
    s.port = st[5];
    s.resolutionMaint = st[6];
    s.refreshUsable();
    n++;
  }
  return n;
}

/** A cheap fingerprint: the main thread publishes only when it changed. */
export function stateKey(snap: StateSnapshot): string {
  return JSON.stringify(snap);
}
