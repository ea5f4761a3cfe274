// The address index behind `src 10.0.0.0/8 ...`, `-f blocklist.acl` and
// map_ip: it must give the most specific network (first listed among equal
// ones) for any address, and stay fast with 100k networks.

import test from 'ava';
import { IpSetBuilder } from '../../../src/acl/iptree.ts';
import { compileAclDeclaration, AclError } from '../../../src/acl/index.ts';
import { fakeContext } from './context.ts';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

interface Net4 {
  addr: number;
  bits: number;
}

function bruteV4(nets: Net4[], a: number): number {
  let best = -1;
  let bestBits = -1;
  for (let i = 0; i < nets.length; i++) {
    const n = nets[i]!;
    const m = maskOf(n.bits);
    if (((a & m) >>> 0) === ((n.addr & m) >>> 0) && n.bits > bestBits) {
      best = i;
      bestBits = n.bits;
    }
  }
  return best;
}

test('IPv4: the most specific network wins, the first of identical ones', (t) => {
  const r = rng(1);
  const nets: Net4[] = [];
  // nested families around a few bases, plus duplicates and the whole space
  for (let i = 0; i < 400; i++) {
    const base = [0x0a000000, 0xc0a80000, 0xac100000, 0x7f000000][i % 4]!;
    const bits = 8 + Math.floor(r() * 25);
    nets.push({ addr: (base + Math.floor(r() * 0x00ffffff)) >>> 0, bits });
  }
  nets.push({ addr: 0x0a000000, bits: 8 }, { addr: 0x0a000000, bits: 8 }, { addr: 0, bits: 0 }, { addr: 0xffffffff, bits: 32 });
  const b = new IpSetBuilder();
  nets.forEach((n, i) => b.addV4(n.addr, n.bits, i));
  const set = b.build();
  const probes: number[] = [0, 0xffffffff, 0x0a000000, 0x0affffff, 0x0b000000];
  for (let i = 0; i < 5000; i++) {
    const n = nets[Math.floor(r() * nets.length)]!;
    probes.push((n.addr + Math.floor(r() * 2 ** (32 - n.bits))) >>> 0, Math.floor(r() * 2 ** 32));
  }
  let wrong = 0;
  for (const a of probes) if (set.lookupV4(a) !== bruteV4(nets, a)) wrong++;
  t.is(wrong, 0);
});

test('IPv4: a big index (with its /16 directory) agrees with a brute-force scan', (t) => {
  const r = rng(3);
  const nets: Net4[] = [];
  for (let i = 0; i < 20_000; i++) nets.push({ addr: Math.floor(r() * 2 ** 32), bits: 10 + Math.floor(r() * 23) });
  const b = new IpSetBuilder();
  nets.forEach((n, i) => b.addV4(n.addr, n.bits, i));
  const set = b.build();
  let wrong = 0;
  for (let i = 0; i < 2000; i++) {
    const n = nets[Math.floor(r() * nets.length)]!;
    const inside = (n.addr + Math.floor(r() * 2 ** (32 - n.bits))) >>> 0;
    const anywhere = Math.floor(r() * 2 ** 32);
    for (const a of [inside, anywhere, inside & 0xffff0000, (inside | 0xffff) >>> 0]) if (set.lookupV4(a >>> 0) !== bruteV4(nets, a >>> 0)) wrong++;
  }
  t.is(wrong, 0);
});

test('IPv4: an empty index finds nothing, a single host only itself', (t) => {
  t.is(new IpSetBuilder().build().lookupV4(0x01020304), -1);
  const b = new IpSetBuilder();
  b.addV4(0x01020304, 32, 7);
  const s = b.build();
  t.is(s.lookupV4(0x01020304), 7);
  t.is(s.lookupV4(0x01020303), -1);
  t.is(s.lookupV4(0x01020305), -1);
});

function v6(...words: number[]): Uint32Array {
  return Uint32Array.from(words);
}

