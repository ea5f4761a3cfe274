// The VRRP takeover bench (bench/vrrp-takeover.ts) times takeovers from
// tcpdump lines: these are lines tcpdump 4.99 printed for keepalived's
// adverts and gratuitous ARPs (and arping -U's) in a namespace lab; the
// priority-0 one is the same advert with its priority changed.

import test from 'ava';
import { parseWireLine } from '../../../bench/vrrp-wire.ts';

const VIP = '10.99.0.101';
const ADVERT = '1795531797.572781 ea:f5:e4:cc:a7:2a > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 46: 10.97.0.2 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 10cs, length 12';
const GARP = '1795531797.573412 ea:f5:e4:cc:a7:2a > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.99.0.101 (ff:ff:ff:ff:ff:ff) tell 10.99.0.101, length 28';

test('an advert: its sender MAC, priority and kernel timestamp in ms (µs kept)', (t) => {
  t.deepEqual(parseWireLine(ADVERT, VIP, 51), { at: 1795531797572.781, srcMac: 'ea:f5:e4:cc:a7:2a', kind: 'advert', priority: 150 });
  t.is(parseWireLine(ADVERT.replace('prio 150', 'prio 0'), VIP, 51)?.priority, 0);
});

test('a gratuitous ARP for the VIP', (t) => {
  t.deepEqual(parseWireLine(GARP, VIP, 51), { at: 1795531797573.412, srcMac: 'ea:f5:e4:cc:a7:2a', kind: 'arp' });
});

test('what is not ours: another VRID, a GARP for another address, an ordinary ARP request, tcpdump chatter', (t) => {
  t.is(parseWireLine(ADVERT, VIP, 52), undefined);
  t.is(parseWireLine(GARP, '10.99.0.100', 51), undefined);
  t.is(parseWireLine(GARP.replace('tell 10.99.0.101', 'tell 10.99.0.12'), VIP, 51), undefined, 'someone asking for the VIP is no announcement');
  t.is(parseWireLine('listening on br0, link-type EN10MB (Ethernet), snapshot length 262144 bytes', VIP, 51), undefined);
  t.is(parseWireLine('', VIP, 51), undefined);
});
