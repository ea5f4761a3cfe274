// The proxy engine: listeners, frontends, TCP and HTTP sessions.
export { Engine, StartError } from './engine.ts';
export type { EngineOptions } from './engine.ts';
export type { ReloadSummary } from './engine.ts';
export { RuntimeFrontend } from './frontend.ts';
export { ProcessCounters } from './counters.ts';
export type { SessionView } from './session-samples.ts';
export { SNAPSHOT_BYTES, type ErrorSnapshot, type ErrorSnapshots } from './error-snapshots.ts';
export { compileRouting } from './routing.ts';
export type { CompiledRouting, ProxyRules, RoutingRule } from './routing.ts';
export { parseProxyHeader, encodeProxyV1, encodeProxyV2, type ProxyHeader, type ProxyParse } from './proxy-protocol.ts';