test('IPv6: longest prefix over 128 bits', (t) => {
  const b = new IpSetBuilder();
  b.addV6(v6(0x20010db8, 0, 0, 0), 32, 0); // 2001:db8::/32
  b.addV6(v6(0x20010db8, 0x00010000, 0, 0), 48, 1); // 2001:db8:1::/48
  b.addV6(v6(0x20010db8, 0x00010000, 0, 1), 128, 2); // 2001:db8:1::1
  b.addV6(v6(0, 0, 0, 0), 0, 3); // ::/0
  b.addV6(v6(0x20010db8, 0, 0, 0), 32, 4); // duplicate of the first: loses
  const s = b.build();
  t.is(s.lookupV6(v6(0x20010db8, 0x00010000, 0, 1)), 2);
  t.is(s.lookupV6(v6(0x20010db8, 0x00010000, 0, 2)), 1);
  t.is(s.lookupV6(v6(0x20010db8, 0x00020000, 0, 1)), 0);
  t.is(s.lookupV6(v6(0x20010db9, 0, 0, 0)), 3);
  t.is(s.lookupV6(v6(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)), 3);
  t.is(new IpSetBuilder().build().lookupV6(v6(0, 0, 0, 1)), -1);
});

test('100k random IPv4 and IPv6 networks: lookups stay well under a microsecond', (t) => {
  const r = rng(42);
  const N = 100_000;
  const b = new IpSetBuilder();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) b.addV4(Math.floor(r() * 2 ** 32), 12 + Math.floor(r() * 21), i);
  const set = b.build();
  const buildMs = performance.now() - t0;
  const probes = new Uint32Array(1_000_000);
  for (let i = 0; i < probes.length; i++) probes[i] = Math.floor(r() * 2 ** 32);
  let hits = 0;
  const t1 = performance.now();
  for (let i = 0; i < probes.length; i++) if (set.lookupV4(probes[i]!) >= 0) hits++;
  const nsV4 = ((performance.now() - t1) * 1e6) / probes.length;

  const b6 = new IpSetBuilder();
  const w = new Uint32Array(4);
  for (let i = 0; i < N; i++) {
    w[0] = 0x20010000 | Math.floor(r() * 0x10000);
    w[1] = Math.floor(r() * 2 ** 32);
    b6.addV6(w, 32 + Math.floor(r() * 49), i);
  }
  const set6 = b6.build();
  const q = new Uint32Array(4);
  const t2 = performance.now();
  let hits6 = 0;
  for (let i = 0; i < 200_000; i++) {
    q[0] = 0x20010000 | (probes[i]! & 0xffff);
    q[1] = probes[i + 1]!;
    q[2] = probes[i + 2]!;
    q[3] = probes[i + 3]!;
    if (set6.lookupV6(q) >= 0) hits6++;
  }
  const nsV6 = ((performance.now() - t2) * 1e6) / 200_000;
  t.log(`100k IPv4 networks: built in ${buildMs.toFixed(0)} ms, ${nsV4.toFixed(0)} ns/lookup (${hits} hits of ${probes.length})`);
  t.log(`100k IPv6 networks: ${nsV6.toFixed(0)} ns/lookup (${hits6} hits)`);
  t.true(hits > 0 && hits < probes.length);
  t.true(hits6 > 0 && hits6 < 200_000);
  t.true(nsV4 < 1000, `IPv4 lookup took ${nsV4} ns`);
  t.true(nsV6 < 2000, `IPv6 lookup took ${nsV6} ns`);
});

test('an ACL over a 100k-line -f file: compiled once, evaluated per request without compiling', (t) => {
  const r = rng(7);
  let file = '# generated blocklist\n';
  for (let i = 0; i < 100_000; i++) {
    const a = Math.floor(r() * 2 ** 32);
    file += `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${8 + Math.floor(r() * 25)}\n`;
  }
  file += '198.51.100.7\n';
  let reads = 0;
  const t0 = performance.now();
  const def = compileAclDeclaration(['blocked', 'src', '-f', '/etc/hawser/blocklist.acl'], { file: 'hawser.cfg', line: 3 }, {
    loadFile: () => {
      reads++;
      return file;
    },
  });
  const compileMs = performance.now() - t0;
  if (def instanceof AclError) return t.fail(def.toString());
  const addrs: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const a = Math.floor(r() * 2 ** 32);
    addrs.push(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`);
  }
  const ctxs = addrs.map((src) => fakeContext({ src }));
  let matched = 0;
  const t1 = performance.now();
  for (let round = 0; round < 200; round++) for (const c of ctxs) if (def.expression.test(c)) matched++;
  const ns = ((performance.now() - t1) * 1e6) / (200 * ctxs.length);
  t.log(`compiled in ${compileMs.toFixed(0)} ms; ${ns.toFixed(0)} ns per evaluation (address parse + lookup)`);
  t.is(reads, 1);
  t.true(matched > 0);
  t.true(def.expression.test(fakeContext({ src: '198.51.100.7' })));
  t.true(ns < 3000, `evaluation took ${ns} ns`);
});
