// `option pgsql-check user U`: send a protocol 3.0 StartupMessage for U and
// read the first answer. An ErrorResponse ('E') is "Layer7 invalid
// response" with its severity as info (e.g. pg_hba.conf rejects the user);
// an Authentication request ('R': OK, Kerberos, cleartext, crypt, MD5, SCM,
// GSS, SSPI or SASL/SCRAM) passes ("PostgreSQL server is ok"): the server is
// up and talks PostgreSQL, which is all HAProxy asks. The accepted set is
// haproxy 2.6.12's (2.6.0 refused SASL), checked against a real server.

import { makeScript, type Script } from './script.ts';
import { expectRule } from './tcp-check.ts';

/** The StartupMessage: length, version 3.0, "user" U, and the final NUL. */
export function startupMessage(user: string): Buffer {
  const name = Buffer.from(user, 'utf8');
  const len = 4 + 4 + 5 + name.length + 1 + 1;
  const msg = Buffer.alloc(len);
  msg.writeUInt32BE(len, 0);
  msg.writeUInt32BE(0x00030000, 4);
  msg.write('user\0', 8, 'latin1');
  name.copy(msg, 13);
  return msg;
}

export function pgsqlScript(user: string): Script {
  return makeScript([
    { kind: 'connect', id: 1, implicit: false, ssl: false, sendProxy: false },
    { kind: 'send', id: 2, data: startupMessage(user) },
    expectRule({
      id: 3, match: 'rstring', pattern: '^E', negate: true, minRecv: 5, errorStatus: 'L7RSP', verbose: false,
      // After 'E', the length and the first field's type: the severity, up to its NUL.
      onError: (input) => input.toString('latin1', Math.min(6, input.length)),
    }),
    expectRule({
      id: 4, match: 'rbinary', pattern: '^52000000[A-Z0-9]{2}000000(00|02|03|04|05|06|07|09|0A)', minRecv: 9,
      errorStatus: 'L7STS', verbose: false,
      onSuccess: () => 'PostgreSQL server is ok',
      onError: () => 'PostgreSQL unknown error',
    }),
  ], false);
}
