// The VRRP codec against keepalived's own bytes (captured in the lab, see
// shared/notes/vrrp-lab-facts.md), every drop reason, and a bounded fuzz:
// whatever arrives, the decoder answers and never throws.

import test from 'ava';
import {
  decodeIPv4Packet,
  decodeVrrpPayload,
  encodeAdvert,
  parseIPv4,
  parseIPv6,
  VrrpCodecError,
  VrrpDropCode,
  type VrrpDecodeResult,
} from '../../../cluster/vrrp/index.ts';
import { KEEPALIVED_V2, KEEPALIVED_V3 } from './captured.ts';
import { ipv4Packet, referenceChecksum } from './ipv4-packet.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');

function dropCode(r: VrrpDecodeResult): string {
  return r.ok ? 'ok' : r.drop.code;
}

test("decodes keepalived's captured v2 advert", (t) => {
  const r = decodeIPv4Packet(KEEPALIVED_V2);
  if (!r.ok) return t.fail(r.drop.message);
  t.deepEqual(r.advert, {
    version: 2,
    vrid: 51,
    priority: 150,
    interval: 1000,
    family: 4,
    addresses: ['10.99.0.100'],
    authType: 0,
    checksum: 0x3e03,
  });
  t.like(r, { source: '10.99.0.11', destination: '224.0.0.18', ttl: 255 });
});

test("decodes keepalived's captured v3 advert (12-bit interval 0x064 = 100 cs = 1 s)", (t) => {
  const r = decodeIPv4Packet(KEEPALIVED_V3);
  if (!r.ok) return t.fail(r.drop.message);
  t.deepEqual(r.advert, {
    version: 3,
    vrid: 51,
    priority: 150,
    interval: 1000,
    family: 4,
    addresses: ['10.99.0.100'],
    authType: 0,
    checksum: 0x42a3,
  });
  t.like(r, { source: '10.99.0.11', destination: '224.0.0.18', ttl: 255 });
});

test('encodes the same v2 fields to the captured bytes, checksum 3e03 (no pseudo-header)', (t) => {
  const bytes = encodeAdvert({ version: 2, vrid: 51, priority: 150, interval: 1000, addresses: ['10.99.0.100'] });
  t.is(bytes.toString('hex'), KEEPALIVED_V2.subarray(20).toString('hex'));
  // and the test's IPv4 header builder makes the kernel's header, so whole-packet tests are faithful
  t.deepEqual(ipv4Packet(bytes, '10.99.0.11', '224.0.0.18'), KEEPALIVED_V2);
});

test('encodes the same v3 fields to the captured bytes, checksum 42a3 (IPv4 pseudo-header)', (t) => {
  const bytes = encodeAdvert(
    { version: 3, vrid: 51, priority: 150, interval: 1000, addresses: ['10.99.0.100'] },
    { source: '10.99.0.11', destination: '224.0.0.18' },
  );
  t.is(bytes.toString('hex'), KEEPALIVED_V3.subarray(20).toString('hex'));
  t.deepEqual(ipv4Packet(bytes, '10.99.0.11', '224.0.0.18'), KEEPALIVED_V3);
});

test('v3 checksum: the captured advert verifies only with the pseudo-header; without it is the Cisco/Juniper setting', (t) => {
  t.is(dropCode(decodeIPv4Packet(KEEPALIVED_V3, { pseudoHeader: false })), VrrpDropCode.BAD_CHECKSUM);
  const fields = { version: 3 as const, vrid: 51, priority: 150, interval: 1000, addresses: ['10.99.0.100'] };
  const bare = encodeAdvert(fields, undefined, { pseudoHeader: false });
  t.is(bare.readUInt16BE(6), referenceChecksum(Buffer.concat([bare.subarray(0, 6), Buffer.alloc(2), bare.subarray(8)])));
  t.not(bare.readUInt16BE(6), 0x42a3);
  const packet = ipv4Packet(bare, '10.99.0.11', '224.0.0.18');
  t.is(dropCode(decodeIPv4Packet(packet, { pseudoHeader: false })), 'ok');
  t.is(dropCode(decodeIPv4Packet(packet)), VrrpDropCode.BAD_CHECKSUM);
});

