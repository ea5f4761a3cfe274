// `show sess [<id>|all]`: the sessions in progress, one line each in HAProxy
// 2.6's layout (`0x<id>: proto=... src=... fe=... be=... srv=... age=...`),
// or the detailed block for one session (or all). HAProxy prints its
// stream's address as the id; Hawser prints the session's number the same
// way, and `show sess 0x2a` finds it. Internal flags, buffer states and file
// descriptors are HAProxy's internals: they read 0 / -1.

import { hostPort } from '../config/index.ts';
import type { SessionView } from '../proxy/index.ts';
import { bracketDate } from './show-errors.ts';

/** A CLI connection, listed like HAProxy lists its own (fe=GLOBAL). */
export interface CliView {
  readonly id: number;
  readonly since: number;
  /** `unix` or the client's address. */
  readonly src: string;
  readonly srcPort: number;
}

/** HAProxy's human_time: at most two units among d, h, m, s; "0s" for nothing. */
export function humanTime(seconds: number): string {
  let t = Math.max(0, Math.floor(seconds));
  let out = '';
  let cnt = 2;
  if (t >= 86400) {
    out += `${Math.floor(t / 86400)}d`;
    cnt--;
  }
  t %= 86400;
  if (cnt > 0 && Math.floor(t / 3600) > 0) {
    out += `${Math.floor(t / 3600)}h`;
    cnt--;
  }
  t %= 3600;
  if (cnt > 0 && Math.floor(t / 60) > 0) {
    out += `${Math.floor(t / 60)}m`;
    cnt--;
  }
  if ((cnt > 0 && t % 60 > 0) || out === '') out += `${t % 60}s`;
  return out;
}

function hexId(id: number): string {
  return '0x' + id.toString(16);
}

function proto(addr: string): string {
  return addr === 'unix' ? 'unix_stream' : addr.includes(':') ? 'tcpv6' : 'tcpv4';
}

function src(addr: string, port: number): string {
  return addr === 'unix' ? `unix:${port}` : hostPort(addr, port);
}

const TAIL = 'ts=00 epoch=0x0';
const BUFFERS = 'calls=0 rate=0 cpu=0 lat=0 rq[f=0h,i=0,an=00h,rx=,wx=,ax=] rp[f=0h,i=0,an=00h,rx=,wx=,ax=] scf=[8,0h,fd=-1] scb=[8,0h,fd=-1] exp=<NEVER> rc=0 c_exp=';

export function sessionLine(s: SessionView, now: number): string {
  return (
    `${hexId(s.id)}: proto=${proto(s.src)} src=${src(s.src, s.srcPort)} fe=${s.frontend} be=${s.backend ?? '<NONE>'} srv=${s.server ?? '<none>'} ` +
    `${TAIL} age=${humanTime((now - s.since) / 1000)} ${BUFFERS}\n`
  );
}

export function cliLine(c: CliView, now: number): string {
  return `${hexId(c.id)}: proto=${proto(c.src)} src=${src(c.src, c.srcPort)} fe=GLOBAL be=<NONE> srv=<none> ${TAIL} age=${humanTime((now - c.since) / 1000)} ${BUFFERS}\n`;
}

/** HAProxy's detailed dump, the lines that mean something here. */
export function sessionDetail(s: SessionView, ids: { frontend: number; backend: number; server: number }, now: number): string {
  return (
    `${hexId(s.id)}: ${bracketDate(s.since)} id=${s.id} proto=${proto(s.src)} source=${src(s.src, s.srcPort)}\n` +
    `  flags=0x0, conn_retries=0, conn_exp=<NEVER> conn_et=0x000 srv_conn=(nil), pend_pos=(nil) waiting=0 epoch=0x0\n` +
    `  frontend=${s.frontend} (id=${ids.frontend} mode=${s.mode}), listener=? (id=1) addr=${src(s.dst, s.dstPort)}\n` +
    (s.backend === null ? '  backend=<NONE> (id=-1 mode=-)\n' : `  backend=${s.backend} (id=${ids.backend} mode=${s.mode})\n`) +
    (s.server === null ? '  server=<NONE> (id=-1)\n' : `  server=${s.server} (id=${ids.server})\n`) +
    `  task=(nil) (state=0x00 nice=0 calls=0 rate=0 exp=<NEVER> tmask=0x1 age=${humanTime((now - s.since) / 1000)})\n` +
    `  req=(nil) (f=0x0 an=0x0 pipe=0 tofwd=0 total=${s.bytesIn})\n` +
    `  res=(nil) (f=0x0 an=0x0 pipe=0 tofwd=0 total=${s.bytesOut})\n`
  );
}

/** Parses `show sess`'s argument as HAProxy's strtoul(..., 0) does: 0x.. hex, 0.. octal, else decimal. */
export function parseSessionId(arg: string): number {
  const m = /^\s*(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(arg);
  if (m === null) return 0;
  const t = m[1];
  if (/^0[xX]/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (t.length > 1 && t.startsWith('0')) return Number.parseInt(t, 8);
  return Number.parseInt(t, 10);
}
