// A tiny authoritative DNS server on 127.0.0.1 for tests: answers A and
// AAAA queries from a table the test changes while it runs, or answers
// NXDOMAIN / REFUSED, or stays silent (a timeout). It reads and writes the
// wire format with src/dns's codec, whose unit tests check it against bytes
// from other implementations.

import { createSocket } from 'node:dgram';
import type { ExecutionContext } from 'ava';
import { decodeMessage, encodeResponse, RCODE_NOERROR, RCODE_NXDOMAIN, RCODE_REFUSED, TYPE_A, TYPE_AAAA } from '../../src/dns/index.ts';

export type DnsBehaviour = { a?: string[]; aaaa?: string[] } | 'nx' | 'refused' | 'silent';

export interface DnsServer {
  port: number;
  /** What each name (lower case, no trailing dot) answers; unknown names get NXDOMAIN. */
  readonly zone: Map<string, DnsBehaviour>;
  /** Every query received, in order: name and type. */
  readonly queries: Array<{ name: string; type: number; at: number }>;
}

export async function dnsServer(t: ExecutionContext, host = '127.0.0.1'): Promise<DnsServer> {
  const sock = createSocket('udp4');
  const zone = new Map<string, DnsBehaviour>();
  const queries: DnsServer['queries'] = [];
  sock.on('message', (msg, rinfo) => {
    let q;
    try {
      q = decodeMessage(msg);
    } catch {
      return;
    }
    const question = q.questions[0];
    if (question === undefined) return;
    const name = question.name.toLowerCase();
    queries.push({ name, type: question.type, at: Date.now() });
    const b = zone.get(name) ?? 'nx';
    if (b === 'silent') return;
    let reply: Buffer;
    if (b === 'nx') reply = encodeResponse(q, RCODE_NXDOMAIN, []);
    else if (b === 'refused') reply = encodeResponse(q, RCODE_REFUSED, []);
    else {
      const list = question.type === TYPE_A ? (b.a ?? []) : question.type === TYPE_AAAA ? (b.aaaa ?? []) : [];
      reply = encodeResponse(q, RCODE_NOERROR, list.map((data) => ({ name: question.name, type: question.type, ttl: 1, data })));
    }
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, host, () => r()));
  t.teardown(() => new Promise<void>((r) => sock.close(() => r())));
  return { port: sock.address().port, zone, queries };
}
