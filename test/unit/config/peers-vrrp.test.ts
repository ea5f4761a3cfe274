// peers and vrrp sections: parsed and checked now, used by later issues.

import test from 'ava';
import { DEFAULTS, parse, parseClean } from './parse.ts';

test('peers: the local peer is found by node name and gives the bind address', (t) => {
  const text = 'peers lb\n  peer lb1 192.0.2.11:7777\n  peer lb2 [2001:db8::12]:7777\n';
  const c = parseClean(text, { localName: 'lb2' });
  const p = c.peers.get('lb')!;
  t.is(p.local, 'lb2');
  t.like(p.bind, { address: { host: '2001:db8::12', port: 7777, family: 6 } });
  t.deepEqual(p.peers.map((x) => x.name), ['lb1', 'lb2']);
});

test('peers: global localpeer overrides the node name', (t) => {
  const c = parseClean('global\n  localpeer lb1\npeers lb\n  peer lb1 192.0.2.11:7777\n', { localName: 'host' });
  t.is(c.peers.get('lb')!.local, 'lb1');
});

test('peers: bind + server style, disabled', (t) => {
  const c = parseClean('peers lb\n  bind 0.0.0.0:7777\n  server lb1\n  server lb2 192.0.2.12:7777\n  disabled\n');
  const p = c.peers.get('lb')!;
  t.like(p, { local: 'lb1', disabled: true, bind: { address: { host: '0.0.0.0', port: 7777 } } });
  t.like(p.peers[1], { name: 'lb1', address: { port: 7777 } });
});

test('peers: a section without this node is only a warning', (t) => {
  const r = parse('peers lb\n  peer a 192.0.2.1:7777\n', { localName: 'zz' });
  t.truthy(r.config);
  t.deepEqual(r.warnings, ["HAWSER_CFG_INCOMPLETE t.cfg:1: warning: peers section 'lb' has no peer named 'zz' (this node): it will not be used on this node"]);
});

test('peers: errors in peer lines', (t) => {
  const r = parse(`peers lb
  peer lb1 192.0.2.11
  peer lb1 192.0.2.11:7777
  peer lb1 192.0.2.12:7777
  peer lb2 192.0.2.12:7777 ssl
  peer lb3 nope.:x
  server other
  peerr x 1.2.3.4:1
  table t type ip size 1k
peers lb
`);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_BAD_VALUE t.cfg:2: peer lb1: missing port specification in '192.0.2.11'",
    "HAWSER_CFG_DUPLICATE t.cfg:4: peers section 'lb': peer 'lb1' is already defined at t.cfg:3",
    "HAWSER_CFG_INCOMPLETE t.cfg:5: peers section 'lb': peer 'lb2': verify is enabled by default but no CA file specified ('ca-file <file>', or 'verify none' on a network you trust)",
    "HAWSER_CFG_BAD_VALUE t.cfg:6: peer lb3: invalid character 'x' in port number 'x' in 'nope.:x'",
    "HAWSER_CFG_INCOMPLETE t.cfg:7: peers section 'lb': server 'other' has no address, which is only allowed for the local peer ('lb1')",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:8: unknown keyword 'peerr' in peers section 'lb' (did you mean 'peer'?)",
    "HAWSER_CFG_DUPLICATE t.cfg:10: peers section 'lb' has the same name as another peers section declared at t.cfg:1",
  ]);
});

const VRRP = `vrrp web
  interface eth0
  virtual-router-id 51
  priority lb1 150 lb2 100
  advert-interval 100ms
  virtual-ipaddress 192.0.2.100/24
`;

test('vrrp: the design example parses into the model', (t) => {
  const c = parseClean(`${DEFAULTS}backend app\n${VRRP}  track-backend app weight -60\n  virtual-ipaddress 2001:db8::100 dev eth1 label eth1:0\n`);
  const v = c.vrrp.get('web')!;
  t.like(v, { name: 'web', interface: 'eth0', virtualRouterId: 51, advertInterval: 100 });
  t.deepEqual([...v.priority.byNode], [['lb1', 150], ['lb2', 100]]);
  t.is(v.priority.default, undefined);
  t.like(v.virtualAddresses[0], { address: '192.0.2.100', prefix: 24, family: 4 });
  t.like(v.virtualAddresses[1], { address: '2001:db8::100', prefix: 128, family: 6, dev: 'eth1', label: 'eth1:0' });
  t.like(v.entries[0], { keyword: 'track-backend', args: ['app', 'weight', '-60'] });
});