test('v3 checksum covers the real destination: a unicast advert checks against the peer address', (t) => {
  const fields = { version: 3 as const, vrid: 7, priority: 100, interval: 100, addresses: ['192.0.2.100'] };
  const bytes = encodeAdvert(fields, { source: '10.0.0.1', destination: '10.0.0.2' });
  t.is(dropCode(decodeIPv4Packet(ipv4Packet(bytes, '10.0.0.1', '10.0.0.2'))), 'ok');
  t.is(dropCode(decodeIPv4Packet(ipv4Packet(bytes, '10.0.0.1', '224.0.0.18'))), VrrpDropCode.BAD_CHECKSUM);
});

test('v2 PASS authentication: 8 bytes of password after the addresses, read back', (t) => {
  const bytes = encodeAdvert({
    version: 2,
    vrid: 9,
    priority: 200,
    interval: 3000,
    addresses: ['192.0.2.1', '192.0.2.2'],
    authType: 1,
    authPassword: 'secret',
  });
  t.is(bytes.length, 8 + 8 + 8);
  t.is(bytes[4], 1);
  t.is(bytes[5], 3);
  t.is(bytes.subarray(16).toString('latin1'), 'secret\0\0');
  t.is(bytes.readUInt16BE(6), referenceChecksum(Buffer.concat([bytes.subarray(0, 6), Buffer.alloc(2), bytes.subarray(8)])));
  const r = decodeIPv4Packet(ipv4Packet(bytes, '10.0.0.1', '224.0.0.18'));
  if (!r.ok) return t.fail(r.drop.message);
  t.like(r.advert, { authType: 1, authPassword: 'secret', interval: 3000, addresses: ['192.0.2.1', '192.0.2.2'] });
  // An 8-character password fills the field, no terminator.
  const full = encodeAdvert({ version: 2, vrid: 9, priority: 200, interval: 1000, addresses: ['192.0.2.1'], authType: 1, authPassword: '12345678' });
  const r2 = decodeIPv4Packet(ipv4Packet(full, '10.0.0.1', '224.0.0.18'));
  t.like(r2.ok ? r2.advert : {}, { authPassword: '12345678' });
});

test('v3 over IPv6: addresses, link-local source, pseudo-header with the 32-bit length', (t) => {
  const fields = { version: 3 as const, vrid: 51, priority: 120, interval: 100, addresses: ['fe80::100', '2001:db8::100'] };
  const meta = { source: 'fe80::11', destination: 'ff02::12' };
  const bytes = encodeAdvert(fields, meta);
  t.is(bytes.length, 8 + 32);
  t.is(bytes.toString('hex', 0, 6), '31337802000a');
  const pseudo = Buffer.concat([parseIPv6(meta.source)!, parseIPv6(meta.destination)!, hex('00000028 000000 70')]);
  t.is(bytes.readUInt16BE(6), referenceChecksum(pseudo, bytes.subarray(0, 6), Buffer.alloc(2), bytes.subarray(8)));
  const r = decodeVrrpPayload(bytes, { ...meta, ttl: 255 });
  if (!r.ok) return t.fail(r.drop.message);
  t.like(r, { source: 'fe80::11', destination: 'ff02::12', ttl: 255 });
  t.deepEqual(r.advert.addresses, ['fe80::100', '2001:db8::100']);
  t.like(r.advert, { version: 3, family: 6, priority: 120, interval: 100 });
  // raw-socket cannot read the hop limit: no TTL given, no TTL check
  t.is(dropCode(decodeVrrpPayload(bytes, meta)), 'ok');
  t.is(dropCode(decodeVrrpPayload(bytes, { ...meta, ttl: 64 })), VrrpDropCode.BAD_TTL);
  t.is(dropCode(decodeVrrpPayload(bytes, { source: 'fe80::12', destination: 'ff02::12' })), VrrpDropCode.BAD_CHECKSUM);
});

test('payload decoding for IPv4 (the udp transport has no IP header)', (t) => {
  const r = decodeVrrpPayload(KEEPALIVED_V3.subarray(20), { source: '10.99.0.11', destination: '224.0.0.18' });
  t.true(r.ok);
  t.is(dropCode(decodeVrrpPayload(KEEPALIVED_V2.subarray(20), { source: '10.99.0.11', destination: '224.0.0.18', ttl: 1 })), VrrpDropCode.BAD_TTL);
  t.is(dropCode(decodeVrrpPayload(KEEPALIVED_V3.subarray(20), { source: 'nope', destination: '224.0.0.18' })), VrrpDropCode.BAD_ADDRESS);
  t.is(dropCode(decodeVrrpPayload(KEEPALIVED_V3.subarray(20), { source: '10.0.0.1', destination: 'ff02::12' })), VrrpDropCode.BAD_ADDRESS);
});

