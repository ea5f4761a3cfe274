// Pattern matching: HAProxy's `-m` methods (found bool int ip bin len str beg
// sub dir dom end reg) and the method matcher of the `method` ACL, each with
// its pattern syntax and errors, and `-i`/`-n`.
//
// A PatternSet is built once from pattern texts, each tagged with a reference
// number (its position, or a map entry), and answers `find(sample)` with the
// reference HAProxy would pick, or -1. Exact strings use a hash map, prefixes
// and suffixes are bucketed by length when there are many, addresses go
// through the range index of iptree.ts; lookups allocate nothing except the
// lowered copy a case-insensitive lookup may need.

import { asciiLower, regionEqualsIgnoreCase } from './ascii-case.ts';
import { isKnownMethod } from './cast.ts';
import { compileRegex } from './regex.ts';
import { IpSet, IpSetBuilder } from './iptree.ts';
import { embeddedIPv4, maskLength, parseIPv4, parseIPv4Short, parseIPv6, parseMask4 } from './ipaddr.ts';
import {
  type Sample,
  type SampleType,
  SMP_ADDR,
  SMP_BIN,
  SMP_INT,
  SMP_IPV4,
  SMP_IPV6,
  SMP_METH,
  SMP_STR,
} from './sample.ts';

export type MatchMethod = 'found' | 'bool' | 'int' | 'ip' | 'bin' | 'len' | 'str' | 'beg' | 'sub' | 'dir' | 'dom' | 'end' | 'reg' | 'regm' | 'meth';

/** The names `-m` accepts (`meth` is the private matcher of the `method` keyword). */
export const MATCH_METHODS: readonly MatchMethod[] = ['found', 'bool', 'int', 'ip', 'bin', 'len', 'str', 'beg', 'sub', 'dir', 'dom', 'end', 'reg', 'regm'];

/** The type a sample is cast to before matching (HAProxy's pat_match_types). */
export const MATCH_EXPECT: Readonly<Record<MatchMethod, SampleType>> = {
  found: SMP_INT,
  bool: SMP_INT,
  int: SMP_INT,
  ip: SMP_ADDR,
  bin: SMP_BIN,
  len: SMP_STR,
  str: SMP_STR,
  beg: SMP_STR,
  sub: SMP_STR,
  dir: SMP_STR,
  dom: SMP_STR,
  end: SMP_STR,
  reg: SMP_STR,
  regm: SMP_STR,
  meth: SMP_METH,
};

export interface PatternOptions {
  /** `-i`: ASCII case-insensitive string matching. */
  icase: boolean;
  /** `-n`: no name resolution in IP patterns (also forbids the short numeric forms like 10.12). */
  noDns: boolean;
  /** Resolves a host name in an IP pattern to an IPv4 address (HAProxy resolves at startup). */
  resolveHost?: (name: string) => number | undefined;
}

export interface PatternSet {
  readonly method: MatchMethod;
  /** Number of patterns added. */
  readonly count: number;
  /** Adds a pattern; returns HAProxy's error text when it does not parse. */
  add(text: string, ref: number): string | undefined;
  /** Makes the set ready for lookups (after the last add). */
  seal(): void;
  /** The reference of the pattern HAProxy would report as matching, or -1. The sample is already cast. */
  find(smp: Sample): number;
}

/** Above this many patterns, prefix and suffix sets switch from a scan to length buckets. */
const SCAN_LIMIT = 16;

// ---------------------------------------------------------------- integers

/** HAProxy's strl2llrc: optional '-' then digits only. */
function parseLL(s: string): number | undefined {
  if (!/^-?\d+$/.test(s)) return undefined;
  return Number(s);
}

