// `option ssl-hello-chk`: send a forged SSLv3 ClientHello (the SSL stack is
// not involved, as in HAProxy) and pass if the first record that comes back
// is a handshake (0x16) or an alert (0x15): either way the server speaks
// SSL/TLS. Modern servers answer an SSLv3 hello with a protocol_version
// alert, which passes too ("Layer6 check passed").

import { makeScript, type RunContext, type Script } from './script.ts';
import { expectRule } from './tcp-check.ts';

/** 28 bytes of "random", fixed so a server's logs show who knocked. */
const RANDOM = Buffer.from('HAWSER-SSL-HELLO-CHECK\nHAWS\n', 'latin1');

/** The 39 most common SSLv3/TLS1.0 suites: 0x0001-0x001B and 0x002F-0x003A. */
const SUITES: number[] = [];
for (let s = 0x01; s <= 0x1b; s++) SUITES.push(s);
for (let s = 0x2f; s <= 0x3a; s++) SUITES.push(s);

/** The ClientHello record, with the hello's gmt_unix_time set to `nowMs`. */
export function clientHello(nowMs: number): Buffer {
  const bodyLen = 2 + 4 + RANDOM.length + 1 + 2 + SUITES.length * 2 + 1 + 1;
  const out = Buffer.alloc(5 + 4 + bodyLen);
  let o = 0;
  out[o++] = 0x16; // handshake record
  out.writeUInt16BE(0x0300, o); o += 2; // SSLv3
  out.writeUInt16BE(4 + bodyLen, o); o += 2;
  out[o++] = 0x01; // ClientHello
  out.writeUIntBE(bodyLen, o, 3); o += 3;
  out.writeUInt16BE(0x0300, o); o += 2;
  out.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, o); o += 4;
  RANDOM.copy(out, o); o += RANDOM.length;
  out[o++] = 0; // no session id
  out.writeUInt16BE(SUITES.length * 2, o); o += 2;
  for (const s of SUITES) { out.writeUInt16BE(s, o); o += 2; }
  out[o++] = 1; // one compression method:
  out[o++] = 0; // null
  return out;
}

export function sslHelloScript(): Script {
  return makeScript([
    { kind: 'connect', id: 0, implicit: true, ssl: false, sendProxy: false },
    { kind: 'send', id: 1, data: (ctx: RunContext) => clientHello(ctx.nowMs) },
    expectRule({
      id: 2, match: 'rbinary', pattern: '^1[56]', minRecv: 5,
      okStatus: 'L6OK', errorStatus: 'L6RSP', timeoutStatus: 'L6TOUT', verbose: false,
    }),
  ], false);
}
