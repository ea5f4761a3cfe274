// From `vrrp` sections, parsed by the real config front end, to one node's
// typed VRRP settings, with diagnostics at file:line. Keywords the front end
// does not pass through yet (see NOT_YET_IN_PARSER) are added to the parsed
// section as the parser would keep them, at their own line.

import test from 'ava';
import { formatDiagnostic, parseConfigText, type VrrpSection } from '../../../src/config/index.ts';
import {
  CLEAR_TEXT_PASSWORD,
  checkReceivedAdvert,
  decodeIPv4Packet,
  vrrpSettings,
  VrrpStateMachine,
  type VrrpSettings,
} from '../../../cluster/vrrp/index.ts';
import { KEEPALIVED_V2 } from './captured.ts';
import { FakeClock } from './simulated-lan.ts';

/** Keywords settings.ts interprets that src/config/keywords.ts does not list yet (reported to the lead). */
const NOT_YET_IN_PARSER = new Set(['unicast-source', 'track-file', 'notify-stop', 'v3-checksum', 'authentication', 'sync-group', 'transport-port']);

const BACKEND = 'defaults\n  mode http\n  timeout connect 5s\n  timeout client 30s\n  timeout server 30s\nbackend app\n';

/** `bypass`: more keywords to hand to settings directly, to test its own checks of values the front end also refuses. */
function section(text: string, bypass: readonly string[] = [], name = 'web'): VrrpSection {
  const lines = text.split('\n');
  const extra: VrrpSection['entries'] = [];
  const kept = lines.map((line, i) => {
    const words = line.trim().split(/\s+/);
    let kw = words[0]!;
    if (kw === 'transport' && words[2] === 'port') kw = 'transport-port';
    if (!NOT_YET_IN_PARSER.has(kw) && !bypass.includes(kw)) return line;
    extra.push({ pos: { file: 't.cfg', line: i + 1 }, keyword: words[0]!, args: words.slice(1) });
    return '';
  });
  const r = parseConfigText(kept.join('\n'), 't.cfg', { env: {}, localName: 'lb1' });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.config === undefined || errors.length > 0) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  const s = r.config.vrrp.get(name)!;
  s.entries.push(...extra);
  s.entries.sort((a, b) => a.pos.line - b.pos.line);
  return s;
}

function settingsOf(text: string, node = 'lb1', bypass: readonly string[] = []): { settings: VrrpSettings | undefined; messages: string[] } {
  const r = vrrpSettings(section(text, bypass), node);
  return { settings: r.settings, messages: r.diagnostics.map(formatDiagnostic) };
}

const WEB = `${BACKEND}vrrp web
  interface eth0
  virtual-router-id 51
  priority lb1 150 lb2 100
  advert-interval 100ms
  virtual-ipaddress 192.0.2.100/24
  track-backend app weight -60
`;

test('the design example: each node gets its own priority, defaults fill the rest', (t) => {
  const { settings, messages } = settingsOf(WEB);
  t.deepEqual(messages, []);
  t.like(settings, {
    name: 'web',
    interface: 'eth0',
    vrid: 51,
    priority: 150,
    advertInterval: 100,
    version: 3,
    family: 4,
    advertisedAddresses: ['192.0.2.100'],
    preempt: true,
    preemptDelay: 0,
    garp: { masterDelay: 5000, masterRepeat: 5, masterRefresh: 0 },
    checksumPseudoHeader: true,
    transport: { kind: 'raw' },
    acceptMode: true,
    disabled: false,
    notify: {},
  });
  t.like(settings!.virtualAddresses[0], { address: '192.0.2.100', prefix: 24, family: 4, pos: { file: 't.cfg', line: 12 } });
  t.deepEqual(settings!.tracks, [{ kind: 'backend', pos: { file: 't.cfg', line: 13 }, name: 'app', weight: -60 }]);
  t.is(settingsOf(WEB, 'lb2').settings!.priority, 100);
  t.is(settingsOf(WEB, 'lb9').settings!.priority, 100, 'an unnamed node gets the default 100 (the front end warns)');
});

