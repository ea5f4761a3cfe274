// `show peers [SECTION]` on the runtime socket: HAProxy 2.6's layout (one
// block per section, one line per peer with id=NAME(local|remote), addr=,
// status= and reconnect=, then the session and its shared tables), with
// what Hawser adds: direction, protocol version, TLS, bytes, reconnects,
// the last error, the configuration hash and whether it drifted, and per
// table the update ids sent, acknowledged and received and the lag.

import type { PeersStatus } from './peers-node.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** HAProxy's date as in `show peers`: [15/Apr/2019:11:28:01]. */
function stamp(d: Date): string {
  return `[${two(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}]`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
  return `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m`;
}

function codes(errors: Record<string, number>): string {
  const parts = Object.entries(errors).map(([c, n]) => `${c}=${n}`);
  return parts.length === 0 ? '-' : parts.join(',');
}

function hexId(n: number): string {
  return `0x${n.toString(16).padStart(12, '0')}`;
}

/** The text of `show peers` for these sections (`now` for the date line). */
export function showPeers(sections: readonly PeersStatus[], now = new Date()): string {
  if (sections.length === 0) return '';
  let out = '';
  let id = 0x1000;
  for (const s of sections) {
    out +=
      `${hexId((id += 0x100))}: ${stamp(now)} id=${s.section} local=${s.local} listen=${s.listen}` +
      ` config_hash=${s.configHash} tables=${s.tables.length > 0 ? s.tables.join(',') : '-'} errors=${codes(s.errors)}\n`;
    for (const p of s.peers) {
      const reconnect = p.reconnectIn !== undefined ? duration(p.reconnectIn) : '<NEVER>';
      out += `    ${hexId((id += 0x40))}: id=${p.name}(${p.local ? 'local' : 'remote'}) addr=${p.addr} status=${p.status} reconnect=${reconnect} confirm=0\n`;
      if (p.local) continue;
      out +=
        `        dir=${p.direction ?? '-'} since=${p.since !== undefined ? duration(p.since) : '-'} version=${p.version} tls=${p.tls ? 1 : 0}` +
        ` src=${p.src ?? '-'} software=${p.software || '-'}\n` +
        `        bytes_in=${p.bytesIn} bytes_out=${p.bytesOut} sessions=${p.sessions} reconnects=${p.reconnects}` +
        ` last_error=${p.lastError !== undefined ? JSON.stringify(p.lastError) : '-'}\n` +
        `        config_hash=${p.remoteHash ?? '-'} drift=${p.drift ? 1 : 0} errors=${codes(p.errors)}\n`;
      if (p.status !== 'ESTA') continue;
      out += '        shared tables:\n';
      for (const t of p.tables) {
        out +=
          `          ${t.name} local_id=${t.localId} remote_id=${t.remoteId ?? 0} state=${t.state}${t.mismatch !== undefined ? ` mismatch=${JSON.stringify(t.mismatch)}` : ''}\n` +
          `            last_acked=${t.lastAcked} last_pushed=${t.lastPushed} last_get=${t.lastGet} update=${t.update}` +
          ` lag=${Math.max(0, t.update - t.lastAcked)} pushed=${t.pushed} received=${t.received} skipped=${t.skipped}` +
          ` refused=${t.refused} resyncs=${t.resyncs}\n`;
      }
    }
  }
  return out;
}
