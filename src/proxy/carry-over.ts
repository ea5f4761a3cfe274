// What a reload keeps: a server that keeps its backend, name and address is
// the same server to the operator, so its health, admin state, weight and
// counters pass to its new runtime object; a frontend or backend that keeps
// its name keeps its counters. Live counts (active sessions, queues) stay
// with the old objects, whose in-flight sessions give them back there.

import type { RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import type { Server as ServerConfig } from '../config/index.ts';
import type { RuntimeFrontend } from './frontend.ts';

/** Carries state from `from` to `to` (same name); returns the number of servers carried. */
export function carryBackend(from: RuntimeBackend, to: RuntimeBackend): number {
  to.cumConns = from.cumConns;
  to.maxActive = from.maxActive;
  to.cumRequests = from.cumRequests;
  to.failedConns = from.failedConns;
  to.failedResp = from.failedResp;
  to.retriesCount = from.retriesCount;
  to.redispatches = from.redispatches;
  to.bytesIn = from.bytesIn;
  to.bytesOut = from.bytesOut;
  for (let i = 0; i < to.responses.length; i++) to.responses[i] = from.responses[i];
  to.lastChange = from.lastChange;
  let n = 0;
  for (const ns of to.servers) {
    const os = from.byName.get(ns.name);
    if (os === undefined || !sameAddress(os.config, ns.config)) continue;
    carryServer(os, ns);
    n++;
  }
  return n;
}

export function carryServer(from: RuntimeServer, to: RuntimeServer): void {
  // Resolved once at start: keep the address the name resolved to.
  to.host = from.host;
  to.family = from.family;
  // Likewise what the resolvers or `set server addr` decided since.
  to.port = from.port;
  to.resolutionMaint = from.resolutionMaint;
  to.checkUp = from.checkUp;
  // A state set at run time survives, unless the file itself changed what it starts from.
  if ((from.config.disabled === true) === (to.config.disabled === true)) to.admin = from.admin;
  if (from.configuredWeight === to.configuredWeight) to.weight = from.weight;
  if ((from.config.maxconn ?? 0) === (to.config.maxconn ?? 0)) to.maxconn = from.maxconn;
  to.cumConns = from.cumConns;
  to.maxActive = from.maxActive;
  to.failedConns = from.failedConns;
  to.failedResp = from.failedResp;
  to.retries = from.retries;
  to.redispatches = from.redispatches;
  to.bytesIn = from.bytesIn;
  to.bytesOut = from.bytesOut;
  to.lastChange = from.lastChange;
  to.downTransitions = from.downTransitions;
  for (let i = 0; i < to.responses.length; i++) to.responses[i] = from.responses[i];
  to.refreshUsable();
}

export function carryFrontend(from: RuntimeFrontend, to: RuntimeFrontend): void {
  to.maxActive = from.maxActive;
  to.cumConns = from.cumConns;
  to.cumRequests = from.cumRequests;
  to.deniedReq = from.deniedReq;
  to.deniedConn = from.deniedConn;
  to.deniedSess = from.deniedSess;
  to.failedReq = from.failedReq;
  to.bytesIn = from.bytesIn;
  to.bytesOut = from.bytesOut;
  for (let i = 0; i < to.responses.length; i++) to.responses[i] = from.responses[i];
}

function sameAddress(a: ServerConfig, b: ServerConfig): boolean {
  const x = a.address;
  const y = b.address;
  if (x.kind !== 'inet' || y.kind !== 'inet') return false;
  return x.host === y.host && x.family === y.family && a.port === b.port;
}