test('a single priority applies to every node; v2 intervals are whole seconds', (t) => {
  const text = 'vrrp web\n  interface eth0\n  virtual-router-id 7\n  priority 200\n  version 2\n  advert-interval 3\n  virtual-ipaddress 10.0.0.1\n';
  const { settings } = settingsOf(text, 'anything');
  t.like(settings, { priority: 200, version: 2, advertInterval: 3000 });
});

test('the keywords kept raw become typed settings', (t) => {
  const { settings, messages } = settingsOf(`${BACKEND}vrrp web
  interface eth0
  virtual-router-id 51
  priority 120
  virtual-ipaddress 192.0.2.100/32 dev eth0 label eth0:vip
  virtual-ipaddress 2001:DB8:0:0::0100/64
  preempt-delay 30
  garp-master-delay 2s
  garp-master-repeat 3
  garp-master-refresh 60
  track-interface eth1 weight -20
  track-script "/usr/local/bin/check --fast" interval 2s timeout 500ms rise 2 fall 3 weight -30
  track-script /usr/local/bin/alive
  notify-master "/etc/hawser/notify.sh master"
  notify-backup /etc/hawser/notify.sh backup
  notify /etc/hawser/notify-all.sh
  unicast-src-ip 10.99.0.11
  unicast-peer 10.99.0.12 10.99.0.13
  unicast-peer 10.99.0.14
  transport udp
  no-accept
  disabled
  description front web VIP
`);
  t.deepEqual(messages, []);
  const s = settings!;
  t.like(s, {
    preempt: true,
    preemptDelay: 30_000,
    garp: { masterDelay: 2000, masterRepeat: 3, masterRefresh: 60_000 },
    unicast: { source: '10.99.0.11', peers: ['10.99.0.12', '10.99.0.13', '10.99.0.14'] },
    transport: { kind: 'udp', port: 5798 },
    acceptMode: false,
    disabled: true,
    description: 'front web VIP',
    family: 4,
    advertisedAddresses: ['192.0.2.100'], // the IPv6 VIP moves with it, unlisted
  });
  t.like(s.virtualAddresses[0], { dev: 'eth0', label: 'eth0:vip' });
  t.like(s.virtualAddresses[1], { address: '2001:db8::100', prefix: 64, family: 6 });
  t.deepEqual(
    s.tracks.map(({ pos: _, ...rest }) => rest),
    [
      { kind: 'interface', name: 'eth1', weight: -20 },
      { kind: 'script', argv: ['/usr/local/bin/check', '--fast'], interval: 2000, timeout: 500, rise: 2, fall: 3, weight: -30 },
      { kind: 'script', argv: ['/usr/local/bin/alive'], interval: 1000, timeout: 1000, rise: 1, fall: 1, weight: 0 },
    ],
  );
  t.deepEqual(s.notify.master?.argv, ['/etc/hawser/notify.sh', 'master']);
  t.deepEqual(s.notify.backup?.argv, ['/etc/hawser/notify.sh', 'backup']);
  t.deepEqual(s.notify.any, { pos: { file: 't.cfg', line: 22 }, argv: ['/etc/hawser/notify-all.sh'] });
});