/** pat_parse_int: "N", "A:B", ":B", "A:" (":" or "-" separates; no negative values). */
export function parseIntRange(text: string): { min: number; max: number } | string {
  if (text === '') return `'${text}' is not a valid number range`;
  let sep = 0;
  while (sep < text.length && text[sep] !== ':' && text[sep] !== '-') sep++;
  if (sep === text.length) {
    const v = parseLL(text);
    if (v === undefined) return `'${text}' is not a number`;
    return { min: v, max: v };
  }
  const bad = `'${text}' is not a valid number range`;
  if (sep === 0 && text.length > 1) {
    const v = parseLL(text.slice(1));
    return v === undefined ? bad : { min: -Infinity, max: v };
  }
  if (sep === text.length - 1) {
    const v = parseLL(text.slice(0, sep));
    return v === undefined ? bad : { min: v, max: Infinity };
  }
  const a = parseLL(text.slice(0, sep));
  const b = parseLL(text.slice(sep + 1));
  if (a === undefined || b === undefined || a > b) return bad;
  return { min: a, max: b };
}

class IntSet implements PatternSet {
  readonly method: MatchMethod;
  private readonly mins: number[] = [];
  private readonly maxs: number[] = [];
  private readonly refs: number[] = [];

  constructor(method: 'int' | 'len') {
    this.method = method;
  }

  get count(): number {
    return this.refs.length;
  }

  add(text: string, ref: number): string | undefined {
    const r = parseIntRange(text);
    if (typeof r === 'string') return r;
    this.mins.push(r.min);
    this.maxs.push(r.max);
    this.refs.push(ref);
    return undefined;
  }

  seal(): void {}

  find(smp: Sample): number {
    const v = this.method === 'len' ? smp.str.length : smp.int;
    const n = this.refs.length;
    for (let i = 0; i < n; i++) if (this.mins[i]! <= v && v <= this.maxs[i]!) return this.refs[i]!;
    return -1;
  }
}

class BoolSet implements PatternSet {
  readonly method = 'bool' as const;
  count = 0;
  add(): string | undefined {
    this.count++;
    return undefined;
  }
  seal(): void {}
  find(smp: Sample): number {
    return smp.int !== 0 ? 0 : -1;
  }
}

// ---------------------------------------------------------------- addresses

type IpPattern = { v4: number; mask: number } | { v6: Uint32Array; prefix: number };

/** pat_parse_ip: "addr[/mask]" as str2net (IPv4, dotted or length mask) then str62net (IPv6, length). */
export function parseIpPattern(text: string, opts: PatternOptions): IpPattern | undefined {
  const slash = text.lastIndexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const maskText = slash < 0 ? undefined : text.slice(slash + 1);
  // IPv4
  const mask = maskText === undefined ? 0xffffffff : parseMask4(maskText);
  if (mask >= 0) {
    let a = parseIPv4(addrText);
    if (a < 0 && !opts.noDns) {
      a = parseIPv4Short(addrText);
      if (a < 0 && opts.resolveHost !== undefined) a = opts.resolveHost(addrText) ?? -1;
    }
    if (a >= 0) return { v4: a, mask };
  }
  // IPv6
  let prefix = 128;
  if (maskText !== undefined) {
    if (!/^\d+$/.test(maskText)) return undefined;
    prefix = Number(maskText);
    if (prefix > 128) return undefined;
  }
  const w = new Uint32Array(4);
  if (!parseIPv6(addrText, w)) return undefined;
  return { v6: w, prefix };
}

const MAPPED = new Uint32Array(4);

class IpPatternSet implements PatternSet {
  readonly method = 'ip' as const;
  private readonly opts: PatternOptions;
  private builder: IpSetBuilder | null = new IpSetBuilder();
  private tree: IpSet | null = null;
  // IPv4 networks with a non-contiguous mask cannot go in the tree (as in HAProxy)
  private readonly listAddr: number[] = [];
  private readonly listMask: number[] = [];
  private readonly listRef: number[] = [];
  count = 0;

  constructor(opts: PatternOptions) {
    this.opts = opts;
  }

  add(text: string, ref: number): string | undefined {
    const p = parseIpPattern(text, this.opts);
    if (p === undefined) return `'${text}' is not a valid IPv4 or IPv6 address`;
    this.count++;
    if ('v4' in p) {
      const len = maskLength(p.mask);
      if (len >= 0) this.builder!.addV4(p.v4, len, ref);
      else {
        this.listAddr.push(p.v4);
        this.listMask.push(p.mask);
        this.listRef.push(ref);
      }
    } else {
      this.builder!.addV6(p.v6, p.prefix, ref);
    }
    return undefined;
  }

