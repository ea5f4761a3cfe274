// The VRRP part of the Prometheus exposition (`hawser_vrrp_*`), from the
// same statuses as `show vrrp`, so the runtime API and the metrics never
// disagree. Pure: text exposition format 0.0.4, one series per virtual
// router labelled `vrrp` (the section name), `interface` and `vrid`; the
// state is one-hot like promex's server status, so a dashboard can graph
// `hawser_vrrp_state{state="master"}` and alert on changes of it.
//
// @example
//   renderVrrpMetrics(cluster.status().vrrp);
//   // hawser_vrrp_state{vrrp="web",interface="eth0",vrid="51",state="master"} 1 ...

import type { VrrpInstanceStatus } from './instance.ts';
import type { VrrpState } from './state-machine.ts';

type Kind = 'gauge' | 'counter';

const STATES: readonly VrrpState[] = ['Initialize', 'Backup', 'Master', 'Fault'];

/** Name suffix, kind, help, value: one row per series kept per router. */
const SERIES: ReadonlyArray<readonly [string, Kind, string, (s: VrrpInstanceStatus) => number]> = [
  ['priority', 'gauge', 'Effective priority, after tracking (what the adverts carry)', (s) => s.priority],
  ['configured_priority', 'gauge', 'Priority from the configuration, before tracking', (s) => s.configuredPriority],
  ['fault', 'gauge', '1 while a tracked object (or a sync-group member) puts the router in Fault', (s) => (s.fault ? 1 : 0)],
  ['holding_addresses', 'gauge', '1 while this node holds the virtual addresses', (s) => (s.holdingAddresses ? 1 : 0)],
  ['advert_interval_seconds', 'gauge', 'Configured advertisement interval', (s) => s.advertInterval / 1000],
  ['master_down_interval_seconds', 'gauge', "Master_Down_Interval now (3 x the master's interval + Skew_Time)", (s) => s.masterDownInterval / 1000],
  ['master_priority', 'gauge', 'Priority of the current master as last heard (0 when unknown)', (s) => s.masterPriority ?? 0],
  ['adverts_sent_total', 'counter', 'Advertisements sent since the router started', (s) => s.advertsSent],
  ['adverts_received_total', 'counter', 'Advertisements received and accepted since the router started', (s) => s.advertsReceived],
  ['transitions_total', 'counter', 'State transitions since the router started', (s) => s.transitions],
  ['receive_errors_total', 'counter', 'Received packets dropped as errors (bad packets, mismatched configuration)', (s) => s.receiveErrors],
  ['transport_errors_total', 'counter', 'Failures to send or receive on the advert transport', (s) => s.transportErrors],
  ['address_errors_total', 'counter', 'Failures to add or remove virtual addresses or to announce them', (s) => s.addressErrors],
  ['split_brains_total', 'counter', 'Split-brain episodes: another master heard while this router was Master', (s) => s.splitBrains],
  ['split_brains_via_peers_total', 'counter', 'Of those, episodes seen through the peers channel while VRRP between the two masters was cut', (s) => s.splitBrainsViaPeers],
];

/** The `hawser_vrrp_*` families for these routers; empty when there are none. */
export function renderVrrpMetrics(routers: readonly VrrpInstanceStatus[]): string {
  if (routers.length === 0) return '';
  const labels = routers.map((s) => `vrrp="${labelValue(s.name)}",interface="${labelValue(s.interface)}",vrid="${s.vrid}"`);
  let out = header('hawser_vrrp_state', 'Current state of the virtual router, per state label value', 'gauge');
  routers.forEach((s, i) => {
    for (const st of STATES) out += `hawser_vrrp_state{${labels[i]},state="${st.toLowerCase()}"} ${st === s.state ? 1 : 0}\n`;
  });
  for (const [suffix, kind, help, value] of SERIES) {
    const name = `hawser_vrrp_${suffix}`;
    out += header(name, help, kind);
    routers.forEach((s, i) => {
      out += `${name}{${labels[i]}} ${value(s)}\n`;
    });
  }
  out += header('hawser_vrrp_drops_total', 'Received packets not used, by drop code (including normal ones such as another VRID)', 'counter');
  routers.forEach((s, i) => {
    for (const [code, n] of Object.entries(s.drops)) out += `hawser_vrrp_drops_total{${labels[i]},code="${labelValue(code)}"} ${n}\n`;
  });
  return out;
}

function header(name: string, help: string, kind: Kind): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n`;
}

function labelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}
