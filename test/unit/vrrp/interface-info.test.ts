// The address adverts leave from: what the kernel will pick, never a VIP.

import test from 'ava';
import { readInterface, sourceAddress, VrrpAdapterCode, type InterfaceInfo } from '../../../cluster/vrrp/index.ts';

const eth0: InterfaceInfo = { name: 'eth0', index: 2, mac: '02:00:00:00:00:01', ipv4: ['10.99.0.100', '10.99.0.11'], ipv6LinkLocal: 'fe80::1' };

test('IPv4: the first address that is not a VIP (a killed master may have left one first)', (t) => {
  t.is(sourceAddress(eth0, 4, ['10.99.0.100']), '10.99.0.11');
  t.is(sourceAddress(eth0, 4, []), '10.99.0.100');
});

test('IPv6: the link-local address', (t) => {
  t.is(sourceAddress(eth0, 6, ['2001:db8::100']), 'fe80::1');
});

test('a configured unicast source wins', (t) => {
  t.is(sourceAddress(eth0, 4, [], '10.99.0.12'), '10.99.0.12');
});

test('no usable address: an error that says so', (t) => {
  const e = t.throws(() => sourceAddress({ ...eth0, ipv4: ['10.99.0.100'] }, 4, ['10.99.0.100']));
  t.is((e as { code?: string }).code, VrrpAdapterCode.NO_SOURCE_ADDRESS);
  t.regex(e!.message, /eth0/);
});

test('readInterface: lo exists; a missing interface is named', (t) => {
  const lo = readInterface('lo');
  t.is(lo.name, 'lo');
  t.true(lo.index > 0);
  t.true(lo.ipv4.includes('127.0.0.1'));
  const e = t.throws(() => readInterface('no-such-if0'));
  t.is((e as { code?: string }).code, VrrpAdapterCode.NO_INTERFACE);
  t.regex(e!.message, /'no-such-if0'/);
  t.is((t.throws(() => readInterface('../lo')) as { code?: string }).code, VrrpAdapterCode.NO_INTERFACE);
});
