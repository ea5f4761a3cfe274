// `option mysql-check [user U [post-41|pre-41]]`: read the server's
// handshake packet; with a user, also send a client authentication packet
// for that user (no password) followed by COM_QUIT, and expect the packet
// after the handshake not to be an error. An error packet (0xff) is "Layer7
// wrong status" with the MySQL error number as code and the message as info;
// success reports the server version from the handshake
// ("Layer7 check passed, code: 0, info: "10.11.6-MariaDB-0+deb12u1"").
// The user must exist with no password (HAProxy's documented requirement).

import { makeScript, PASS, WAIT, end, type ExpectStep, type Script, type Step, type Verdict } from './script.ts';

const CLIENT_PROTOCOL_41 = 0x0200;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CHARSET_UTF8_GENERAL_CI = 0x21;
const COM_QUIT = Buffer.from([0x01, 0x00, 0x00, 0x00, 0x01]);

/** The authentication packet (sequence 1) for `user` with an empty password, then COM_QUIT. */
export function authPacket(user: string, post41 = true): Buffer {
  const name = Buffer.from(user, 'utf8');
  const bodyLen = post41 ? 4 + 4 + 1 + 23 + name.length + 1 + 1 : 2 + 3 + name.length + 1 + 1;
  const out = Buffer.alloc(4 + bodyLen + COM_QUIT.length);
  out.writeUIntLE(bodyLen, 0, 3);
  out[3] = 1;
  let o = 4;
  if (post41) {
    out.writeUInt32LE(CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION, o); o += 4;
    out.writeUInt32LE(0x01008000, o); o += 4; // max packet size
    out[o++] = CHARSET_UTF8_GENERAL_CI;
    o += 23; // reserved, zero
  } else {
    out.writeUInt16LE(CLIENT_SECURE_CONNECTION, o); o += 2;
    out.writeUIntLE(0x010000, o, 3); o += 3; // max packet size
  }
  name.copy(out, o); o += name.length;
  out[o++] = 0; // end of user name
  out[o++] = 0; // empty auth response
  COM_QUIT.copy(out, o);
  return out;
}

/** The NUL-terminated server version that follows the protocol byte of the handshake. */
function serverVersion(input: Buffer): string {
  if (input.length <= 5) return '';
  const nul = input.indexOf(0, 5);
  return input.toString('latin1', 5, nul < 0 ? input.length : nul);
}

/**
 * Judges the packet at `offsetOf(input)`: wait until whole, fail on an
 * error packet, pass otherwise; as the last step, pass with the version.
 */
function packetStep(id: number, last: boolean, offsetOf: (input: Buffer) => number): ExpectStep {
  return {
    kind: 'expect', id, okStatus: 'L7OK', timeoutStatus: 'L7TOUT', errorStatus: 'L7RSP', describe: ' (expect custom function)', http: false,
    evaluate(input: Buffer, lastRead: boolean): Verdict {
      const offset = offsetOf(input);
      if (input.length < offset + 4) return lastRead ? end('L7RSP', '') : WAIT;
      const plen = input.readUIntLE(offset, 3);
      if (input.length < offset + 4 + plen) return lastRead ? end('L7RSP', '') : WAIT;
      if (input[offset + 4] === 0xff) {
        const errno = input.length >= offset + 7 ? input.readUInt16LE(offset + 5) : 0;
        return end('L7STS', input.toString('latin1', Math.min(offset + 7, input.length)), errno);
      }
      return last ? end('L7OK', serverVersion(input)) : PASS;
    },
  };
}

export function mysqlScript(user?: string, post41 = true): Script {
  const steps: Step[] = [{ kind: 'connect', id: 1, implicit: false, ssl: false, sendProxy: false }];
  if (user === undefined) {
    steps.push(packetStep(2, true, () => 0));
  } else {
    steps.push({ kind: 'send', id: 2, data: authPacket(user, post41) });
    steps.push(packetStep(3, false, () => 0));
    steps.push(packetStep(4, true, (input) => 4 + input.readUIntLE(0, 3)));
  }
  return makeScript(steps, false);
}