test('vrrp: single priority, version 2, whole-second intervals', (t) => {
  const c = parseClean('vrrp a\n  interface eth0\n  virtual-router-id 1\n  priority 200\n  version 2\n  advert-interval 1\n  virtual-ipaddress 10.0.0.1\n');
  t.like(c.vrrp.get('a'), { version: 2, advertInterval: 1000, priority: { default: 200 } });
});

test('vrrp: ranges, syntax, unknown keywords, references', (t) => {
  const r = parse(`vrrp a
  virtual-router-id 256
  priority 0
  priority lb1
  priority lb1 300
  advert-interval 5x
  virtual-ipaddress 10.0.0.300/24
  virtual-ipaddress 10.0.0.1/33
  version 4
  intrface eth0
  track-backend nope
  unicast-peer 10.0.0.2 bad
vrrp b
  interface eth0
  virtual-router-id 7
  advert-interval 15ms
  virtual-ipaddress 10.0.0.2
`);
  t.deepEqual(r.errors, [
    // Written but refused values are not reported missing again; the misspelt interface is.
    "HAWSER_CFG_INCOMPLETE t.cfg:1: vrrp 'a' has no 'interface'",
    "HAWSER_CFG_BAD_VALUE t.cfg:2: 'virtual-router-id' must be between 1 and 255, not 256",
    "HAWSER_CFG_BAD_VALUE t.cfg:3: 'priority' must be between 1 and 255, not 0",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:4: 'priority': node 'lb1' has no value (write 'lb1 <1-255>')",
    "HAWSER_CFG_BAD_VALUE t.cfg:5: node 'lb1': 'priority' must be between 1 and 255, not 300",
    "HAWSER_CFG_BAD_VALUE t.cfg:6: 'advert-interval': unexpected 'x' after the number in '5x' (units are us, ms, s, m, h and d)",
    "HAWSER_CFG_BAD_VALUE t.cfg:7: 'virtual-ipaddress': '10.0.0.300/24' is not an IPv4 or IPv6 address with an optional /prefix",
    "HAWSER_CFG_BAD_VALUE t.cfg:8: 'virtual-ipaddress': invalid prefix length '/33' in '10.0.0.1/33' (0-32)",
    "HAWSER_CFG_BAD_VALUE t.cfg:9: 'version' expects 2 or 3, not '4'",
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:10: unknown keyword 'intrface' in vrrp 'a' (did you mean 'interface'?)",
    "HAWSER_CFG_UNKNOWN_BACKEND t.cfg:11: vrrp 'a': track-backend 'nope' does not exist",
    "HAWSER_CFG_BAD_VALUE t.cfg:12: 'unicast-peer': 'bad' is not an IP address",
    "HAWSER_CFG_BAD_VALUE t.cfg:13: vrrp 'b': VRRPv3 'advert-interval' must be a multiple of 10ms between 10ms and 40950ms, not 15ms",
  ]);
});

test('vrrp: the same router id twice on an interface; this node without priority', (t) => {
  const one = (name: string): string => `vrrp ${name}\n  interface eth0\n  virtual-router-id 9\n  priority x 100\n  virtual-ipaddress 10.0.0.9\n`;
  const r = parse(one('a') + one('b'), { localName: 'lb1' });
  t.deepEqual(r.errors, ["HAWSER_CFG_DUPLICATE t.cfg:6: vrrp 'b' uses virtual-router-id 9 on eth0 like vrrp 'a'"]);
  t.is(r.warnings.length, 2);
  t.regex(r.warnings[0]!, /no priority for this node 'lb1' \(priorities are given for x\)/);
});