  seal(): void {
    if (this.builder !== null) {
      this.tree = this.builder.build();
      this.builder = null;
    }
  }

  find(smp: Sample): number {
    const tree = this.tree!;
    let v4 = -1;
    if (smp.type === SMP_IPV4) {
      v4 = smp.int;
      let r = tree.lookupV4(v4);
      if (r >= 0) return r;
      if (tree.hasV6) {
        MAPPED[0] = 0;
        MAPPED[1] = 0;
        MAPPED[2] = 0xffff;
        MAPPED[3] = v4;
        r = tree.lookupV6(MAPPED);
        if (r >= 0) return r;
      }
    } else if (smp.type === SMP_IPV6) {
      let r = tree.lookupV6(smp.v6);
      if (r >= 0) return r;
      v4 = embeddedIPv4(smp.v6);
      if (v4 >= 0) {
        r = tree.lookupV4(v4);
        if (r >= 0) return r;
      }
    } else {
      return -1;
    }
    if (v4 < 0) return -1;
    const n = this.listRef.length;
    for (let i = 0; i < n; i++) {
      const m = this.listMask[i]!;
      if (((v4 & m) >>> 0) === ((this.listAddr[i]! & m) >>> 0)) return this.listRef[i]!;
    }
    return -1;
  }
}

// ---------------------------------------------------------------- binary

export function parseHex(text: string): Buffer | string {
  if (text.length % 2 !== 0) return 'an even number of hex digit is expected';
  for (let i = 0; i < text.length; i++) {
    if (!/[0-9a-fA-F]/.test(text[i]!)) return `an hex digit is expected (found '${text[i]}')`;
  }
  return Buffer.from(text, 'hex');
}

class BinSet implements PatternSet {
  readonly method = 'bin' as const;
  private readonly pats: Buffer[] = [];
  private readonly refs: number[] = [];
  get count(): number {
    return this.refs.length;
  }
  add(text: string, ref: number): string | undefined {
    const b = parseHex(text);
    if (typeof b === 'string') return b;
    this.pats.push(b);
    this.refs.push(ref);
    return undefined;
  }
  seal(): void {}
  find(smp: Sample): number {
    const b = smp.bin;
    for (let i = 0; i < this.pats.length; i++) if (this.pats[i]!.equals(b)) return this.refs[i]!;
    return -1;
  }
}

// ---------------------------------------------------------------- strings

class StrSet implements PatternSet {
  readonly method = 'str' as const;
  private readonly icase: boolean;
  private readonly map = new Map<string, number>();
  count = 0;
  constructor(icase: boolean) {
    this.icase = icase;
  }
  add(text: string, ref: number): string | undefined {
    this.count++;
    const k = this.icase ? asciiLower(text) : text;
    if (!this.map.has(k)) this.map.set(k, ref);
    return undefined;
  }
  seal(): void {}
  find(smp: Sample): number {
    const r = this.map.get(this.icase ? asciiLower(smp.str) : smp.str);
    return r === undefined ? -1 : r;
  }
}

/** Prefix or suffix patterns: a scan when few, maps keyed by length when many. */
class AffixSet implements PatternSet {
  readonly method: 'beg' | 'end';
  private readonly icase: boolean;
  private readonly pats: string[] = [];
  private readonly refs: number[] = [];
  private lengths: number[] = [];
  private buckets: Map<string, number>[] = [];

  constructor(method: 'beg' | 'end', icase: boolean) {
    this.method = method;
    this.icase = icase;
  }

  get count(): number {
    return this.refs.length;
  }

  add(text: string, ref: number): string | undefined {
    this.pats.push(this.icase ? asciiLower(text) : text);
    this.refs.push(ref);
    return undefined;
  }

