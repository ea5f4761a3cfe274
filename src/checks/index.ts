// Health checks with HAProxy 2.6's semantics: the public surface of src/checks.
//
// One HealthCheck per server with `check` and/or `agent-check`:
//
//   const settings = healthSettings(backendConfig, serverConfig);
//   if (settings) {
//     const hc = new HealthCheck({ backend: 'app', server: 'app1', host, port }, settings, {
//       onTransition(up, result) {
//         log(transitionMessage({ backend: 'app', server: 'app1', up, result, activeServers, backupServers }));
//       },
//       onCheck(report) { if (logHealthChecks && report.changed) log(checkLogMessage(target, report)); },
//       onAgent(cmd) { if (cmd.weightPercent !== undefined) server.weight = agentWeight(server.configuredWeight, cmd.weightPercent); },
//     }, { initialDelay: startOffset(position, count, minInter), spreadPercent: global.spreadChecks });
//     hc.start();   // ... hc.stop() on shutdown
//   }
//
// Servers start UP (HAProxy's rule) and the first failed check marks them
// DOWN; `fall` failures from fully UP, `rise` successes from DOWN. The agent
// applies its health words here ("down" marks DOWN); weight, drain, maint and
// maxconn are the caller's to apply (onAgent); setMaintenance(true) pauses
// the health check (agent "maint", `disabled`, the runtime API). Check
// types: plain TCP, httpchk (+ http-check send/expect), tcp-check rules,
// mysql-check, pgsql-check, redis-check, smtpchk, ssl-hello-chk, and the
// agent check. Results carry HAProxy's status codes (L4OK, L4CON, L7STS...)
// and info texts, so logs and stats read like HAProxy's.
//
// The parts: status.ts (status table), script.ts (the pure check engine),
// tcp.ts / http.ts / tcp-check.ts / mysql.ts / pgsql.ts / redis.ts / smtp.ts
// / ssl-hello.ts / agent.ts (one check type each), health.ts (the pure
// counters and scheduling), runner.ts (sockets), health-check.ts (wiring),
// messages.ts (log wording), settings.ts (defaults from the config model).

export type { AgentCommand, CheckOutcome, CheckResult, CheckStatus } from './status.ts';
export { statusDescription, statusOutcome } from './status.ts';
export type {
  AgentSettings,
  CheckReport,
  CheckRunner,
  CheckSettings,
  CheckSource,
  CheckTarget,
  CheckTiming,
  Clock,
  Endpoint,
  HealthDeps,
  HealthEvents,
  HealthSettings,
} from './health.ts';
export { ServerHealth, startOffset } from './health.ts';
export { HealthCheck, type HealthCheckOptions } from './health-check.ts';
export { healthSettings, DEFAULT_FALL, DEFAULT_INTER, DEFAULT_RISE, type BackendCheckConfig } from './settings.ts';
export { agentWeight, parseAgentReply } from './agent.ts';
export { asciiEncode, checkLogMessage, noServerMessage, transitionMessage, type TransitionFacts } from './messages.ts';
export { scriptFor } from './protocols.ts';
export { runScript } from './runner.ts';
export type { Script } from './script.ts';
export { CheckError, type CheckErrorCode } from './error.ts';
