// `show errors [<px>] [request|response]`: the last refused request of each
// frontend and response of each backend, in HAProxy 2.6's layout: a header
// per capture (date, proxies, server, event number, source, where the parser
// stopped), the H1 parser's state there, then the bytes one line at a time
// with non-printable characters escaped as HAProxy's dump_text_line does.

import type { ErrorSnapshot, ErrorSnapshots } from '../proxy/index.ts';
import type { ErrorCaptures } from './thread-sync.ts';
import { SNAPSHOT_BYTES } from '../proxy/index.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** HAProxy's `[%02d/%s/%04d:%02d:%02d:%02d.%03d]` in local time. */
export function bracketDate(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return (
    `[${p2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}]`
  );
}

/** HAProxy's H1 parser states (h1.h) that a refused message can stop in. */
const H1_STATES: Readonly<Record<number, string>> = {
  2: 'MSG_RQMETH',
  4: 'MSG_RQURI',
  6: 'MSG_RQVER',
  7: 'MSG_RQLINE_END',
  10: 'MSG_RPVER',
  12: 'MSG_RPCODE',
  14: 'MSG_RPREASON',
  15: 'MSG_RPLINE_END',
  17: 'MSG_HDR_NAME',
  22: 'MSG_HDR_VAL',
  26: 'MSG_CHUNK_SIZE',
};

/**
 * Where in HAProxy's state machine a parser stopping at `at` would be:
 * which part of the start line, or a header's name or value.
 */
export function h1State(kind: 'request' | 'response', s: ErrorSnapshot): number {
  if (s.phase === 'body') return 26;
  const b = s.bytes;
  const lineEnd = b.indexOf(0x0a);
  if (lineEnd < 0 || s.errorAt <= lineEnd) {
    const sp1 = b.indexOf(0x20);
    const sp2 = sp1 < 0 ? -1 : b.indexOf(0x20, sp1 + 1);
    const cr = b.indexOf(0x0d);
    const stage = sp1 < 0 || s.errorAt <= sp1 ? 0 : sp2 < 0 || s.errorAt <= sp2 ? 1 : cr >= 0 && s.errorAt >= cr ? 3 : 2;
    return kind === 'request' ? [2, 4, 6, 7][stage] : [10, 12, 14, 15][stage];
  }
  const lineStart = b.lastIndexOf(0x0a, s.errorAt - 1) + 1;
  const colon = b.indexOf(0x3a, lineStart);
  return colon < 0 || colon >= s.errorAt ? 17 : 22;
}

/** One line of HAProxy's dump_text_line: offset, then the bytes up to and including a LF. */
function dumpLines(bytes: Buffer): string {
  let out = '';
  let ptr = 0;
  let bol = 0;
  while (ptr < bytes.length) {
    let line = `  ${String(ptr).padStart(5, '0')}${ptr === bol ? ' ' : '+'} `;
    let width = line.length;
    // HAProxy stops a line at 80 output characters and continues it with a '+'.
    while (ptr < bytes.length) {
      const c = bytes[ptr];
      let piece: string;
      if (c >= 0x20 && c < 0x7f && c !== 0x5c) piece = String.fromCharCode(c);
      else if (c === 0x09) piece = '\\t';
      else if (c === 0x0a) piece = '\\n';
      else if (c === 0x0d) piece = '\\r';
      else if (c === 0x1b) piece = '\\e';
      else if (c === 0x5c) piece = '\\\\';
      else piece = '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
      if (width + piece.length > 80 - 1) break;
      line += piece;
      width += piece.length;
      ptr++;
      if (c === 0x0a) {
        bol = ptr;
        break;
      }
    }
    out += line + '\n';
  }
  return out;
}

export interface ErrorFilter {
  /** Only the captures of this proxy (or naming it on the other side); undefined for all. */
  iid?: number;
  requests: boolean;
  responses: boolean;
}

/** What showErrors reads of the captures. */
export type Captures = Pick<ErrorSnapshots, 'total' | 'requests' | 'responses'>;

/** One process's captures out of every worker's (nbthread): totals add up, each proxy shows its newest. */
export function mergeErrors(own: Captures, others: readonly ErrorCaptures[]): Captures {
  const requests = new Map(own.requests);
  const responses = new Map(own.responses);
  let total = own.total;
  const newest = (m: Map<string, ErrorSnapshot>, s: ErrorSnapshot): void => {
    const cur = m.get(s.proxy);
    if (cur === undefined || s.when > cur.when) m.set(s.proxy, s);
  };
  for (const o of others) {
    total += o.total;
    for (const s of o.requests) newest(requests, s);
    for (const s of o.responses) newest(responses, s);
  }
  return { total, requests, responses };
}

/** `proxies` in configuration order with their stats ids, as `show stat` numbers them. */
export function showErrors(store: Captures, proxies: ReadonlyArray<{ name: string; iid: number }>, filter: ErrorFilter, now: number): string {
  let out = `Total events captured on ${bracketDate(now)} : ${store.total}\n`;
  const iid = (name: string | null): number => (name === null ? -1 : (proxies.find((p) => p.name === name)?.iid ?? -1));
  const wanted = (p: { name: string; iid: number }, s: ErrorSnapshot): boolean =>
    filter.iid === undefined || filter.iid === p.iid || (s.other !== null && filter.iid === iid(s.other));
  for (const p of proxies) {
    for (const kind of ['request', 'response'] as const) {
      if ((kind === 'request' && !filter.requests) || (kind === 'response' && !filter.responses)) continue;
      const s = (kind === 'request' ? store.requests : store.responses).get(p.name);
      if (s === undefined || !wanted(p, s)) continue;
      out += ` \n${bracketDate(s.when)}`;
      out +=
        kind === 'request'
          ? ` frontend ${p.name} (#${p.iid}): invalid request\n  backend ${s.other ?? '<NONE>'} (#${iid(s.other)})`
          : ` backend ${p.name} (#${p.iid}): invalid response\n  frontend ${s.other ?? '<NONE>'} (#${iid(s.other)})`;
      const state = h1State(kind, s);
      out +=
        `, server ${s.server ?? '<NONE>'} (#${s.serverId}), event #${s.eventId}, src ${s.src}:${s.srcPort}\n` +
        `  buffer starts at 0 (including 0 out), ${SNAPSHOT_BYTES - s.bytes.length} free,\n` +
        // HAProxy's buffer wraps 48 bytes before its end (room kept for the HTX header).
        `  len ${s.bytes.length}, wraps at ${SNAPSHOT_BYTES - 48}, error at position ${s.errorAt}\n` +
        `  H1 connection flags 0x00000100, H1 stream flags 0x00000810\n` +
        `  H1 msg state ${H1_STATES[state]}(${state}), H1 msg flags 0x00001400\n` +
        `  H1 chunk len 0 bytes, H1 body len 0 bytes :\n` +
        '  \n' +
        dumpLines(s.bytes);
    }
  }
  return out;
}
