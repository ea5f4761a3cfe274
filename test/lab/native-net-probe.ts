// Run inside a lab namespace by vrrp-native-path.test.ts: performs the
// operations given as JSON in argv[2] with the in-process path
// (cluster/vrrp/native-net.ts) and prints one JSON line per operation:
// { ok, us } or { ok: false, code, message }. The test checks the kernel
// side with `ip` and tcpdump.

import { nativeNet } from '../../cluster/vrrp/native-net.ts';

interface Op {
  op: 'add' | 'del' | 'garp';
  dev: string;
  address: string;
  prefix?: number;
  label?: string;
  nodad?: boolean;
  count?: number;
}

const net = nativeNet();
if (net === undefined) {
  console.log(JSON.stringify({ ok: false, code: 'UNAVAILABLE', message: 'the addon did not load' }));
  process.exit(2);
}
for (const o of JSON.parse(process.argv[2] ?? '[]') as Op[]) {
  const t0 = performance.now();
  try {
    if (o.op === 'garp') net.gratuitousArp(o.dev, o.address, o.count ?? 1);
    else net.addressChange(o.op, o.dev, o.address, o.prefix ?? 32, { label: o.label, nodad: o.nodad });
    console.log(JSON.stringify({ ok: true, us: Math.round((performance.now() - t0) * 1000) }));
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: (err as { code?: string }).code, message: (err as Error).message }));
  }
}