test('v3 interval is 12 bits of centiseconds: 10 ms to 40950 ms; the reserved bits are ignored on receipt', (t) => {
  const base = { version: 3 as const, vrid: 1, priority: 100, addresses: ['10.0.0.9'] };
  const to = { source: '10.0.0.1', destination: '224.0.0.18' };
  t.is(encodeAdvert({ ...base, interval: 10 }, to).readUInt16BE(4), 0x0001);
  t.is(encodeAdvert({ ...base, interval: 40950 }, to).readUInt16BE(4), 0x0fff);
  const bytes = encodeAdvert({ ...base, interval: 40950 }, to);
  bytes[4] = 0xff; // reserved nibble set by a sloppy sender
  bytes.writeUInt16BE(0, 6);
  bytes.writeUInt16BE(referenceChecksum(parseIPv4('10.0.0.1')!, parseIPv4('224.0.0.18')!, hex('0070 000c'), bytes), 6);
  const r = decodeIPv4Packet(ipv4Packet(bytes, to.source, to.destination));
  t.like(r.ok ? r.advert : {}, { interval: 40950 });
});

test('drop reasons: each bad packet gets its stable code', (t) => {
  const v3 = KEEPALIVED_V3.subarray(20);
  const src = '10.99.0.11';
  const dst = '224.0.0.18';
  const withChecksum = (b: Buffer): Buffer => {
    const c = Buffer.from(b);
    c.writeUInt16BE(0, 6);
    c.writeUInt16BE(referenceChecksum(parseIPv4(src)!, parseIPv4(dst)!, Buffer.from([0, 112, 0, c.length]), c), 6);
    return c;
  };
  const edited = (i: number, v: number): Buffer => {
    const c = Buffer.from(v3);
    c[i] = v;
    return withChecksum(c);
  };
  const cases: Array<[string, Buffer, string]> = [
    ['TTL 64 (crossed a router)', ipv4Packet(v3, src, dst, { ttl: 64 }), VrrpDropCode.BAD_TTL],
    ['protocol 6', ipv4Packet(v3, src, dst, { protocol: 6 }), VrrpDropCode.BAD_PROTOCOL],
    ['version 1', ipv4Packet(edited(0, 0x11), src, dst), VrrpDropCode.BAD_VERSION],
    ['version 4', ipv4Packet(edited(0, 0x41), src, dst), VrrpDropCode.BAD_VERSION],
    ['type 2', ipv4Packet(edited(0, 0x32), src, dst), VrrpDropCode.BAD_TYPE],
    ['count 2 with one address', ipv4Packet(edited(3, 2), src, dst), VrrpDropCode.BAD_LENGTH],
    ['count 0 with one address', ipv4Packet(edited(3, 0), src, dst), VrrpDropCode.BAD_LENGTH],
    ['an extra trailing byte', ipv4Packet(Buffer.concat([v3, Buffer.of(0)]), src, dst), VrrpDropCode.BAD_LENGTH],
    ['v2 without its auth data', ipv4Packet(KEEPALIVED_V2.subarray(20, 32), src, dst), VrrpDropCode.BAD_LENGTH],
    ['one bit flipped in the priority', ipv4Packet(Buffer.from(v3).fill(0x97, 2, 3), src, dst), VrrpDropCode.BAD_CHECKSUM],
    ['sent from another source', ipv4Packet(v3, '10.99.0.12', dst), VrrpDropCode.BAD_CHECKSUM],
    ['interval 0', ipv4Packet(withChecksum(Buffer.from(v3).fill(0, 4, 6)), src, dst), VrrpDropCode.BAD_INTERVAL],
    ['VRRP message of 7 bytes', ipv4Packet(v3.subarray(0, 7), src, dst), VrrpDropCode.TRUNCATED],
    ['IPv4 header only', ipv4Packet(Buffer.alloc(0), src, dst), VrrpDropCode.TRUNCATED],
    ['19 bytes', KEEPALIVED_V3.subarray(0, 19), VrrpDropCode.TRUNCATED],
    ['total length beyond the buffer', KEEPALIVED_V3.subarray(0, 30), VrrpDropCode.TRUNCATED],
    ['IP version 6 nibble', Buffer.concat([Buffer.of(0x65), KEEPALIVED_V3.subarray(1)]), VrrpDropCode.BAD_IP_HEADER],
    ['IHL 4', Buffer.concat([Buffer.of(0x44), KEEPALIVED_V3.subarray(1)]), VrrpDropCode.BAD_IP_HEADER],
  ];
  for (const [what, packet, code] of cases) t.is(dropCode(decodeIPv4Packet(packet)), code, what);
  // v2 over IPv6 does not exist
  t.is(dropCode(decodeVrrpPayload(KEEPALIVED_V2.subarray(20), { source: 'fe80::1', destination: 'ff02::12' })), VrrpDropCode.BAD_VERSION);
  // drops carry a message an operator can read, and count as errors
  const r = decodeIPv4Packet(ipv4Packet(v3, src, dst, { ttl: 1 }));
  t.like(r.ok ? {} : r.drop, { message: 'TTL 1, expected 255', error: true });
});

