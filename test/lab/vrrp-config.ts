// hawser.cfg text for the lab tests: one `vrrp` section, the way an operator
// writes it, identical on every node (priorities keyed by node name).

export const VIP = '10.99.0.100';

export interface VrrpConfigOptions {
  vrid?: number;
  /** Node name -> priority. */
  priorities: Record<string, number>;
  /** ms */
  advertInterval: number;
  version?: 2 | 3;
  extra?: string[];
  /** Sections before the vrrp one (defaults, backends). */
  sections?: string;
  /** A runtime socket per node, `DIR/<node name>.sock` (one identical file: the path comes from ${HAPROXY_LOCALPEER}). */
  statsSocketDir?: string;
}

export function hawserConfig(o: VrrpConfigOptions): string {
  const prio = Object.entries(o.priorities)
    .map(([n, p]) => `${n} ${p}`)
    .join(' ');
  return [
    'global',
    '    log stdout format raw local0',
    ...(o.statsSocketDir !== undefined ? [`    stats socket "${o.statsSocketDir}/\${HAPROXY_LOCALPEER}.sock" mode 600 level admin`] : []),
    '',
    ...(o.sections !== undefined ? [o.sections] : []),
    'vrrp web',
    '    interface eth0',
    `    virtual-router-id ${o.vrid ?? 51}`,
    `    version ${o.version ?? 3}`,
    `    priority ${prio}`,
    `    advert-interval ${o.advertInterval}ms`,
    `    virtual-ipaddress ${VIP}/32`,
    ...(o.extra ?? []).map((l) => `    ${l}`),
    '',
  ].join('\n');
}

/** RFC 5798: Skew_Time and Master_Down_Interval (ms) of a backup of `priority` for a master advertising every `interval` ms. */
export function masterDownInterval(priority: number, interval: number, version: 2 | 3 = 3): { skew: number; down: number } {
  const skew = ((256 - priority) * (version === 3 ? interval : 1000)) / 256;
  return { skew, down: 3 * interval + skew };
}