test('keywords the front end does not pass yet: unicast-source, track-file, notify-stop, v3-checksum, authentication, sync-group, udp port', (t) => {
  const { settings, messages } = settingsOf(`vrrp web
  interface eth0
  virtual-router-id 51
  version 2
  virtual-ipaddress 10.99.0.100
  unicast-source 10.99.0.11
  unicast-peer 10.99.0.12
  track-file /run/hawser/weight weight 0
  notify-stop /etc/hawser/stopped.sh
  authentication pass s3cret
  sync-group edge
  transport udp port 6000
`);
  t.deepEqual(messages, [
    `${CLEAR_TEXT_PASSWORD} t.cfg:10: warning: vrrp 'web': 'authentication pass' sends the password in clear text in every advert: it protects nothing and is only for VRRPv2 routers that require it`,
  ]);
  t.like(settings, {
    unicast: { source: '10.99.0.11', peers: ['10.99.0.12'] },
    authentication: { type: 'pass', password: 's3cret' },
    syncGroup: 'edge',
    transport: { kind: 'udp', port: 6000 },
    notify: { stop: { argv: ['/etc/hawser/stopped.sh'] } },
  });
  t.like(settings!.tracks[0], { kind: 'file', path: '/run/hawser/weight', weight: 0 });
  const v3 = settingsOf('vrrp web\n  interface eth0\n  virtual-router-id 51\n  virtual-ipaddress 10.99.0.100\n  v3-checksum without-pseudo-header\n');
  t.deepEqual(v3.messages, []);
  t.false(v3.settings!.checksumPseudoHeader);
});

test('invalid values get file:line diagnostics, and no settings', (t) => {
  const r = settingsOf(`vrrp web
  interface eth0
  virtual-router-id 51
  virtual-ipaddress 10.99.0.100
  track-script /bin/check every 2s
  track-script /bin/check rise 0
  track-script
  track-interface eth1 weight 300
  track-interface eth1 weigth 3
  v3-checksum maybe
  authentication pass 123456789
  authentication md5 x
  unicast-source 2001:db8::1
  unicast-peer 10.99.0.12
  sync-group
  preempt-delay 2000s
  transport udp port 0
`, 'lb1', ['track-script', 'track-interface']);
  t.is(r.settings, undefined);
  t.deepEqual(r.messages, [
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:5: vrrp 'web': 'track-script': unknown option 'every' (expected interval, timeout, rise, fall or weight; quote the command with its arguments)",
    "HAWSER_CFG_BAD_VALUE t.cfg:6: vrrp 'web': 'track-script rise' must be between 1 and 1000, not 0",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:7: vrrp 'web': 'track-script' expects a command (quote it with its arguments)",
    "HAWSER_CFG_BAD_VALUE t.cfg:8: vrrp 'web': 'track-interface weight' must be between -254 and 254, not 300",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:9: vrrp 'web': 'track-interface eth1' only accepts 'weight <-254..254>'",
    "HAWSER_CFG_BAD_VALUE t.cfg:10: vrrp 'web': 'v3-checksum' expects 'with-pseudo-header' or 'without-pseudo-header', not 'maybe'",
    "HAWSER_CFG_BAD_VALUE t.cfg:11: vrrp 'web': 'authentication pass': the password is at most 8 printable ASCII characters",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:12: vrrp 'web': 'authentication' expects 'pass <password>' (AH is not supported)",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:15: vrrp 'web': 'sync-group' expects a group name, then optionally notify-master|notify-backup|notify-fault|notify-stop|notify <command>",
    "HAWSER_CFG_BAD_VALUE t.cfg:16: vrrp 'web': 'preempt-delay' must be between 0s and 1000s, not '2000s'",
    "HAWSER_CFG_BAD_VALUE t.cfg:17: vrrp 'web': 'transport udp port' must be between 1 and 65535, not 0",
    "HAWSER_CFG_BAD_VALUE t.cfg:1: vrrp 'web': no virtual address of the unicast source's family (IPv6) to advertise",
    "HAWSER_CFG_BAD_VALUE t.cfg:1: vrrp 'web': unicast peer 10.99.0.12 is not IPv6 like the adverts",
  ]);
});

test('authentication is refused with VRRPv3 (RFC 5798 removed it)', (t) => {
  const r = settingsOf('vrrp web\n  interface eth0\n  virtual-router-id 51\n  virtual-ipaddress 10.99.0.100\n  authentication pass abc\n');
  t.is(r.settings, undefined);
  t.deepEqual(r.messages, [
    "HAWSER_CFG_BAD_VALUE t.cfg:5: vrrp 'web': 'authentication' exists in VRRPv2 only (RFC 5798 removed it); remove it or use 'version 2'",
  ]);
});