test('link padding after the IPv4 total length is ignored', (t) => {
  const padded = Buffer.concat([KEEPALIVED_V3, Buffer.alloc(14)]);
  t.is(dropCode(decodeIPv4Packet(padded)), 'ok');
});

test('encoding refuses fields that cannot go on the wire, with HAWSER_VRRP_BAD_FIELD', (t) => {
  const ok = { version: 3 as const, vrid: 1, priority: 100, interval: 1000, addresses: ['10.0.0.1'] };
  const to = { source: '10.0.0.2', destination: '224.0.0.18' };
  const bad: Array<[string, () => unknown]> = [
    ['v3 interval 15 ms', () => encodeAdvert({ ...ok, interval: 15 }, to)],
    ['v3 interval 40960 ms', () => encodeAdvert({ ...ok, interval: 40960 }, to)],
    ['v2 interval 1.5 s', () => encodeAdvert({ ...ok, version: 2, interval: 1500 })],
    ['vrid 0', () => encodeAdvert({ ...ok, vrid: 0 }, to)],
    ['priority 256', () => encodeAdvert({ ...ok, priority: 256 }, to)],
    ['mixed families', () => encodeAdvert({ ...ok, addresses: ['10.0.0.1', '::1'] }, to)],
    ['v2 with IPv6', () => encodeAdvert({ ...ok, version: 2, addresses: ['2001:db8::1'] })],
    ['v3 pseudo-header without addresses', () => encodeAdvert(ok)],
    ['IPv6 addresses over IPv4', () => encodeAdvert({ ...ok, addresses: ['2001:db8::1'] }, to)],
    ['not an address', () => encodeAdvert({ ...ok, addresses: ['10.0.0.256'] }, to)],
    ['a 9-byte password', () => encodeAdvert({ ...ok, version: 2, authType: 1, authPassword: '123456789' })],
  ];
  for (const [what, f] of bad) {
    const e = t.throws(f, { instanceOf: VrrpCodecError }, what);
    t.is(e?.code, 'HAWSER_VRRP_BAD_FIELD');
  }
  t.is(encodeAdvert({ ...ok, priority: 0 }, to)[2], 0); // priority 0 is how a master says it stops
});

