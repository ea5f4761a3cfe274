// The DNS wire format, as far as a load balancer needs it (RFC 1035, RFC
// 3596 for AAAA, RFC 6891 for the EDNS0 OPT record): build a query for one
// name and one type, read a response's header and answer section, following
// compression pointers. The tests' tiny DNS server uses the same module to
// read queries and build answers. Pure: bytes in, values out.

/** Record types this resolver asks for and understands. */
export const TYPE_A = 1;
export const TYPE_CNAME = 5;
export const TYPE_AAAA = 28;
const TYPE_OPT = 41;
const CLASS_IN = 1;

/** Response codes (RFC 1035 4.1.1). */
export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_REFUSED = 5;

const MAX_NAME = 253;
const MAX_LABEL = 63;
/** Bound on compression pointers followed for one name (a loop is an error, not a hang). */
const MAX_JUMPS = 32;

export interface DnsRecord {
  name: string;
  type: number;
  ttl: number;
  /** An A/AAAA address as text, a CNAME's target; '' for other types. */
  data: string;
}

export interface DnsMessage {
  id: number;
  /** QR bit: true for a response. */
  response: boolean;
  rcode: number;
  /** TC bit: the answer did not fit (this resolver does not retry over TCP). */
  truncated: boolean;
  questions: Array<{ name: string; type: number }>;
  answers: DnsRecord[];
}

/** Why a name cannot go into a query; undefined when it can. */
export function badQueryName(name: string): string | undefined {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.length === 0) return 'empty name';
  if (n.length > MAX_NAME) return `name longer than ${MAX_NAME} characters`;
  for (const label of n.split('.')) {
    if (label.length === 0) return 'empty label';
    if (label.length > MAX_LABEL) return `label longer than ${MAX_LABEL} characters`;
    if (!/^[A-Za-z0-9_-]+$/.test(label)) return `invalid character in label '${label}'`;
  }
  return undefined;
}

