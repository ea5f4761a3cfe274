// The addon's error path, against the real kernel: operations on an
// interface that does not exist change nothing, so they run anywhere, and
// must come back as errors naming the errno and the operation (never a
// crash, never a silent success).

import test from 'ava';
import { NativeNetError, nativeNet } from '../../../cluster/vrrp/native-net.ts';
import { rawSocketModule } from '../../../cluster/vrrp/raw-socket-module.ts';
import { ReceiveStamps } from '../../../cluster/vrrp/receive-stamps.ts';
import { createSocket } from 'node:dgram';

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

test.serial("a raw socket's descriptor is found, and a packet's kernel receive stamp says how long it waited for the event loop", async (t) => {
  const net = nativeNet()!;
  const raw = rawSocketModule();
  // Protocol 253 (RFC 3692, for experiments): no VRRP socket of this process or another sees these.
  const PROTO = 253;
  const before = net.rawSocketFds(PROTO);
  const receiver = raw.createSocket({ protocol: PROTO, addressFamily: raw.AddressFamily.IPv4 });
  const sender = raw.createSocket({ protocol: PROTO, addressFamily: raw.AddressFamily.IPv4 });
  t.teardown(() => {
    receiver.close();
    sender.close();
  });
  const added = net.rawSocketFds(PROTO).filter((fd) => !before.includes(fd));
  t.is(added.length, 2, 'both new raw sockets of that protocol');
  const received = new Promise<number | undefined[]>((resolve) => {
    receiver.on('message', () => resolve(added.map((fd) => net.receiveAge(fd)) as never));
  });
  for (const fd of added) t.is(net.receiveAge(fd), undefined, 'nothing read yet (and stamping is now on)');
  // Once sent (the loopback delivers it at once), hold the event loop while the packet waits in the
  // kernel: its age when read must include the wait.
  sender.send(Buffer.from('stamp'), 0, 5, '127.0.0.1', () => {
    const held = performance.now();
    while (performance.now() - held < 40);
  });
  const ages = (await received) as unknown as Array<number | undefined>;
  // A raw socket gets every packet of its protocol, the sender's too: whichever was read first, its stamp covers the wait.
  t.true(ages.some((a) => a !== undefined && a >= 40 && a < 1000), `ages ${JSON.stringify(ages)} ms: one covers the 40 ms the loop was held`);
});

test('bad descriptors and protocols: no stamp, a TypeError for a wrong call', (t) => {
  const net = nativeNet()!;
  t.is(net.receiveAge(987_654), undefined);
  t.deepEqual(net.rawSocketFds(254), []);
  t.throws(() => net.rawSocketFds(300), { instanceOf: TypeError });
});

test.serial("a UDP transport's socket is told apart by its port, and its datagrams' stamps cover the loop's delay too", async (t) => {
  const stamps = new ReceiveStamps((n) => n.udpSocketFds(port));
  const other = createSocket('udp4');
  await new Promise<void>((r) => other.bind(0, '127.0.0.2', () => r()));
  const port = other.address().port;
  const receiver = createSocket('udp4');
  t.teardown(() => {
    other.close();
    receiver.close();
  });
  // Another socket already on the port (on another address): not the one opened now.
  stamps.beforeOpen();
  await new Promise<void>((r) => receiver.bind(port, '127.0.0.1', () => r()));
  stamps.afterOpen();
  t.is(stamps.age(), undefined, 'nothing read yet');
  const ages: Array<number | undefined> = [];
  const got = new Promise<void>((resolve) => {
    receiver.on('message', () => {
      ages.push(stamps.age());
      resolve();
    });
  });
  const sender = createSocket('udp4');
  t.teardown(() => sender.close());
  sender.send('stamp', port, '127.0.0.1', () => {
    const held = performance.now();
    while (performance.now() - held < 40);
  });
  await got;
  t.true(ages[0] !== undefined && ages[0] >= 40 && ages[0] < 1000, `age ${ages[0]} ms covers the 40 ms the loop was held`);
  stamps.closed();
  t.is(stamps.age(), undefined, 'no stamp once closed');
});