/** Deterministic xorshift32, so a failing fuzz case can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

test('round trip: random valid fields decode to what was encoded (v2, v3, IPv4, IPv6)', (t) => {
  const r = rng(7);
  const byte = (): number => Math.floor(r() * 256);
  for (let i = 0; i < 2000; i++) {
    const version = r() < 0.5 ? 2 : 3;
    const six = version === 3 && r() < 0.5;
    const n = Math.floor(r() * 6);
    const addresses = Array.from({ length: n }, () =>
      six ? `2001:db8::${byte().toString(16)}:${byte().toString(16)}` : `10.${byte()}.${byte()}.${byte()}`,
    );
    const interval = version === 3 ? (1 + Math.floor(r() * 4095)) * 10 : (1 + Math.floor(r() * 255)) * 1000;
    const pseudoHeader = r() < 0.8;
    const meta = six ? { source: `fe80::${byte()}`, destination: 'ff02::12' } : { source: `10.0.0.${byte()}`, destination: '224.0.0.18' };
    const fields = { version: version as 2 | 3, vrid: 1 + Math.floor(r() * 255), priority: byte(), interval, addresses };
    const bytes = encodeAdvert(fields, meta, { pseudoHeader });
    const d = six
      ? decodeVrrpPayload(bytes, meta, { pseudoHeader })
      : decodeIPv4Packet(ipv4Packet(bytes, meta.source, meta.destination), { pseudoHeader });
    if (!d.ok) return t.fail(`${JSON.stringify(fields)}: ${d.drop.message}`);
    if (d.advert.interval !== interval || d.advert.priority !== fields.priority || d.advert.vrid !== fields.vrid) {
      return t.fail(JSON.stringify({ fields, advert: d.advert }));
    }
    if (d.advert.addresses.length !== n) return t.fail('address count');
  }
  t.pass();
});

test('fuzz: 100k random and mutated packets never throw and always give an advert or a known drop code', (t) => {
  const r = rng(0x5eed);
  const codes = new Set<string>(Object.values(VrrpDropCode));
  const seen = new Map<string, number>();
  const seeds = [
    KEEPALIVED_V2,
    KEEPALIVED_V3,
    ipv4Packet(encodeAdvert({ version: 2, vrid: 1, priority: 1, interval: 1000, addresses: ['1.2.3.4'], authType: 1, authPassword: 'pw' }), '10.0.0.1', '224.0.0.18'),
  ];
  const v6 = encodeAdvert(
    { version: 3, vrid: 2, priority: 255, interval: 20, addresses: ['fe80::1', '2001:db8::1'] },
    { source: 'fe80::2', destination: 'ff02::12' },
  );
  const v6meta = { source: 'fe80::2', destination: 'ff02::12', ttl: 255 };
  const v4meta = { source: '10.0.0.1', destination: '224.0.0.18' };
  const started = Date.now();
  const N = 100_000;
  for (let i = 0; i < N; i++) {
    // Even: whole IPv4 packets as a raw socket gives them. Odd: bare payloads (IPv6, udp).
    const whole = i % 2 === 0;
    let packet: Buffer;
    const kind = r();
    if (kind < 0.3) {
      packet = Buffer.alloc(Math.floor(r() * 90));
      for (let k = 0; k < packet.length; k++) packet[k] = Math.floor(r() * 256);
    } else {
      const seed = seeds[Math.floor(r() * seeds.length)]!;
      packet = Buffer.from(whole ? seed : kind < 0.6 ? seed.subarray(20) : v6);
      const flips = 1 + Math.floor(r() * 3);
      for (let k = 0; k < flips; k++) packet[Math.floor(r() * packet.length)] = Math.floor(r() * 256);
      if (r() < 0.2) packet = packet.subarray(0, Math.floor(r() * packet.length));
      else if (r() < 0.1) packet = Buffer.concat([packet, Buffer.alloc(Math.floor(r() * 40), Math.floor(r() * 256))]);
    }
    let result: VrrpDecodeResult;
    try {
      result = whole
        ? decodeIPv4Packet(packet, { pseudoHeader: r() < 0.5 })
        : decodeVrrpPayload(packet, kind >= 0.6 ? v6meta : v4meta, { pseudoHeader: r() < 0.8 });
    } catch (e) {
      return t.fail(`threw on ${packet.toString('hex')}: ${String(e)}`);
    }
    const code = result.ok ? 'ok' : result.drop.code;
    if (!result.ok && !codes.has(code)) return t.fail(`unknown drop code ${code}`);
    if (result.ok && !(result.advert.interval > 0 && result.advert.addresses.length <= 255)) return t.fail('an advert with impossible fields');
    seen.set(code, (seen.get(code) ?? 0) + 1);
    if (Date.now() - started > 20_000) return t.fail(`fuzz too slow: ${i} packets in 20 s`);
  }
  t.log(`${N} packets in ${Date.now() - started} ms:`, Object.fromEntries(seen));
  // The mutations reach deep: bad checksums, bad lengths, and adverts whose flipped bytes were outside what is checked.
  for (const c of ['ok', VrrpDropCode.BAD_CHECKSUM, VrrpDropCode.BAD_LENGTH, VrrpDropCode.TRUNCATED, VrrpDropCode.BAD_TTL, VrrpDropCode.BAD_VERSION]) {
    t.true((seen.get(c) ?? 0) > 0, `no ${c} among the results`);
  }
});
