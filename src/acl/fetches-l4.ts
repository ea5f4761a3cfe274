// Layer 4 and TLS fetches: the connection's addresses and ports, whether it is
// TLS and its SNI. Usable in every rule set.

import { NO_ARGS } from './args.ts';
import { parseIPv4, parseIPv6 } from './ipaddr.ts';
import { type FetchDef, USE_ANY } from './keyword.ts';
import { type Sample, SMP_BOOL, SMP_INT, SMP_IPV4, SMP_IPV6, SMP_STR } from './sample.ts';

/** An address from the session ("192.0.2.1", "::1") into `smp`; false when it is not one. */
export function addressSample(text: string, smp: Sample): boolean {
  const a = parseIPv4(text);
  if (a >= 0) {
    smp.setIPv4(a);
    return true;
  }
  if (parseIPv6(text, smp.v6)) {
    smp.type = SMP_IPV6;
    return true;
  }
  return false;
}

export const L4_FETCHES: readonly FetchDef[] = [
  {
    name: 'src',
    args: NO_ARGS,
    out: SMP_IPV4,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => addressSample(ctx.clientAddress(), smp),
  },
  {
    name: 'src_port',
    args: NO_ARGS,
    out: SMP_INT,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => {
      smp.setInt(ctx.clientPort());
      return true;
    },
  },
  {
    name: 'dst',
    args: NO_ARGS,
    out: SMP_IPV4,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => addressSample(ctx.localAddress(), smp),
  },
  {
    name: 'dst_port',
    args: NO_ARGS,
    out: SMP_INT,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => {
      smp.setInt(ctx.localPort());
      return true;
    },
  },
  {
    name: 'ssl_fc',
    args: NO_ARGS,
    out: SMP_BOOL,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => {
      smp.setBool(ctx.ssl());
      return true;
    },
  },
  {
    name: 'ssl_fc_sni',
    args: NO_ARGS,
    out: SMP_STR,
    use: USE_ANY,
    fetch: (ctx, _a, smp) => {
      const s = ctx.sni();
      if (s === undefined) return false;
      smp.setStr(s);
      return true;
    },
  },
];