  seal(): void {
    if (this.pats.length <= SCAN_LIMIT) return;
    const byLen = new Map<number, Map<string, number>>();
    for (let i = 0; i < this.pats.length; i++) {
      const p = this.pats[i]!;
      let m = byLen.get(p.length);
      if (m === undefined) byLen.set(p.length, (m = new Map()));
      if (!m.has(p)) m.set(p, this.refs[i]!);
    }
    this.lengths = [...byLen.keys()].sort((a, b) => b - a);
    this.buckets = this.lengths.map((l) => byLen.get(l)!);
  }

  private matchesAt(s: string, p: string): boolean {
    const at = this.method === 'beg' ? 0 : s.length - p.length;
    if (at < 0) return false;
    return this.icase ? regionEqualsIgnoreCase(s, at, p) : s.startsWith(p, at);
  }

  find(smp: Sample): number {
    const s = smp.str;
    // HAProxy indexes case-sensitive prefixes in a tree (longest prefix wins)
    // and scans everything else in order (first listed wins).
    const longest = this.method === 'beg' && !this.icase;
    if (this.buckets.length === 0) {
      let best = -1;
      let bestLen = -1;
      for (let i = 0; i < this.pats.length; i++) {
        const p = this.pats[i]!;
        if (!this.matchesAt(s, p)) continue;
        if (!longest) return this.refs[i]!;
        if (p.length > bestLen) {
          best = this.refs[i]!;
          bestLen = p.length;
        }
      }
      return best;
    }
    const key = this.icase ? asciiLower(s) : s;
    let best = -1;
    for (let b = 0; b < this.lengths.length; b++) {
      const l = this.lengths[b]!;
      if (l > key.length) continue;
      const r = this.buckets[b]!.get(this.method === 'beg' ? key.slice(0, l) : key.slice(key.length - l));
      if (r === undefined) continue;
      if (longest) return r;
      if (best < 0 || r < best) best = r;
    }
    return best;
  }
}

class SubSet implements PatternSet {
  readonly method = 'sub' as const;
  private readonly icase: boolean;
  private readonly pats: string[] = [];
  private readonly refs: number[] = [];
  constructor(icase: boolean) {
    this.icase = icase;
  }
  get count(): number {
    return this.refs.length;
  }
  add(text: string, ref: number): string | undefined {
    this.pats.push(this.icase ? asciiLower(text) : text);
    this.refs.push(ref);
    return undefined;
  }
  seal(): void {}
  find(smp: Sample): number {
    const s = this.icase ? asciiLower(smp.str) : smp.str;
    for (let i = 0; i < this.pats.length; i++) {
      const p = this.pats[i]!;
      if (p.length > 0 && s.includes(p)) return this.refs[i]!;
    }
    return -1;
  }
}

function isDirDelim(c: number): boolean {
  return c === 47 || c === 63;
}

function isDomDelim(c: number): boolean {
  return c === 47 || c === 63 || c === 46 || c === 58;
}

/** `dir` and `dom`: the pattern must be a whole delimited part of the sample (HAProxy's match_word). */
class WordSet implements PatternSet {
  readonly method: 'dir' | 'dom';
  private readonly icase: boolean;
  private readonly delim: (c: number) => boolean;
  private readonly pats: string[] = [];
  private readonly refs: number[] = [];

  constructor(method: 'dir' | 'dom', icase: boolean) {
    this.method = method;
    this.icase = icase;
    this.delim = method === 'dir' ? isDirDelim : isDomDelim;
  }

  get count(): number {
    return this.refs.length;
  }

  add(text: string, ref: number): string | undefined {
    // delimiters around the pattern are ignored
    let a = 0;
    let b = text.length;
    while (a < b && this.delim(text.charCodeAt(a))) a++;
    while (b > a && this.delim(text.charCodeAt(b - 1))) b--;
    const p = text.slice(a, b);
    this.pats.push(this.icase ? asciiLower(p) : p);
    this.refs.push(ref);
    return undefined;
  }

  seal(): void {}

  find(smp: Sample): number {
    const s = smp.str;
    for (let i = 0; i < this.pats.length; i++) if (this.matchWord(s, this.pats[i]!)) return this.refs[i]!;
    return -1;
  }

