// HTTP fetches: the request line (method, url, path, query, base, url_param),
// headers (hdr, fhdr, hdr_cnt, hdr_val, hdr_ip, hdr_names), cookies, the body,
// and the response's status, headers and cookies. Every one fails (the sample
// is absent) when the session has no HTTP message to look at.
//
// Header and cookie fetches return every occurrence to ACLs (iterate) and
// the last one otherwise, as HAProxy does; an explicit occurrence number
// picks one (1 = first, -1 = last).

import { type Arg, type ArgSpec, NO_ARGS } from './args.ts';
import { asciiLower } from './ascii-case.ts';
import { leadingInt } from './cast.ts';
import {
  countHeaderValues,
  headerOccurrence,
  nextCookie,
  nextHeaderValue,
  nextParam,
  paramListStart,
  pathStart,
} from './http-fields.ts';
import { parseIPv6 } from './ipaddr.ts';
import { type FetchDef, USE_REQ, USE_RES } from './keyword.ts';
import { type Sample, type SampleContext, SMP_BIN, SMP_BOOL, SMP_INT, SMP_IPV4, SMP_IPV6, SMP_METH, SMP_STR } from './sample.ts';

type Fetch = FetchDef['fetch'];

const REQ = 0;
const RES = 1;
/** `hdr()` and `cookie()`: the request, or the response while response rules run. */
const CHANNEL = 2;

function headersOf(ctx: SampleContext, dir: number): readonly string[] | undefined {
  const res = dir === RES || (dir === CHANNEL && ctx.isResponse());
  return res ? ctx.responseHeaders() : ctx.requestHeaders();
}

const NAME_OCC: ArgSpec = { types: ['str', 'sint'], min: 0 };
const OPT_NAME: ArgSpec = { types: ['str'], min: 0 };

/** Header names compare case-insensitively: keep the lowered name in arg.obj. */
function lowerName(a: Arg[]): string | undefined {
  if (a.length > 0) a[0]!.obj = asciiLower(a[0]!.str);
  return undefined;
}

function headerName(a: readonly Arg[]): string {
  return a[0]!.obj as string;
}

/** hdr / fhdr: one value, or every value in turn for ACLs. */
function headerFetch(dir: number, full: boolean): Fetch {
  return (ctx, a, smp, iterate) => {
    if (a.length === 0) return false;
    const h = headersOf(ctx, dir);
    if (h === undefined) return false;
    let occ = a.length > 1 ? a[1]!.int : 0;
    if (occ === 0 && !iterate) occ = -1;
    if (occ === 0) {
      if (!smp.notLast) {
        smp.i0 = 0;
        smp.i1 = -1;
      }
      if (nextHeaderValue(h, headerName(a), full, smp)) {
        smp.type = SMP_STR;
        smp.notLast = true;
        return true;
      }
      smp.notLast = false;
      return false;
    }
    if (!headerOccurrence(h, headerName(a), full, occ, smp)) return false;
    smp.type = SMP_STR;
    return true;
  };
}

function headerCount(dir: number, full: boolean): Fetch {
  return (ctx, a, smp) => {
    const h = headersOf(ctx, dir);
    if (h === undefined) return false;
    const n = countHeaderValues(h, a.length > 0 ? headerName(a) : '', full, smp);
    smp.setInt(n);
    return true;
  };
}

function headerVal(dir: number): Fetch {
  const get = headerFetch(dir, false);
  return (ctx, a, smp, iterate) => {
    if (!get(ctx, a, smp, iterate)) return false;
    smp.setInt(leadingInt(smp.str));
    return true;
  };
}

