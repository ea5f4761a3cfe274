// The addon's error path, against the real kernel: operations on an
// interface that does not exist change nothing, so they run anywhere, and
// must come back as errors naming the errno and the operation (never a
// crash, never a silent success).

import test from 'ava';
import { NativeNetError, nativeNet } from '../../../cluster/vrrp/native-net.ts';

const MISSING = 'hwmissing0';

test('the addon is built and loads (npm install builds it)', (t) => {
  t.not(nativeNet(), undefined, "cluster/vrrp/native/build/Release/hawser_vrrp_native.node did not load: run 'npm install'");
});

test('adding an address to a missing interface: ENODEV, with the address and the interface in the message', (t) => {
  const err = t.throws(() => nativeNet()!.addressChange('add', MISSING, '10.99.0.200', 32), { instanceOf: NativeNetError });
  t.is(err?.code, 'ENODEV');
  t.is(err?.message, `adding 10.99.0.200/32 on '${MISSING}': no such device (ENODEV)`);
});

test('removing an IPv6 address from a missing interface: ENODEV', (t) => {
  const err = t.throws(() => nativeNet()!.addressChange('del', MISSING, 'fd00:99::200', 128), { instanceOf: NativeNetError });
  t.is(err?.code, 'ENODEV');
  t.regex(err?.message ?? '', /^removing fd00:99::200\/128 on 'hwmissing0'/);
});

test('a gratuitous ARP on a missing interface: ENODEV', (t) => {
  const err = t.throws(() => nativeNet()!.gratuitousArp(MISSING, '10.99.0.200', 1), { instanceOf: NativeNetError });
  t.is(err?.code, 'ENODEV');
});

test('bad arguments are refused before the kernel sees them', (t) => {
  const net = nativeNet()!;
  t.throws(() => net.addressChange('add', MISSING, 'not-an-ip', 32), { instanceOf: TypeError });
  t.throws(() => net.gratuitousArp(MISSING, 'fd00::1', 1), { instanceOf: TypeError, message: /not an IPv4 address/ });
  // A prefix longer than the address: EINVAL from our own check, before if_nametoindex.
  t.is((t.throws(() => net.addressChange('add', MISSING, '10.99.0.200', 33)) as NativeNetError).code, 'EINVAL');
  t.is((t.throws(() => net.addressChange('add', 'x'.repeat(40), '10.99.0.200', 32)) as NativeNetError).code, 'ENODEV');
});
