// Longest-prefix lookup of an address among many IPv4/IPv6 networks (ACL
// `src 10.0.0.0/8 ...`, `-f blocklist.acl`, `map_ip`).
//
// The networks are flattened once into disjoint address ranges, each labelled
// with the entry that wins there: the most specific network covering it, the
// first one listed among identical networks (HAProxy's "first of the finest
// match"). A lookup is then a binary search over sorted range starts: no
// allocation, O(log n), a few dozen nanoseconds for 100k networks. Networks
// nest or are disjoint, which is what makes the flattening a single sweep.

interface V4Entry {
  start: number;
  end: number;
  order: number;
  value: number;
}

interface V6Entry {
  start: bigint;
  end: bigint;
  order: number;
  value: number;
}

const MAX4 = 0xffffffff;
/** Above this many IPv4 ranges, a /16 directory (256 KiB) narrows each search. */
const DIRECTORY_FROM = 4096;
const MAX6 = (1n << 128n) - 1n;

export class IpSetBuilder {
  private readonly v4: V4Entry[] = [];
  private readonly v6: V6Entry[] = [];
  private order = 0;

  /** Network `addr/prefix` (host bits are ignored), labelled `value` (>= 0). */
  addV4(addr: number, prefix: number, value: number): void {
    const span = 2 ** (32 - prefix);
    const start = Math.floor((addr >>> 0) / span) * span;
    this.v4.push({ start, end: start + span - 1, order: this.order++, value });
  }

  /** Network of four 32-bit words `w` with `prefix` bits, labelled `value`. */
  addV6(w: ArrayLike<number>, prefix: number, value: number): void {
    let a = 0n;
    for (let k = 0; k < 4; k++) a = (a << 32n) | BigInt(w[k]! >>> 0);
    const hostBits = BigInt(128 - prefix);
    const start = (a >> hostBits) << hostBits;
    this.v6.push({ start, end: start + (1n << hostBits) - 1n, order: this.order++, value });
  }

  get size(): number {
    return this.v4.length + this.v6.length;
  }

  build(): IpSet {
    return new IpSet(flatten4(this.v4), flatten6(this.v6));
  }
}

interface Ranges4 {
  starts: Uint32Array;
  values: Int32Array;
}

interface Ranges6 {
  w0: Uint32Array;
  w1: Uint32Array;
  w2: Uint32Array;
  w3: Uint32Array;
  values: Int32Array;
}

function flatten4(list: V4Entry[]): Ranges4 {
  list.sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  const starts: number[] = [];
  const values: number[] = [];
  const emit = (start: number, value: number): void => {
    const n = starts.length;
    if (n > 0 && starts[n - 1] === start) values[n - 1] = value;
    else if (n === 0 || values[n - 1] !== value) {
      starts.push(start);
      values.push(value);
    }
  };
  const stack: V4Entry[] = [];
  const close = (): void => {
    const t = stack.pop()!;
    if (t.end < MAX4) emit(t.end + 1, stack.length > 0 ? stack[stack.length - 1]!.value : -1);
  };
  for (const e of list) {
    while (stack.length > 0 && stack[stack.length - 1]!.end < e.start) close();
    const top = stack[stack.length - 1];
    if (top !== undefined && top.start === e.start && top.end === e.end) continue;
    emit(e.start, e.value);
    stack.push(e);
  }
  while (stack.length > 0) close();
  return { starts: Uint32Array.from(starts), values: Int32Array.from(values) };
}

function flatten6(list: V6Entry[]): Ranges6 {
  list.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : a.order - b.order));
  const starts: bigint[] = [];
  const values: number[] = [];
  const emit = (start: bigint, value: number): void => {
    const n = starts.length;
    if (n > 0 && starts[n - 1] === start) values[n - 1] = value;
    else if (n === 0 || values[n - 1] !== value) {
      starts.push(start);
      values.push(value);
    }
  };
  const stack: V6Entry[] = [];
  const close = (): void => {
    const t = stack.pop()!;
    if (t.end < MAX6) emit(t.end + 1n, stack.length > 0 ? stack[stack.length - 1]!.value : -1);
  };
  for (const e of list) {
    while (stack.length > 0 && stack[stack.length - 1]!.end < e.start) close();
    const top = stack[stack.length - 1];
    if (top !== undefined && top.start === e.start && top.end === e.end) continue;
    emit(e.start, e.value);
    stack.push(e);
  }
  while (stack.length > 0) close();
  const n = starts.length;
  const r: Ranges6 = {
    w0: new Uint32Array(n),
    w1: new Uint32Array(n),
    w2: new Uint32Array(n),
    w3: new Uint32Array(n),
    values: Int32Array.from(values),
  };
  for (let i = 0; i < n; i++) {
    const s = starts[i]!;
    r.w0[i] = Number((s >> 96n) & 0xffffffffn);
    r.w1[i] = Number((s >> 64n) & 0xffffffffn);
    r.w2[i] = Number((s >> 32n) & 0xffffffffn);
    r.w3[i] = Number(s & 0xffffffffn);
  }
  return r;
}

export class IpSet {
  private readonly r4: Ranges4;
  private readonly r6: Ranges6;
  /** For big sets: per /16, the last segment starting at or before it (-1 when none). */
  private readonly dir4: Int32Array | null = null;
  readonly hasV4: boolean;
  readonly hasV6: boolean;

  constructor(r4: Ranges4, r6: Ranges6) {
    this.r4 = r4;
    this.r6 = r6;
    this.hasV4 = r4.starts.length > 0;
    this.hasV6 = r6.values.length > 0;
    const n = r4.starts.length;
    if (n > DIRECTORY_FROM) {
      const dir = new Int32Array(0x10000);
      let k = -1;
      for (let h = 0; h < 0x10000; h++) {
        const at = h * 0x10000;
        while (k + 1 < n && r4.starts[k + 1]! <= at) k++;
        dir[h] = k;
      }
      this.dir4 = dir;
    }
  }

  /** The value of the most specific network containing `a`, or -1. */
  lookupV4(a: number): number {
    const starts = this.r4.starts;
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || a < starts[0]!) return -1;
    const dir = this.dir4;
    if (dir !== null) {
      // narrow the search to the segments around a's /16
      const h = a >>> 16;
      const b = dir[h]!;
      if (b > 0) lo = b;
      if (h < 0xffff) hi = dir[h + 1]!;
    }
    // invariant: starts[lo] <= a; find the last such index
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    return this.r4.values[lo]!;
  }

  /** The value of the most specific network containing address `w` (four words), or -1. */
  lookupV6(w: Uint32Array): number {
    const r = this.r6;
    const n = r.values.length;
    if (n === 0) return -1;
    const a0 = w[0]!;
    const a1 = w[1]!;
    const a2 = w[2]!;
    const a3 = w[3]!;
    let lo = -1;
    let hi = n - 1;
    // find the last index whose start <= w (lo = -1 when none)
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const s0 = r.w0[mid]!;
      let le: boolean;
      if (s0 !== a0) le = s0 < a0;
      else {
        const s1 = r.w1[mid]!;
        if (s1 !== a1) le = s1 < a1;
        else {
          const s2 = r.w2[mid]!;
          le = s2 !== a2 ? s2 < a2 : r.w3[mid]! <= a3;
        }
      }
      if (le) lo = mid;
      else hi = mid - 1;
    }
    return lo < 0 ? -1 : r.values[lo]!;
  }
}
