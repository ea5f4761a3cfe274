// Fetches over a TLS ClientHello still in the request buffer (mode tcp,
// content inspection): req.ssl_hello_type, req.ssl_ver, req.ssl_sni,
// req.ssl_alpn and their old names. The connection is not terminated; the
// bytes are read where they wait. While the hello is incomplete and more
// may come, the sample is marked `mayChange` so content rules wait.

import { NO_ARGS } from './args.ts';
import { helloType, helloVersion, parseClientHello } from './client-hello.ts';
import { type FetchDef, USE_REQ } from './keyword.ts';
import { type Sample, type SampleContext, SMP_INT, SMP_STR } from './sample.ts';

function waitMore(ctx: SampleContext, smp: Sample): boolean {
  smp.mayChange = ctx.requestMayGrow();
  return false;
}

function sni(ctx: SampleContext, _a: unknown, smp: Sample): boolean {
  const b = ctx.requestPayload();
  if (b === undefined) return false;
  const r = parseClientHello(b);
  if (r.status === 'more') return waitMore(ctx, smp);
  if (r.status === 'invalid' || r.hello.sni === undefined) return false;
  smp.setStr(r.hello.sni);
  return true;
}

function alpn(ctx: SampleContext, _a: unknown, smp: Sample, iterate: boolean): boolean {
  const b = ctx.requestPayload();
  if (b === undefined) return false;
  const r = parseClientHello(b);
  if (r.status === 'more') return waitMore(ctx, smp);
  if (r.status === 'invalid') return false;
  const list = r.hello.alpn;
  // In an ACL every name is tried in turn; elsewhere the first one.
  const i = iterate ? smp.i0 : 0;
  if (i >= list.length) return false;
  smp.setStr(list[i]!);
  smp.i0 = i + 1;
  smp.notLast = iterate && i + 1 < list.length;
  return true;
}

function helloTypeFetch(ctx: SampleContext, _a: unknown, smp: Sample): boolean {
  const b = ctx.requestPayload();
  if (b === undefined) return false;
  const t = helloType(b);
  if (t === 'more') return waitMore(ctx, smp);
  if (t === undefined) return false;
  smp.setInt(t);
  return true;
}

function version(ctx: SampleContext, _a: unknown, smp: Sample): boolean {
  const b = ctx.requestPayload();
  if (b === undefined) return false;
  const v = helloVersion(b);
  if (v === 'more') return waitMore(ctx, smp);
  if (v === undefined) return false;
  smp.setInt(v);
  return true;
}

export const SSL_HELLO_FETCHES: readonly FetchDef[] = [
  { name: 'req.ssl_sni', args: NO_ARGS, out: SMP_STR, use: USE_REQ, fetch: sni },
  { name: 'req_ssl_sni', args: NO_ARGS, out: SMP_STR, use: USE_REQ, fetch: sni },
  { name: 'req.ssl_alpn', args: NO_ARGS, out: SMP_STR, use: USE_REQ, fetch: alpn },
  { name: 'req.ssl_hello_type', args: NO_ARGS, out: SMP_INT, use: USE_REQ, fetch: helloTypeFetch },
  { name: 'req_ssl_hello_type', args: NO_ARGS, out: SMP_INT, use: USE_REQ, fetch: helloTypeFetch },
  { name: 'req.ssl_ver', args: NO_ARGS, out: SMP_INT, use: USE_REQ, fetch: version },
  { name: 'req_ssl_ver', args: NO_ARGS, out: SMP_INT, use: USE_REQ, fetch: version },
];
