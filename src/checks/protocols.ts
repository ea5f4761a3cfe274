// From a backend's check protocol (config model) to the script that runs it.

import type { CheckProtocol } from '../config/model.ts';
import { httpScript } from './http.ts';
import { mysqlScript } from './mysql.ts';
import { pgsqlScript } from './pgsql.ts';
import { redisScript } from './redis.ts';
import type { Script } from './script.ts';
import { smtpScript } from './smtp.ts';
import { sslHelloScript } from './ssl-hello.ts';
import { tcpCheckScript } from './tcp-check.ts';
import { tcpScript } from './tcp.ts';

export function scriptFor(protocol: CheckProtocol): Script {
  switch (protocol.kind) {
    case 'tcp':
      return tcpScript();
    case 'http':
      return httpScript(protocol, protocol.expect);
    case 'tcp-check':
      return tcpCheckScript(protocol.rules);
    case 'mysql':
      return mysqlScript(protocol.user, protocol.post41);
    case 'pgsql':
      return pgsqlScript(protocol.user);
    case 'redis':
      return redisScript();
    case 'smtp':
      return smtpScript(protocol.verb, protocol.domain);
    case 'ssl-hello':
      return sslHelloScript();
  }
}
