// From the configuration model to check settings, with HAProxy's defaults:
// inter 2s, rise 2, fall 3, agent-inter 2s, the backend's `timeout connect`
// and `timeout check`, and `option tcp-check`-less servers checked by a
// plain TCP connection.

import type { CheckProtocol, ServerParams, Timeouts } from '../config/model.ts';
import type { HealthSettings } from './health.ts';

export const DEFAULT_INTER = 2000;
export const DEFAULT_RISE = 2;
export const DEFAULT_FALL = 3;

/** What of a backend the checks use. */
export interface BackendCheckConfig {
  check?: CheckProtocol;
  timeouts: Pick<Timeouts, 'connect' | 'check'>;
}

/**
 * The health settings of one server (its own keywords already merged with
 * `default-server`), or undefined when it has neither `check` nor `agent-check`.
 */
export function healthSettings(backend: BackendCheckConfig, server: ServerParams): HealthSettings | undefined {
  const settings: HealthSettings = {};
  const inter = server.inter ?? DEFAULT_INTER;
  const timeoutConnect = backend.timeouts.connect;
  const timeoutCheck = backend.timeouts.check || undefined;
  if (server.check) {
    settings.check = {
      protocol: backend.check ?? { kind: 'tcp' },
      inter,
      fastinter: server.fastinter,
      downinter: server.downinter,
      rise: server.rise ?? DEFAULT_RISE,
      fall: server.fall ?? DEFAULT_FALL,
      timeoutConnect,
      timeoutCheck,
      checkAddr: server.checkAddr,
      checkPort: server.checkPort,
    };
  }
  if (server.agentCheck && server.agentPort !== undefined) {
    settings.agent = {
      port: server.agentPort,
      addr: server.agentAddr,
      inter: server.agentInter ?? DEFAULT_INTER,
      send: server.agentSend,
      timeoutConnect,
      timeoutCheck,
    };
  }
  return settings.check || settings.agent ? settings : undefined;
}
