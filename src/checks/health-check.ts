// A server's health checks wired to the real world: ServerHealth's rules
// with Node's timers and sockets. This is what the proxy engine creates, one
// per server with `check` or `agent-check`.

import { ServerHealth, type CheckTarget, type HealthDeps, type HealthEvents, type HealthSettings } from './health.ts';
import { runScript } from './runner.ts';
import { systemClock } from './system-clock.ts';

export type HealthCheckOptions = Partial<HealthDeps>;

export class HealthCheck extends ServerHealth {
  constructor(target: CheckTarget, settings: HealthSettings, events: HealthEvents, options: HealthCheckOptions = {}) {
    super(target, settings, events, {
      ...options,
      clock: options.clock ?? systemClock,
      runner: options.runner ?? runScript,
    });
  }
}