test('warnings: settings that have no effect, or contradict each other', (t) => {
  const r = settingsOf(`vrrp web
  interface eth0
  virtual-router-id 51
  virtual-ipaddress 2001:db8::100
  preempt
  nopreempt
  preempt-delay 10s
  v3-checksum without-pseudo-header
`);
  t.deepEqual(r.messages, [
    "HAWSER_CFG_DUPLICATE t.cfg:6: warning: vrrp 'web': both 'preempt' and 'nopreempt' are set; the last one, 'nopreempt', applies",
    "HAWSER_CFG_IGNORED t.cfg:7: warning: vrrp 'web': 'preempt-delay' has no effect with 'nopreempt'",
    "HAWSER_CFG_IGNORED t.cfg:8: warning: vrrp 'web': 'v3-checksum without-pseudo-header' applies to IPv4 only; IPv6 adverts always carry the pseudo-header checksum",
  ]);
  t.like(r.settings, { preempt: false, family: 6, checksumPseudoHeader: true });
  const v2 = settingsOf('vrrp web\n  interface eth0\n  virtual-router-id 51\n  version 2\n  virtual-ipaddress 10.0.0.1\n  v3-checksum without-pseudo-header\n');
  t.deepEqual(v2.messages, [
    "HAWSER_CFG_IGNORED t.cfg:6: warning: vrrp 'web': 'v3-checksum' has no effect with 'version 2' (a v2 checksum never covers a pseudo-header)",
  ]);
});

test("a VIP on 'lo' is warned about (with arp_ignore=0 every node answers ARP for it)", (t) => {
  const r = settingsOf('vrrp web\n  interface eth0\n  virtual-router-id 51\n  virtual-ipaddress 10.99.0.100 dev lo\n');
  t.deepEqual(r.messages, [
    "HAWSER_CFG_BAD_VALUE t.cfg:4: warning: vrrp 'web': virtual address 10.99.0.100 on 'lo': every node would answer ARP for it; put it on the shared interface",
  ]);
  t.truthy(r.settings);
});

test('a section missing what a router needs gives no settings', (t) => {
  const s: VrrpSection = { pos: { file: 'x.cfg', line: 3 }, name: 'empty', priority: { byNode: new Map() }, virtualAddresses: [], entries: [] };
  const r = vrrpSettings(s, 'lb1');
  t.is(r.settings, undefined);
  t.deepEqual(r.diagnostics.map(formatDiagnostic), [
    "HAWSER_CFG_INCOMPLETE x.cfg:3: vrrp 'empty': no 'interface'",
    "HAWSER_CFG_INCOMPLETE x.cfg:3: vrrp 'empty': no 'virtual-router-id' (1-255)",
    "HAWSER_CFG_INCOMPLETE x.cfg:3: vrrp 'empty': no 'virtual-ipaddress'",
  ]);
});

test("settings drive the state machine and the receive checks as they are, and accept keepalived's captured advert", (t) => {
  const { settings } = settingsOf('vrrp web\n  interface eth0\n  virtual-router-id 51\n  priority 100\n  version 2\n  advert-interval 1\n  virtual-ipaddress 10.99.0.100/32\n');
  const s = settings!;
  const clock = new FakeClock();
  const m = new VrrpStateMachine({ ...s, primaryAddress: '10.99.0.12' }, clock);
  m.handle({ kind: 'startup' });
  t.is(m.masterDownInterval, 3609.375);
  const r = decodeIPv4Packet(KEEPALIVED_V2, { pseudoHeader: s.checksumPseudoHeader });
  if (!r.ok) return t.fail(r.drop.message);
  t.deepEqual(checkReceivedAdvert(r.advert, r.source, { ...s, primaryAddress: '10.99.0.12' }), {
    accept: true,
    addressMismatch: false,
    intervalMismatch: false,
  });
  m.handle({ kind: 'advert', priority: r.advert.priority, maxAdvertInterval: r.advert.interval, srcAddr: r.source });
  t.is(m.masterAddress, '10.99.0.11');
});
