// Layer 6 fetches: the raw bytes a TCP session has buffered while its
// content rules inspect them (req.payload, req.payload_lv). They see nothing
// in HTTP mode, where the request is parsed rather than kept as bytes, as in
// HAProxy. While more bytes may still arrive, a block that is not complete
// yet marks the sample `mayChange` so that content rules wait for it.

import { type Arg, NO_ARGS } from './args.ts';
import { type FetchDef, USE_REQ, USE_RES } from './keyword.ts';
import { type Sample, type SampleContext, SMP_BIN, SMP_BOOL } from './sample.ts';

/** HAProxy's tune.bufsize: a block that cannot fit a buffer will never match. */
const MAX_BLOCK = 16384;

/** Not enough bytes yet: absent, and possibly present later. */
function tooShort(ctx: SampleContext, smp: Sample): boolean {
  smp.mayChange = ctx.requestMayGrow();
  return false;
}

function payload(ctx: SampleContext, a: readonly Arg[], smp: Sample): boolean {
  const buf = ctx.requestPayload();
  if (buf === undefined) return ctx.method() === undefined ? tooShort(ctx, smp) : false;
  const off = a[0]!.int;
  const len = a[1]!.int;
  if (len > MAX_BLOCK || off + len > MAX_BLOCK) return false;
  if (off + len > buf.length) return tooShort(ctx, smp);
  // length 0: everything from `off`, which grows as bytes come
  if (len === 0) smp.mayChange = ctx.requestMayGrow();
  smp.setBin(buf.subarray(off, len === 0 ? buf.length : off + len));
  return true;
}

/** `req.payload_lv(off1,len[,off2])`: off2 is absolute, or relative to the end of the length field with a sign. */
function checkOffset2(a: Arg[]): string | undefined {
  if (a.length < 3) return undefined;
  const t = a[2]!.str;
  if (!/^[+-]?\d+$/.test(t)) return `invalid offset '${t}'`;
  const rel = t[0] === '+' || t[0] === '-';
  a[2]!.obj = { rel, value: Number(t) };
  return undefined;
}

function payloadLv(ctx: SampleContext, a: readonly Arg[], smp: Sample): boolean {
  const buf = ctx.requestPayload();
  if (buf === undefined) return ctx.method() === undefined ? tooShort(ctx, smp) : false;
  const lenOff = a[0]!.int;
  const lenSize = a[1]!.int;
  if (lenOff + lenSize > buf.length) return tooShort(ctx, smp);
  let size = 0;
  for (let i = 0; i < lenSize; i++) size = size * 256 + buf[lenOff + i]!;
  let off = lenOff + lenSize;
  if (a.length > 2) {
    const o = a[2]!.obj as { rel: boolean; value: number };
    off = o.rel ? off + o.value : o.value;
  }
  if (size === 0 || off < 0 || size > MAX_BLOCK || off + size > MAX_BLOCK) return false;
  if (off + size > buf.length) return tooShort(ctx, smp);
  smp.setBin(buf.subarray(off, off + size));
  return true;
}

function nonNegative(a: Arg[]): string | undefined {
  for (let i = 0; i < 2 && i < a.length; i++) if (a[i]!.int < 0) return 'offsets and lengths must be positive';
  return undefined;
}

const LV = { types: ['sint', 'sint', 'str'], min: 2 } as const;
const PL = { types: ['sint', 'sint'], min: 2 } as const;

export const PAYLOAD_FETCHES: readonly FetchDef[] = [
  { name: 'req.payload', args: PL, out: SMP_BIN, use: USE_REQ, validate: nonNegative, fetch: payload },
  { name: 'payload', args: PL, out: SMP_BIN, use: USE_REQ, validate: nonNegative, fetch: payload },
  { name: 'req.payload_lv', args: LV, out: SMP_BIN, use: USE_REQ, validate: (a) => nonNegative(a) ?? checkOffset2(a), fetch: payloadLv },
  { name: 'payload_lv', args: LV, out: SMP_BIN, use: USE_REQ, validate: (a) => nonNegative(a) ?? checkOffset2(a), fetch: payloadLv },
  {
    // HAProxy's is_http: a complete, valid HTTP request head is buffered
    // (in HTTP mode, always). Undecided while the head may still be coming.
    name: 'req.proto_http',
    args: NO_ARGS,
    out: SMP_BOOL,
    use: USE_REQ | USE_RES,
    fetch: (ctx, _a, smp) => {
      if (ctx.method() !== undefined) {
        smp.setBool(true);
        return true;
      }
      if (ctx.requestMayGrow()) {
        smp.mayChange = true;
        return false;
      }
      smp.setBool(false);
      return true;
    },
  },
];