function nameBytes(name: string): Buffer {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  for (const label of n.split('.')) {
    parts.push(Buffer.from([label.length]), Buffer.from(label, 'ascii'));
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * A recursive query (RD set) for `name`/`type`. With `payloadSize`, an
 * EDNS0 OPT record announces it, as HAProxy always does with its
 * accepted_payload_size (512 by default); without, the query is the bare
 * one c-ares sends. Throws on a name that cannot be encoded (check with
 * badQueryName first).
 */
export function encodeQuery(id: number, name: string, type: number, payloadSize?: number): Buffer {
  const bad = badQueryName(name);
  if (bad !== undefined) throw new Error(`cannot query '${name}': ${bad}`);
  const edns = payloadSize !== undefined;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id & 0xffff, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(edns ? 1 : 0, 10);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(type, 0);
  q.writeUInt16BE(CLASS_IN, 2);
  const parts = [header, nameBytes(name), q];
  if (edns) {
    // Root name, type OPT, class = payload size, TTL 0 (rcode ext, version, flags), no data.
    const opt = Buffer.alloc(11);
    opt.writeUInt16BE(TYPE_OPT, 1);
    opt.writeUInt16BE(Math.min(payloadSize, 65535), 3);
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

export interface AnswerSpec {
  name: string;
  type: number;
  ttl: number;
  /** IPv4/IPv6 text for A/AAAA, a name for CNAME. */
  data: string;
}

/** A response to `query` (its id and question echoed) with `rcode` and `answers`; used by test servers. */
export function encodeResponse(query: DnsMessage, rcode: number, answers: readonly AnswerSpec[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  // QR, RD, RA and the response code.
  header.writeUInt16BE(0x8180 | (rcode & 0x0f), 2);
  header.writeUInt16BE(query.questions.length, 4);
  header.writeUInt16BE(answers.length, 6);
  const parts: Buffer[] = [header];
  for (const q of query.questions) {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(q.type, 0);
    t.writeUInt16BE(CLASS_IN, 2);
    parts.push(nameBytes(q.name), t);
  }
  for (const a of answers) {
    let data: Buffer;
    if (a.type === TYPE_A) data = Buffer.from(a.data.split('.').map((x) => Number(x)));
    else if (a.type === TYPE_AAAA) data = ipv6Bytes(a.data);
    else data = nameBytes(a.data);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(a.type, 0);
    fixed.writeUInt16BE(CLASS_IN, 2);
    fixed.writeUInt32BE(a.ttl >>> 0, 4);
    fixed.writeUInt16BE(data.length, 8);
    parts.push(nameBytes(a.name), fixed, data);
  }
  return Buffer.concat(parts);
}

function ipv6Bytes(text: string): Buffer {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) b.writeUInt16BE(Number.parseInt(groups[i] ?? '0', 16), i * 2);
  return b;
}

function ipv6Text(b: Buffer, off: number): string {
  const g: string[] = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(off + i * 2).toString(16));
  // Longest run of zero groups (two or more) becomes '::', as RFC 5952 and inet_ntop write it.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return g.join(':');
  return `${g.slice(0, best).join(':')}::${g.slice(best + bestLen).join(':')}`;
}

class Reader {
  readonly buf: Buffer;
  off = 0;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  need(n: number): void {
    if (this.off + n > this.buf.length) throw new RangeError('truncated message');
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.off);
    this.off += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  /** A possibly compressed name starting at the cursor; the cursor moves past its in-place part. */
  name(): string {
    const labels: string[] = [];
    let pos = this.off;
    let jumps = 0;
    let end = -1;
    let length = 0;
    for (;;) {
      if (pos >= this.buf.length) throw new RangeError('truncated name');
      const len = this.buf[pos]!;
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new RangeError('truncated pointer');
        if (++jumps > MAX_JUMPS) throw new RangeError('compression loop');
        if (end < 0) end = pos + 2;
        pos = ((len & 0x3f) << 8) | this.buf[pos + 1]!;
        continue;
      }
      if ((len & 0xc0) !== 0) throw new RangeError('unknown label type');
      if (len === 0) {
        pos++;
        break;
      }
      if (pos + 1 + len > this.buf.length) throw new RangeError('truncated label');
      labels.push(this.buf.toString('latin1', pos + 1, pos + 1 + len));
      length += len + 1;
      if (length > 255) throw new RangeError('name too long');
      pos += 1 + len;
    }
    this.off = end >= 0 ? end : pos;
    return labels.join('.');
  }
}

/** Reads a message (query or response); throws RangeError on malformed bytes. */
export function decodeMessage(buf: Buffer): DnsMessage {
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  const qd = r.u16();
  const an = r.u16();
  r.u16();
  r.u16();
  const questions: DnsMessage['questions'] = [];
  for (let i = 0; i < qd; i++) {
    const name = r.name();
    const type = r.u16();
    r.u16();
    questions.push({ name, type });
  }
  const answers: DnsRecord[] = [];
  for (let i = 0; i < an; i++) {
    const name = r.name();
    const type = r.u16();
    const cls = r.u16();
    const ttl = r.u32();
    const len = r.u16();
    r.need(len);
    const start = r.off;
    let data = '';
    if (cls === CLASS_IN && type === TYPE_A) {
      if (len !== 4) throw new RangeError('bad A record length');
      data = `${buf[start]}.${buf[start + 1]}.${buf[start + 2]}.${buf[start + 3]}`;
    } else if (cls === CLASS_IN && type === TYPE_AAAA) {
      if (len !== 16) throw new RangeError('bad AAAA record length');
      data = ipv6Text(buf, start);
    } else if (type === TYPE_CNAME) {
      data = r.name();
    }
    r.off = start + len;
    answers.push({ name, type, ttl, data });
  }
  return { id, response: (flags & 0x8000) !== 0, rcode: flags & 0x0f, truncated: (flags & 0x0200) !== 0, questions, answers };
}

/**
 * The addresses a response gives for `name` and `type`, following CNAME
 * records inside the answer (bounded by the answer's size), in answer order.
 */
export function addressesFor(msg: DnsMessage, name: string, type: number): string[] {
  let target = name.toLowerCase().replace(/\.$/, '');
  for (let hop = 0; hop <= msg.answers.length; hop++) {
    const cname = msg.answers.find((a) => a.type === TYPE_CNAME && a.name.toLowerCase() === target);
    if (cname === undefined) break;
    target = cname.data.toLowerCase();
  }
  const out: string[] = [];
  for (const a of msg.answers) if (a.type === type && a.name.toLowerCase() === target) out.push(a.data);
  return out;
}
