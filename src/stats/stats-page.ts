// The stats page's HTML: one table per proxy (frontend, servers, backend)
// with HAProxy's status colours, sessions, rates, bytes, errors, checks,
// weights and downtime; an admin form per backend for admins. One file,
// inline CSS, no script: it must load anywhere, refresh itself, and stay
// readable on a phone (tables scroll sideways, secondary columns fold away).

import { STAT_FIELDS, statRows } from '../runtime/index.ts';

type StatView = Parameters<typeof statRows>[0];
import { OUTCOME_TEXT } from './admin-form.ts';

export interface PageOptions {
  /** The proxy serving the page. */
  proxy: string;
  uri: string;
  /** ms; 0: no auto-refresh. */
  refresh: number;
  hideVersion: boolean;
  showLegends: boolean;
  admin: boolean;
  version: string;
  /** The outcome of the last admin action (`;st=DONE`), or ''. */
  outcome: string;
  /** HTML the parts src/ does not know add above the proxies (the cluster's table), already escaped. */
  sections?: string;
}

const C = new Map<string, number>(STAT_FIELDS.map((n, i) => [n, i]));
const f = (r: string[], name: string): string => r[C.get(name)!] ?? '';

const CSS = `
body{font-family:system-ui,Arial,sans-serif;font-size:13px;margin:8px;color:#000;background:#fff}
h1{font-size:18px;margin:4px 0;background:#20a0d0;color:#fff;padding:4px 8px}
h2{font-size:15px;margin:14px 0 4px}
.info{display:flex;flex-wrap:wrap;gap:4px 24px;margin:6px 0}
.wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;min-width:100%}
th,td{border:1px solid #999;padding:2px 5px;text-align:right;white-space:nowrap}
th{background:#b0b0d0}
td.n,th.n{text-align:left;position:sticky;left:0;background:inherit}
tr.fe{background:#eeeeff}tr.be{background:#ccccff;font-weight:bold}
tr.up{background:#c0ffc0}tr.going-down{background:#ffffa0}tr.going-up{background:#ffd020}
tr.down{background:#ff9090}tr.maint{background:#c0c0ff}tr.drain{background:#b0d0ff}tr.nocheck{background:#e0e0e0}
.legend span{display:inline-block;padding:1px 6px;margin:2px;border:1px solid #999}
.outcome{padding:4px 8px;background:#d0ffd0;border:1px solid #080;margin:6px 0}
form.admin{margin:4px 0;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
@media (max-width:600px){.opt{display:none}body{margin:4px}h1{font-size:16px}}
`;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** HAProxy's short durations: 5s, 3m20s, 2h10m, 4d3h. */
function duration(secsText: string): string {
  if (secsText === '' || secsText === '-1') return '';
  let s = Number(secsText);
  if (!Number.isFinite(s)) return '';
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

function rowClass(r: string[]): string {
  const type = f(r, 'type');
  if (type === '0') return 'fe';
  if (type === '1') return 'be';
  const st = f(r, 'status');
  if (st.startsWith('MAINT')) return 'maint';
  if (st.startsWith('DRAIN')) return 'drain';
  if (st === 'no check') return 'nocheck';
  if (/^UP \d/.test(st)) return 'going-down';
  if (/^DOWN \d/.test(st)) return 'going-up';
  if (st.startsWith('UP')) return 'up';
  return 'down';
}

const HEAD =
  '<tr><th class="n" rowspan="2">Name</th><th colspan="2" class="opt">Queue</th><th colspan="4">Sessions</th><th colspan="2" class="opt">Rate</th>' +
  '<th colspan="2">Bytes</th><th colspan="2" class="opt">Denied</th><th colspan="3">Errors</th><th colspan="2" class="opt">Warnings</th>' +
  '<th colspan="8">Server</th></tr>' +
  '<tr><th class="opt">Cur</th><th class="opt">Max</th><th>Cur</th><th>Max</th><th class="opt">Limit</th><th>Total</th><th class="opt">Cur</th><th class="opt">Max</th>' +
  '<th>In</th><th>Out</th><th class="opt">Req</th><th class="opt">Resp</th><th>Req</th><th>Conn</th><th>Resp</th><th class="opt">Retr</th><th class="opt">Redis</th>' +
  '<th>Status</th><th>LastChk</th><th>Wght</th><th class="opt">Act</th><th class="opt">Bck</th><th class="opt">Chk</th><th class="opt">Dwn</th><th class="opt">Dwntme</th></tr>';

function cells(r: string[], adminBox: boolean): string {
  const type = f(r, 'type');
  const name = type === '0' ? 'Frontend' : type === '1' ? 'Backend' : f(r, 'svname');
  const box = adminBox && type === '2' ? `<input type="checkbox" name="s" value="${esc(f(r, 'svname'))}"> ` : '';
  const td = (v: string, opt = false): string => `<td${opt ? ' class="opt"' : ''}>${esc(v)}</td>`;
  let lastChk = '';
  if (type === '2' && f(r, 'check_status') !== '') {
    const code = f(r, 'check_code');
    const dur = f(r, 'check_duration');
    lastChk = f(r, 'check_status') + (code !== '' ? `/${code}` : '') + (dur !== '' ? ` in ${dur}ms` : '');
  }
  const status = type === '2' || type === '1' ? `${f(r, 'status')} ${duration(f(r, 'lastchg'))}`.trim() : f(r, 'status');
  return (
    `<td class="n">${box}${esc(name)}</td>` +
    td(f(r, 'qcur'), true) + td(f(r, 'qmax'), true) +
    td(f(r, 'scur')) + td(f(r, 'smax')) + td(f(r, 'slim'), true) + td(f(r, 'stot')) +
    td(f(r, 'rate'), true) + td(f(r, 'rate_max'), true) +
    td(f(r, 'bin')) + td(f(r, 'bout')) +
    td(f(r, 'dreq'), true) + td(f(r, 'dresp'), true) +
    td(f(r, 'ereq')) + td(f(r, 'econ')) + td(f(r, 'eresp')) +
    td(f(r, 'wretr'), true) + td(f(r, 'wredis'), true) +
    `<td class="st">${esc(status)}</td>` + td(lastChk) + td(f(r, 'weight')) +
    td(type === '2' ? (f(r, 'act') === '1' ? 'Y' : '-') : f(r, 'act'), true) +
    td(type === '2' ? (f(r, 'bck') === '1' ? 'Y' : '-') : f(r, 'bck'), true) +
    td(f(r, 'chkfail'), true) + td(f(r, 'chkdown'), true) + td(duration(f(r, 'downtime')), true)
  );
}

function adminForm(backend: string, iid: string): string {
  return (
    `<div class="admin">Choose the action to perform on the checked servers : <select name="action">` +
    '<option value="">---</option><option value="ready">Set state to READY</option><option value="drain">Set state to DRAIN</option>' +
    '<option value="maint">Set state to MAINT</option><option value="dhlth">Health: disable checks</option>' +
    '<option value="ehlth">Health: enable checks</option><option value="weight">Set weight to</option></select> ' +
    `<input name="w" size="4" inputmode="numeric" aria-label="weight"><input type="hidden" name="b" value="#${esc(iid)}">` +
    ` <input type="submit" value="Apply"> <span class="opt">(${esc(backend)})</span></div>`
  );
}

export function renderStatsPage(view: StatView, o: PageOptions): string {
  const rows = statRows(view);
  const c = view.host.counters;
  const uptime = duration(String(Math.floor((view.now - c.startedAt) / 1000)));
  let html =
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    (o.refresh > 0 ? `<meta http-equiv="refresh" content="${Math.max(1, Math.round(o.refresh / 1000))}">` : '') +
    `<title>Statistics Report for Hawser</title><style>${CSS}</style></head><body>` +
    `<h1>Hawser${o.hideVersion ? '' : ' version ' + esc(o.version)} - Statistics Report</h1>` +
    `<div class="info"><span>pid = ${process.pid}</span><span>uptime = ${uptime}</span>` +
    `<span>current conns = ${c.active}; maxconn = ${c.maxconn}</span><span>total conns = ${c.cumConns}; requests = ${c.cumRequests}</span>` +
    `<span>served by ${esc(o.proxy)}</span>` +
    `<span><a href="${esc(o.uri)};csv">CSV export</a></span>` +
    (o.refresh > 0 ? `<span><a href="${esc(o.uri)};norefresh">Disable refresh</a></span>` : '') +
    '</div>';
  if (o.showLegends || o.admin) {
    html +=
      '<div class="legend"><span class="up" style="background:#c0ffc0">active UP</span><span style="background:#ffffa0">active UP, going down</span>' +
      '<span style="background:#ffd020">active DOWN, going up</span><span style="background:#ff9090">active or backup DOWN</span>' +
      '<span style="background:#c0c0ff">MAINT</span><span style="background:#b0d0ff">DRAIN</span><span style="background:#e0e0e0">not checked</span></div>';
  }
  if (o.outcome !== '') html += `<div class="outcome">[${esc(o.outcome)}] ${esc(OUTCOME_TEXT[o.outcome] ?? 'Unexpected result.')}</div>`;
  if (o.sections !== undefined) html += o.sections;
  let i = 0;
  while (i < rows.length) {
    const px = rows[i][0];
    const iid = f(rows[i], 'iid');
    const group: string[][] = [];
    while (i < rows.length && rows[i][0] === px) group.push(rows[i++]);
    const hasServers = group.some((r) => f(r, 'type') === '2');
    const withForm = o.admin && hasServers;
    html += `<h2 id="${esc(px)}">${esc(px)}</h2>`;
    if (withForm) html += `<form class="admin" method="post" action="${esc(o.uri)}">`;
    html += `<div class="wrap"><table data-proxy="${esc(px)}">${HEAD}`;
    for (const r of group) html += `<tr class="${rowClass(r)}" data-sv="${esc(f(r, 'svname'))}">${cells(r, withForm)}</tr>`;
    html += '</table></div>';
    if (withForm) html += adminForm(px, iid) + '</form>';
  }
  return html + '</body></html>\n';
}
