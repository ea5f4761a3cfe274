// HTTP/2 connections against maxconn and connection-level rules, beside
// haproxy 2.6 on the same configuration: a connection counts once however
// many streams it carries (frontend maxconn holds the second connection,
// `scur` and `stot` count connections, `req_tot` streams), `tcp-request
// connection` rules run and track once per connection, while requests are
// counted per stream on what the connection tracked (sc0_http_req_cnt
// denies the 7th request), and `tune.h2.max-concurrent-streams` is the
// SETTINGS_MAX_CONCURRENT_STREAMS announced. Over h2c and over TLS (ALPN h2).

import test, { type ExecutionContext } from 'ava';
import { connect, type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';
import { adminSocketPath, frontendSessions } from '../support/admin-socket.ts';
import { echoServers } from '../support/backends.ts';
import { h2Request, h2TlsSite } from '../support/h2-client.ts';
import { startHaproxy } from '../support/haproxy-process.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { socat } from '../support/socat.ts';
import { parseStat } from '../support/stat-csv.ts';

interface Outcome {
  maxStreams: number | undefined;
  /** frontend scur while four streams of one connection are in flight. */
  scurBusy: string;
  streamsBusy: number;
  /** The second connection's request had no answer while the first connection was open. */
  heldWhileFirstOpen: boolean;
  statuses: number[];
  table: string;
  tableAfter: string;
  stot: string;
  reqTot: string;
  scurAfter: string;
}

function cfg(port: number, app: number, sock: string, tls: string): string {
  return `global
    stats socket ${sock} mode 600 level admin
    tune.h2.max-concurrent-streams 7
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend www
    bind 127.0.0.1:${port}${tls}
    maxconn 1
    stick-table type ip size 10 expire 30s store conn_cnt,conn_cur,sess_cnt,http_req_cnt
    tcp-request connection track-sc0 src
    tcp-request connection reject if { sc0_conn_cnt gt 3 }
    http-request deny deny_status 429 if { sc0_http_req_cnt gt 6 }
    default_backend app
backend app
    server s1 127.0.0.1:${app}
`;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The counters of the one entry of `show table www`, in a fixed order. */
async function tableEntry(sock: string): Promise<string> {
  const out = await socat(sock, 'show table www\n');
  const line = out.split('\n').find((l) => l.includes('key=127.0.0.1')) ?? '';
  return ['conn_cnt', 'conn_cur', 'sess_cnt', 'http_req_cnt'].map((k) => `${k}=${new RegExp(`\\b${k}=(\\d+)`).exec(line)?.[1] ?? '?'}`).join(' ');
}

async function scenario(t: ExecutionContext, url: string, opts: SecureClientSessionOptions, sock: string): Promise<Outcome> {
  const open = (): ClientHttp2Session => {
    const s = connect(url, opts);
    s.on('error', () => {});
    t.teardown(() => s.destroy());
    return s;
  };
  const stat = async (col: string): Promise<string> => parseStat(await socat(sock, 'show stat\n')).get('www/FRONTEND')?.[col] ?? '?';
  // haproxy's start was seen by a probe connection: counted and tracked like any other.
  await socat(sock, 'clear table www\nclear counters all\n');
  const a = open();
  const settings = await new Promise<{ maxConcurrentStreams?: number }>((r) => a.once('remoteSettings', r));
  const first = Array.from({ length: 4 }, () => h2Request(a, '/slow/700'));
  await delay(250);
  const scurBusy = await stat('scur');
  const streamsBusy = await frontendSessions(sock, 'www');
  // maxconn 1: a second connection waits unserved while the first is open.
  const b = open();
  let answered = false;
  const second = h2Request(b, '/b', { timeoutMs: 8000 }).then((r) => ((answered = true), r));
  const statuses: number[] = [];
  for (const r of await Promise.all(first)) statuses.push(Number(r.headers[':status']));
  await delay(300);
  const heldWhileFirstOpen = !answered;
  a.close();
  statuses.push(Number((await second).headers[':status']));
  for (let i = 0; i < 3; i++) statuses.push(Number((await h2Request(b, `/more/${i}`)).headers[':status']));
  const table = await tableEntry(sock);
  const stot = await stat('stot');
  const reqTot = await stat('req_tot');
  await new Promise<void>((r) => b.close(() => r()));
  let scurAfter = '?';
  let tableAfter = '?';
  for (let i = 0; i < 100; i++) {
    scurAfter = await stat('scur');
    tableAfter = await tableEntry(sock);
    if (scurAfter === '0' && tableAfter.includes('conn_cur=0')) break;
    await delay(30);
  }
  return { maxStreams: settings.maxConcurrentStreams, scurBusy, streamsBusy, heldWhileFirstOpen, statuses, table, tableAfter, stot, reqTot, scurAfter };
}

for (const transport of ['h2c', 'tls'] as const) {
  test.serial(`HTTP/2 (${transport}): maxconn and tcp-request connection count connections, requests count streams, as in haproxy 2.6`, async (t) => {
    let tls = '';
    let opts: SecureClientSessionOptions = {};
    if (transport === 'tls') ({ bind: tls, client: opts } = h2TlsSite(t));
    const [app] = await echoServers(t, ['app']);
    const [hp, rp] = await freePorts(2);
    const scheme = transport === 'tls' ? 'https' : 'http';
    const hs = adminSocketPath(t, 'hawser.sock');
    const rs = adminSocketPath(t, 'haproxy.sock');
    await startHawser(t, cfg(hp!, app!.port, hs, tls));
    await startHaproxy(t, cfg(rp!, app!.port, rs, tls), rp!);
    const mine = await scenario(t, `${scheme}://127.0.0.1:${hp}`, opts, hs);
    const ref = await scenario(t, `${scheme}://127.0.0.1:${rp}`, opts, rs);
    // What the reference does, for the record; then each expectation on both.
    t.log('haproxy', JSON.stringify(ref));
    t.log('hawser ', JSON.stringify(mine));
    for (const [who, o] of [['haproxy', ref], ['hawser', mine]] as const) {
      t.is(o.maxStreams, 7, `${who}: SETTINGS_MAX_CONCURRENT_STREAMS`);
      t.is(o.scurBusy, '1', `${who}: one connection with four streams is one current session`);
      t.is(o.streamsBusy, 4, `${who}: show sess lists the streams`);
      t.true(o.heldWhileFirstOpen, `${who}: maxconn 1 holds the second connection`);
      t.deepEqual(o.statuses, [200, 200, 200, 200, 200, 200, 429, 429], `${who}: statuses`);
      t.is(o.table, 'conn_cnt=2 conn_cur=1 sess_cnt=2 http_req_cnt=8', `${who}: tracked once per connection, requests per stream`);
      t.is(o.tableAfter, 'conn_cnt=2 conn_cur=0 sess_cnt=2 http_req_cnt=8', `${who}: released once`);
      t.is(o.stot, '2', `${who}: stot counts connections`);
      t.is(o.reqTot, '8', `${who}: req_tot counts streams`);
      t.is(o.scurAfter, '0', `${who}: no connection left`);
    }
  });
}

/** One h2c frontend to one server; `defaults` lines may be added. */
function oneBackend(port: number, app: number, defaults = ''): string {
  return `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
${defaults}frontend www
    bind 127.0.0.1:${port}
    default_backend app
backend app
    server s1 127.0.0.1:${app}
`;
}

test.serial('HTTP/2: with http-reuse safe, streams after the first take the idle server connection, as in haproxy 2.6', async (t) => {
  const [app] = await echoServers(t, ['app']);
  let accepted = 0;
  app!.server.on('connection', () => accepted++);
  const [hp, rp] = await freePorts(2);
  await startHawser(t, oneBackend(hp!, app!.port, '    http-reuse safe\n'));
  await startHaproxy(t, oneBackend(rp!, app!.port, '    http-reuse safe\n'), rp!);
  const counts: Record<string, number> = {};
  for (const [who, port] of [['hawser', hp!], ['haproxy', rp!]] as const) {
    const before = accepted;
    const s = connect(`http://127.0.0.1:${port}`);
    s.on('error', () => {});
    t.teardown(() => s.destroy());
    for (let i = 0; i < 6; i++) t.is(Number((await h2Request(s, `/seq/${i}`)).headers[':status']), 200);
    counts[who] = accepted - before;
    s.close();
  }
  t.log(JSON.stringify(counts));
  t.is(counts.haproxy, 1, 'haproxy: six sequential streams, one server connection');
  t.is(counts.hawser, counts.haproxy, 'hawser opens as many server connections as haproxy');
});

test.serial('HTTP/2: once a request body has come, the connection window is open to 2^31-1 (only stream windows pace uploads), as in haproxy 2.6', async (t) => {
  const [app] = await echoServers(t, ['app']);
  const [hp, rp] = await freePorts(2);
  await startHawser(t, oneBackend(hp!, app!.port));
  await startHaproxy(t, oneBackend(rp!, app!.port), rp!);
  const windows: Record<string, number> = {};
  for (const [who, port] of [['haproxy', rp!], ['hawser', hp!]] as const) {
    const s = connect(`http://127.0.0.1:${port}`);
    s.on('error', () => {});
    t.teardown(() => s.destroy());
    const r = await h2Request(s, '/upload', { method: 'POST', body: Buffer.alloc(1000, 0x61) });
    t.is(Number(r.headers[':status']), 200, who);
    // A PING answered: any WINDOW_UPDATE sent before the response has been read.
    await new Promise<void>((res) => s.ping(() => res()));
    windows[who] = s.state.remoteWindowSize ?? 0;
    s.close();
  }
  t.log(JSON.stringify(windows));
  const largest = 2 ** 31 - 1;
  // haproxy sends its opening update with the first one it owes; nghttp2 updates after half the window: within one body of the largest.
  t.true(windows.haproxy! > largest - 65535, `haproxy: ${windows.haproxy}`);
  t.true(windows.hawser! > largest - 65535, `hawser: ${windows.hawser}`);
});