  private matchWord(s: string, p: string): boolean {
    const pl = p.length;
    if (pl === 0 || pl > s.length) return false;
    const end = s.length - pl;
    const delim = this.delim;
    let may = true;
    for (let c = 0; c <= end; c++) {
      if (delim(s.charCodeAt(c))) {
        may = true;
        continue;
      }
      if (!may) continue;
      const eq = this.icase ? regionEqualsIgnoreCase(s, c, p) : s.startsWith(p, c);
      if (eq && (c === end || delim(s.charCodeAt(c + pl)))) return true;
      may = false;
    }
    return false;
  }
}

class RegSet implements PatternSet {
  readonly method: 'reg' | 'regm';
  private readonly icase: boolean;
  private readonly res: RegExp[] = [];
  private readonly refs: number[] = [];
  constructor(method: 'reg' | 'regm', icase: boolean) {
    this.method = method;
    this.icase = icase;
  }
  get count(): number {
    return this.refs.length;
  }
  add(text: string, ref: number): string | undefined {
    const re = compileRegex(text, this.icase);
    if (typeof re === 'string') return re;
    this.res.push(re);
    this.refs.push(ref);
    return undefined;
  }
  seal(): void {}
  find(smp: Sample): number {
    const s = smp.str;
    for (let i = 0; i < this.res.length; i++) if (this.res[i]!.test(s)) return this.refs[i]!;
    return -1;
  }
  /** The first matching regex (for map_regm's back-references). */
  regexAt(ref: number): RegExp | undefined {
    const i = this.refs.indexOf(ref);
    return i < 0 ? undefined : this.res[i];
  }
}

/**
 * The `method` ACL: a known method (GET, HEAD, POST, PUT, DELETE, OPTIONS,
 * CONNECT, TRACE) matches by identity, so case-sensitively; other patterns
 * compare as strings (-i applies) but only with methods HAProxy does not know.
 */
class MethSet implements PatternSet {
  readonly method = 'meth' as const;
  private readonly icase: boolean;
  private readonly pats: string[] = [];
  private readonly known: boolean[] = [];
  private readonly refs: number[] = [];
  constructor(icase: boolean) {
    this.icase = icase;
  }
  get count(): number {
    return this.refs.length;
  }
  add(text: string, ref: number): string | undefined {
    const k = isKnownMethod(text);
    this.known.push(k);
    this.pats.push(!k && this.icase ? asciiLower(text) : text);
    this.refs.push(ref);
    return undefined;
  }
  seal(): void {}
  find(smp: Sample): number {
    const m = smp.str;
    const reqKnown = isKnownMethod(m);
    for (let i = 0; i < this.pats.length; i++) {
      const p = this.pats[i]!;
      if (this.known[i]) {
        if (reqKnown && m === p) return this.refs[i]!;
        continue;
      }
      if (reqKnown || p.length !== m.length) continue;
      if (this.icase ? regionEqualsIgnoreCase(m, 0, p) : m === p) return this.refs[i]!;
    }
    return -1;
  }
}

/** An empty set for `-m found`: anything fetched matches. */
class FoundSet implements PatternSet {
  readonly method = 'found' as const;
  count = 0;
  add(): string | undefined {
    this.count++;
    return undefined;
  }
  seal(): void {}
  find(): number {
    return 0;
  }
}

export function createPatternSet(method: MatchMethod, opts: PatternOptions): PatternSet {
  switch (method) {
    case 'found':
      return new FoundSet();
    case 'bool':
      return new BoolSet();
    case 'int':
    case 'len':
      return new IntSet(method);
    case 'ip':
      return new IpPatternSet(opts);
    case 'bin':
      return new BinSet();
    case 'str':
      return new StrSet(opts.icase);
    case 'beg':
    case 'end':
      return new AffixSet(method, opts.icase);
    case 'sub':
      return new SubSet(opts.icase);
    case 'dir':
    case 'dom':
      return new WordSet(method, opts.icase);
    case 'reg':
    case 'regm':
      return new RegSet(method, opts.icase);
    case 'meth':
      return new MethSet(opts.icase);
  }
}

export function isRegSet(p: PatternSet): p is RegSet {
  return p instanceof RegSet;
}

