// The drill cluster's hawser.cfg: one file, identical on every node, as an
// operator would deploy it (per-node values come from -L, i.e.
// "${HAPROXY_LOCALPEER}", expanded inside double quotes as HAProxy does). Parts that need features the build may lack are
// switched by `Features` (see features.ts).

export const VIP = '10.98.0.100';
export const VRID = 51;
export const PEERS_PORT = 10000;
export const BACKEND_PORT = 8080;

export interface Features {
  /** Cookie persistence (`cookie SRV insert`). */
  cookie: boolean;
  /** Stick tables, the peers section and cluster-wide rate limits. */
  stick: boolean;
}

export interface ClusterLayout {
  nodes: Array<{ name: string; address: string; priority: number }>;
  backends: Array<{ name: string; address: string }>;
  advertMs: number;
  /** Requests per 10 s allowed to one source on /limited, cluster-wide. */
  rateLimit: number;
  nopreempt: boolean;
  sockDir: string;
}

export function clusterConfig(l: ClusterLayout, f: Features): string {
  const out: string[] = [
    'global',
    '    log stdout format raw local0',
    `    stats socket "${l.sockDir}/\${HAPROXY_LOCALPEER}.sock" mode 600 level admin`,
    '',
  ];
  if (f.stick) {
    out.push('peers drill');
    for (const n of l.nodes) out.push(`    peer ${n.name} ${n.address}:${PEERS_PORT}`);
    out.push('    table limits type ip size 100k expire 60s store http_req_rate(10s)');
    out.push('    table sticky type ip size 100k expire 30m store server_id');
    out.push('');
  }
  out.push(
    'defaults',
    '    mode http',
    '    timeout connect 1s',
    '    timeout client 10s',
    '    timeout server 10s',
    '    retries 2',
    '    option redispatch',
    '',
    'frontend www',
    `    bind ${VIP}:80`,
    '    http-response set-header X-Hawser-Node "${HAPROXY_LOCALPEER}"',
  );
  if (f.stick) {
    out.push(
      '    http-request track-sc0 src table drill/limits if { path_beg /limited }',
      `    http-request deny deny_status 429 if { path_beg /limited } { sc_cluster_http_req_rate(0) gt ${l.rateLimit} }`,
    );
  }
  out.push('    default_backend web', '', 'backend web', '    balance roundrobin');
  if (f.cookie) out.push('    cookie SRV insert indirect nocache');
  if (f.stick) out.push('    stick on src table drill/sticky if { path_beg /src }');
  for (const b of l.backends) {
    out.push(`    server ${b.name} ${b.address}:${BACKEND_PORT} check inter 200ms fall 2 rise 2${f.cookie ? ` cookie ${b.name}` : ''}`);
  }
  out.push(
    '',
    'vrrp vip',
    '    interface eth0',
    `    virtual-router-id ${VRID}`,
    '    version 3',
    `    priority ${l.nodes.map((n) => `${n.name} ${n.priority}`).join(' ')}`,
    `    advert-interval ${l.advertMs}ms`,
    `    virtual-ipaddress ${VIP}/24`,
    '    track-backend web weight -60',
  );
  if (l.nopreempt) out.push('    nopreempt');
  out.push('');
  return out.join('\n');
}
