// The hawser_vrrp_* Prometheus families: what a scraper parses out of the
// text, for a master and a backup router, compared with their statuses.

import test from 'ava';
import { renderVrrpMetrics } from '../../../cluster/vrrp/index.ts';
import { vrrpStatus as status } from './instance-status.ts';

interface Family {
  kind: string;
  samples: Map<string, number>;
}

/** A strict reader of exposition format 0.0.4: HELP and TYPE once before a family's samples, every sample in a declared family. */
function parse(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = /^# HELP (\w+) \S.*$/.exec(line);
    if (help) {
      if (families.has(help[1]!)) throw new Error(`family ${help[1]} declared twice`);
      current = help[1]!;
      continue;
    }
    const type = /^# TYPE (\w+) (gauge|counter)$/.exec(line);
    if (type) {
      if (type[1] !== current) throw new Error(`TYPE of ${type[1]} without its HELP`);
      families.set(current, { kind: type[2]!, samples: new Map() });
      continue;
    }
    const sample = /^(\w+)\{((?:\w+="(?:[^"\\]|\\.)*",?)+)\} (-?[\d.]+)$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    if (sample[1] !== current) throw new Error(`sample of ${sample[1]} outside its family`);
    const f = families.get(current)!;
    if (f.samples.has(sample[2]!)) throw new Error(`duplicate series ${line}`);
    f.samples.set(sample[2]!, Number(sample[3]));
  }
  return families;
}

const master = status({
  name: 'web',
  state: 'Master',
  configuredPriority: 150,
  priority: 90,
  trackingReason: 'backend app down (-60)',
  masterAddress: '10.99.0.11',
  masterPriority: 90,
  holdingAddresses: true,
  advertsSent: 1234,
  advertsReceived: 3,
  transitions: 2,
  splitBrains: 1,
});
const backup = status({
  name: 'db "main"',
  vrid: 52,
  drops: { HAWSER_VRRP_BAD_TTL: 2, HAWSER_VRRP_OTHER_VRID: 7 },
  receiveErrors: 2,
});

test('every router gets every family; counters end in _total; the text parses strictly', (t) => {
  const m = parse(renderVrrpMetrics([master, backup]));
  for (const [name, f] of m) {
    t.true(name.startsWith('hawser_vrrp_'), name);
    t.is(f.kind === 'counter', name.endsWith('_total'), `${name} is a ${f.kind}`);
  }
  t.is(m.get('hawser_vrrp_priority')!.samples.size, 2);
  t.is(m.get('hawser_vrrp_adverts_sent_total')!.samples.size, 2);
});

test('state is one-hot per router; values are the statuses\' (effective priority after tracking, intervals in seconds)', (t) => {
  const m = parse(renderVrrpMetrics([master, backup]));
  const web = 'vrrp="web",interface="eth0",vrid="51"';
  const db = 'vrrp="db \\"main\\"",interface="eth0",vrid="52"';
  const state = m.get('hawser_vrrp_state')!.samples;
  t.deepEqual(
    ['initialize', 'backup', 'master', 'fault'].map((s) => state.get(`${web},state="${s}"`)),
    [0, 0, 1, 0],
  );
  t.deepEqual(
    ['initialize', 'backup', 'master', 'fault'].map((s) => state.get(`${db},state="${s}"`)),
    [0, 1, 0, 0],
  );
  t.is(m.get('hawser_vrrp_priority')!.samples.get(web), 90);
  t.is(m.get('hawser_vrrp_configured_priority')!.samples.get(web), 150);
  t.is(m.get('hawser_vrrp_holding_addresses')!.samples.get(web), 1);
  t.is(m.get('hawser_vrrp_holding_addresses')!.samples.get(db), 0);
  t.is(m.get('hawser_vrrp_adverts_sent_total')!.samples.get(web), 1234);
  t.is(m.get('hawser_vrrp_adverts_received_total')!.samples.get(db), 42);
  t.is(m.get('hawser_vrrp_master_priority')!.samples.get(db), 150);
  t.is(m.get('hawser_vrrp_master_down_interval_seconds')!.samples.get(db), 0.3609375);
  t.is(m.get('hawser_vrrp_advert_interval_seconds')!.samples.get(db), 0.1);
  t.is(m.get('hawser_vrrp_transitions_total')!.samples.get(web), 2);
  t.is(m.get('hawser_vrrp_receive_errors_total')!.samples.get(db), 2);
  t.is(m.get('hawser_vrrp_split_brains_total')!.samples.get(web), 1);
});

test('drops are counted by code; a router without drops has no drop series', (t) => {
  const drops = parse(renderVrrpMetrics([master, backup])).get('hawser_vrrp_drops_total')!.samples;
  t.deepEqual([...drops.entries()], [
    ['vrrp="db \\"main\\"",interface="eth0",vrid="52",code="HAWSER_VRRP_BAD_TTL"', 2],
    ['vrrp="db \\"main\\"",interface="eth0",vrid="52",code="HAWSER_VRRP_OTHER_VRID"', 7],
  ]);
});

test('no router, no VRRP families', (t) => {
  t.is(renderVrrpMetrics([]), '');
});