/** A header value as an address: a.b.c.d, a.b.c.d:port, or IPv6 (RFC 7239 style values). */
function headerAddress(s: string, smp: Sample): boolean {
  let a = parseIPv4Loose(s, s.length);
  if (a >= 0) {
    smp.setIPv4(a);
    return true;
  }
  const colon = s.indexOf(':');
  if (colon > 0 && /^\d{1,5}$/.test(s.slice(colon + 1)) && Number(s.slice(colon + 1)) <= 65535) {
    a = parseIPv4Loose(s, colon);
    if (a >= 0) {
      smp.setIPv4(a);
      return true;
    }
  }
  if (parseIPv6(s, smp.v6)) {
    smp.type = SMP_IPV6;
    return true;
  }
  return false;
}

/** HAProxy's url2ipv4 over s[0, end): four decimal numbers 0-255 with dots (leading zeros allowed). */
function parseIPv4Loose(s: string, end: number): number {
  let acc = 0;
  let octet = -1;
  let parts = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (octet < 0 || parts === 3) return -1;
      acc = acc * 256 + octet;
      parts++;
      octet = -1;
    } else if (c >= 48 && c <= 57) {
      octet = (octet < 0 ? 0 : octet * 10) + (c - 48);
      if (octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (octet < 0 || parts !== 3) return -1;
  return acc * 256 + octet;
}

function headerIp(dir: number): Fetch {
  const get = headerFetch(dir, false);
  return (ctx, a, smp, iterate) => {
    // values that are not addresses are skipped, whichever occurrence was asked for
    while (get(ctx, a, smp, iterate)) {
      if (headerAddress(smp.str, smp)) return true;
      if (!smp.notLast) return false;
    }
    return false;
  };
}

function headerNames(dir: number): Fetch {
  return (ctx, a, smp) => {
    const h = headersOf(ctx, dir);
    if (h === undefined) return false;
    const del = a.length > 0 && a[0]!.str.length > 0 ? a[0]!.str[0]! : ',';
    let out = '';
    // HAProxy's internal representation lower-cases header names
    for (let i = 0; i < h.length; i += 2) out += (i === 0 ? '' : del) + asciiLower(h[i]!);
    smp.setStr(out);
    return true;
  };
}

function cookieFetch(dir: number): Fetch {
  return (ctx, a, smp, iterate) => {
    const res = dir === RES || (dir === CHANNEL && ctx.isResponse());
    const h = res ? ctx.responseHeaders() : ctx.requestHeaders();
    if (h === undefined) return false;
    const header = res ? 'set-cookie' : 'cookie';
    const name = a.length > 0 ? a[0]!.str : '';
    if (!smp.notLast) {
      smp.i0 = 0;
      smp.i1 = -1;
      smp.i2 = -1;
    }
    if (iterate) {
      if (nextCookie(h, header, name, !res, smp)) {
        smp.type = SMP_STR;
        smp.notLast = true;
        return true;
      }
      smp.notLast = false;
      return false;
    }
    // the last occurrence of a named cookie, the first cookie when unnamed
    let found = false;
    while (nextCookie(h, header, name, !res, smp)) {
      found = true;
      if (name === '') break;
    }
    if (found) smp.type = SMP_STR;
    return found;
  };
}

function cookieCount(dir: number): Fetch {
  return (ctx, a, smp) => {
    const res = dir === RES;
    const h = res ? ctx.responseHeaders() : ctx.requestHeaders();
    if (h === undefined) return false;
    const name = a.length > 0 ? a[0]!.str : '';
    smp.i0 = 0;
    smp.i1 = -1;
    smp.i2 = -1;
    let n = 0;
    while (nextCookie(h, res ? 'set-cookie' : 'cookie', name, !res, smp)) n++;
    smp.setInt(n);
    return true;
  };
}

function cookieVal(dir: number): Fetch {
  const get = cookieFetch(dir);
  return (ctx, a, smp, iterate) => {
    if (!get(ctx, a, smp, iterate)) return false;
    smp.setInt(leadingInt(smp.str));
    return true;
  };
}

/** The path of the request target without the query (or with it for pathq). */
function pathOf(ctx: SampleContext, withQuery: boolean, smp: Sample): boolean {
  const url = ctx.url();
  if (url === undefined) return false;
  const p = pathStart(url);
  if (p < 0) return false;
  let end = url.length;
  if (!withQuery) {
    const q = url.indexOf('?', p);
    if (q >= 0) end = q;
  }
  smp.setStr(p === 0 && end === url.length ? url : url.slice(p, end));
  return true;
}

const urlParam: Fetch = (ctx, a, smp, iterate) => {
  const url = ctx.url();
  if (url === undefined) return false;
  const name = a.length > 0 ? a[0]!.str : '';
  const delim = a.length > 1 && a[1]!.str.length > 0 ? a[1]!.str.charCodeAt(0) : 63; /* ? */
  let from = smp.i0;
  if (!smp.notLast) {
    from = paramListStart(url, delim);
    if (from < 0) return false;
  }
  const end = nextParam(url, from, name, delim, smp);
  if (end < 0) {
    smp.notLast = false;
    return false;
  }
  smp.type = SMP_STR;
  smp.i0 = end;
  smp.notLast = iterate && end < url.length;
  return true;
};

/** `req.len` / `req_len`: bytes of the request buffered so far. */
const requestLength: Fetch = (ctx, _a, smp) => {
  smp.setInt(ctx.requestLength());
  smp.mayChange = ctx.requestMayGrow();
  return true;
};

function str(get: (ctx: SampleContext) => string | undefined): Fetch {
  return (ctx, _a, smp) => {
    const v = get(ctx);
    if (v === undefined) return false;
    smp.setStr(v);
    return true;
  };
}

export const HTTP_FETCHES: readonly FetchDef[] = [
  // ---- request line
  {
    name: 'method',
    args: NO_ARGS,
    out: SMP_METH,
    use: USE_REQ | USE_RES,
    fetch: (ctx, _a, smp) => {
      const m = ctx.method();
      if (m === undefined) return false;
      smp.type = SMP_METH;
      smp.str = m;
      return true;
    },
  },
  { name: 'url', args: NO_ARGS, out: SMP_STR, use: USE_REQ, fetch: str((c) => c.url()) },
  { name: 'path', args: NO_ARGS, out: SMP_STR, use: USE_REQ, fetch: (ctx, _a, smp) => pathOf(ctx, false, smp) },
  { name: 'pathq', args: NO_ARGS, out: SMP_STR, use: USE_REQ, fetch: (ctx, _a, smp) => pathOf(ctx, true, smp) },
  {
    name: 'query',
    args: NO_ARGS,
    out: SMP_STR,
    use: USE_REQ,
    fetch: (ctx, _a, smp) => {
      const url = ctx.url();
      if (url === undefined) return false;
      const q = url.indexOf('?');
      if (q < 0) return false;
      smp.setStr(url.slice(q + 1));
      return true;
    },
  },
  {
    name: 'base',
    args: NO_ARGS,
    out: SMP_STR,
    use: USE_REQ,
    fetch: (ctx, _a, smp) => {
      const h = ctx.requestHeaders();
      if (h === undefined) return false;
      smp.i0 = 0;
      smp.i1 = -1;
      if (!nextHeaderValue(h, 'host', false, smp) || smp.str === '') return pathOf(ctx, false, smp);
      const host = smp.str;
      if (!pathOf(ctx, false, smp)) smp.str = '';
      smp.setStr(host + smp.str);
      return true;
    },
  },
  { name: 'url_param', args: { types: ['str', 'str'], min: 0 }, out: SMP_STR, use: USE_REQ, fetch: urlParam },
  { name: 'urlp', args: { types: ['str', 'str'], min: 0 }, out: SMP_STR, use: USE_REQ, fetch: urlParam },
  {
    name: 'urlp_val',
    args: { types: ['str', 'str'], min: 0 },
    out: SMP_INT,
    use: USE_REQ,
    fetch: (ctx, a, smp, iterate) => {
      if (!urlParam(ctx, a, smp, iterate)) return false;
      smp.setInt(leadingInt(smp.str));
      return true;
    },
  },
  { name: 'req.ver', args: NO_ARGS, out: SMP_STR, use: USE_REQ, fetch: str((c) => c.httpVersion()) },
  { name: 'req_ver', args: NO_ARGS, out: SMP_STR, use: USE_REQ, fetch: str((c) => c.httpVersion()) },
  {
    name: 'http_first_req',
    args: NO_ARGS,
    out: SMP_BOOL,
    use: USE_REQ | USE_RES,
    fetch: (ctx, _a, smp) => {
      if (ctx.method() === undefined) return false;
      smp.setBool(ctx.firstRequest());
      return true;
    },
  },

  // ---- request headers
  { name: 'req.hdr', args: NAME_OCC, out: SMP_STR, use: USE_REQ, validate: lowerName, fetch: headerFetch(REQ, false) },
  { name: 'hdr', args: NAME_OCC, out: SMP_STR, use: USE_REQ | USE_RES, validate: lowerName, fetch: headerFetch(CHANNEL, false) },
  { name: 'req.fhdr', args: NAME_OCC, out: SMP_STR, use: USE_REQ, validate: lowerName, fetch: headerFetch(REQ, true) },
  { name: 'req.hdr_cnt', args: OPT_NAME, out: SMP_INT, use: USE_REQ, validate: lowerName, fetch: headerCount(REQ, false) },
  { name: 'hdr_cnt', args: OPT_NAME, out: SMP_INT, use: USE_REQ, validate: lowerName, fetch: headerCount(REQ, false) },
  { name: 'req.fhdr_cnt', args: OPT_NAME, out: SMP_INT, use: USE_REQ, validate: lowerName, fetch: headerCount(REQ, true) },
  { name: 'req.hdr_val', args: NAME_OCC, out: SMP_INT, use: USE_REQ, validate: lowerName, fetch: headerVal(REQ) },
  { name: 'hdr_val', args: NAME_OCC, out: SMP_INT, use: USE_REQ, validate: lowerName, fetch: headerVal(REQ) },
  { name: 'req.hdr_ip', args: NAME_OCC, out: SMP_IPV4, use: USE_REQ, validate: lowerName, fetch: headerIp(REQ) },
  { name: 'hdr_ip', args: NAME_OCC, out: SMP_IPV4, use: USE_REQ, validate: lowerName, fetch: headerIp(REQ) },
  { name: 'req.hdr_names', args: OPT_NAME, out: SMP_STR, use: USE_REQ, fetch: headerNames(REQ) },

  // ---- request cookies
  { name: 'req.cook', args: OPT_NAME, out: SMP_STR, use: USE_REQ, fetch: cookieFetch(REQ) },
  { name: 'cook', args: OPT_NAME, out: SMP_STR, use: USE_REQ, fetch: cookieFetch(REQ) },
  { name: 'cookie', args: OPT_NAME, out: SMP_STR, use: USE_REQ | USE_RES, fetch: cookieFetch(CHANNEL) },
  { name: 'req.cook_cnt', args: OPT_NAME, out: SMP_INT, use: USE_REQ, fetch: cookieCount(REQ) },
  { name: 'cook_cnt', args: OPT_NAME, out: SMP_INT, use: USE_REQ, fetch: cookieCount(REQ) },
  { name: 'req.cook_val', args: OPT_NAME, out: SMP_INT, use: USE_REQ, fetch: cookieVal(REQ) },
  { name: 'cook_val', args: OPT_NAME, out: SMP_INT, use: USE_REQ, fetch: cookieVal(REQ) },

  // ---- request body and buffer
  { name: 'req.len', args: NO_ARGS, out: SMP_INT, use: USE_REQ, fetch: requestLength },
  { name: 'req_len', args: NO_ARGS, out: SMP_INT, use: USE_REQ, fetch: requestLength },
  {
    name: 'req.body',
    args: NO_ARGS,
    out: SMP_BIN,
    use: USE_REQ,
    fetch: (ctx, _a, smp) => {
      if (ctx.method() === undefined) return false;
      const b = ctx.requestBody();
      smp.setBin(b ?? Buffer.alloc(0));
      return true;
    },
  },
  {
    name: 'req.body_len',
    args: NO_ARGS,
    out: SMP_INT,
    use: USE_REQ,
    fetch: (ctx, _a, smp) => {
      if (ctx.method() === undefined) return false;
      smp.setInt(ctx.requestBody()?.length ?? 0);
      return true;
    },
  },

  // ---- response
  {
    name: 'status',
    args: NO_ARGS,
    out: SMP_INT,
    use: USE_RES,
    fetch: (ctx, _a, smp) => {
      const s = ctx.status();
      if (s <= 0) return false;
      smp.setInt(s);
      return true;
    },
  },
  { name: 'res.ver', args: NO_ARGS, out: SMP_STR, use: USE_RES, fetch: str((c) => c.responseVersion()) },
  { name: 'resp_ver', args: NO_ARGS, out: SMP_STR, use: USE_RES, fetch: str((c) => c.responseVersion()) },
  { name: 'res.hdr', args: NAME_OCC, out: SMP_STR, use: USE_RES, validate: lowerName, fetch: headerFetch(RES, false) },
  { name: 'shdr', args: NAME_OCC, out: SMP_STR, use: USE_RES, validate: lowerName, fetch: headerFetch(RES, false) },
  { name: 'res.fhdr', args: NAME_OCC, out: SMP_STR, use: USE_RES, validate: lowerName, fetch: headerFetch(RES, true) },
  { name: 'res.hdr_cnt', args: OPT_NAME, out: SMP_INT, use: USE_RES, validate: lowerName, fetch: headerCount(RES, false) },
  { name: 'shdr_cnt', args: OPT_NAME, out: SMP_INT, use: USE_RES, validate: lowerName, fetch: headerCount(RES, false) },
  { name: 'res.fhdr_cnt', args: OPT_NAME, out: SMP_INT, use: USE_RES, validate: lowerName, fetch: headerCount(RES, true) },
  { name: 'res.hdr_val', args: NAME_OCC, out: SMP_INT, use: USE_RES, validate: lowerName, fetch: headerVal(RES) },
  { name: 'shdr_val', args: NAME_OCC, out: SMP_INT, use: USE_RES, validate: lowerName, fetch: headerVal(RES) },
  { name: 'res.hdr_ip', args: NAME_OCC, out: SMP_IPV4, use: USE_RES, validate: lowerName, fetch: headerIp(RES) },
  { name: 'shdr_ip', args: NAME_OCC, out: SMP_IPV4, use: USE_RES, validate: lowerName, fetch: headerIp(RES) },
  { name: 'res.hdr_names', args: OPT_NAME, out: SMP_STR, use: USE_RES, fetch: headerNames(RES) },
  { name: 'res.cook', args: OPT_NAME, out: SMP_STR, use: USE_RES, fetch: cookieFetch(RES) },
  { name: 'scook', args: OPT_NAME, out: SMP_STR, use: USE_RES, fetch: cookieFetch(RES) },
  { name: 'res.cook_cnt', args: OPT_NAME, out: SMP_INT, use: USE_RES, fetch: cookieCount(RES) },
  { name: 'scook_cnt', args: OPT_NAME, out: SMP_INT, use: USE_RES, fetch: cookieCount(RES) },
  { name: 'res.cook_val', args: OPT_NAME, out: SMP_INT, use: USE_RES, fetch: cookieVal(RES) },
  { name: 'scook_val', args: OPT_NAME, out: SMP_INT, use: USE_RES, fetch: cookieVal(RES) },
];

