// The runtime API as an operator drives it: `socat stdio unix:...` and a TCP
// socket against the real hawser, compared with what HAProxy 2.6 prints.

import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAWSER_BIN, startHawser, type HawserProcess } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { socat } from '../support/socat.ts';
import { namedServer } from '../support/backends.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

// Captured from haproxy 2.6.12 (`echo "show stat" | socat stdio unix:...`).
const HAPROXY_26_STAT_HEADER =
  '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,';

interface Lab {
  hawser: HawserProcess;
  sock: string;
  cliPort: number;
  webPort: number;
}

async function lab(t: ExecutionContext): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const [webPort, cliPort] = await freePorts(2);
  const a = await namedServer(t, 'a');
  const b = await namedServer(t, 'b');
  const hawser = await startHawser(
    t,
    `global
    stats socket ${sock} mode 600 level admin
    stats socket ipv4@127.0.0.1:${cliPort} level user
    node lb-test
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${webPort}
    default_backend app
backend app
    server a 127.0.0.1:${a} weight 10
    server b 127.0.0.1:${b} weight 10
`,
  );
  return { hawser, sock, cliPort, webPort };
}

async function whoAnswers(port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await httpRequest(port, '/')).text);
  return out;
}

test('show stat and show info over the unix socket: HAProxy 2.6 header and fields; mode applied', async (t) => {
  const l = await lab(t);
  t.is(statSync(l.sock).mode & 0o777, 0o600);
  await whoAnswers(l.webPort, 2);
  const stat = await socat(`unix:${l.sock}`, 'show stat\n');
  const lines = stat.split('\n');
  t.is(lines[0], HAPROXY_26_STAT_HEADER);
  t.true(stat.endsWith(',\n\n'), 'rows end with a comma and the answer with a blank line');
  const rows = lines.slice(1).filter((x) => x !== '').map((x) => x.split(','));
  t.deepEqual(
    rows.map((r) => `${r[0]}/${r[1]}/${r[17]}`),
    ['www/FRONTEND/OPEN', 'app/a/no check', 'app/b/no check', 'app/BACKEND/UP'],
  );
  for (const r of rows) t.is(r.length, HAPROXY_26_STAT_HEADER.split(',').length);
  const fe = rows[0];
  t.is(fe[7], '2', 'stot counts the two requests');
  t.is(fe[40], '2', 'hrsp_2xx');

  const info = await socat(`unix:${l.sock}`, 'show info\n');
  const fields = new Map(info.split('\n').filter((x) => x.includes(': ')).map((x) => x.split(': ', 2) as [string, string]));
  t.is(fields.get('Pid'), String(l.hawser.child.pid));
  t.is(fields.get('node'), 'lb-test');
  t.is(fields.get('CumConns'), '2');
  t.is(fields.get('Nbproc'), '1');
  t.regex(fields.get('Uptime') ?? '', /^\d+d \d+h\d\dm\d\ds$/);
  t.deepEqual([...fields.keys()].slice(0, 9), ['Name', 'Version', 'Release_date', 'Nbthread', 'Nbproc', 'Process_num', 'Pid', 'Uptime', 'Uptime_sec']);
});

test('disable server keeps traffic off it; weights steer it; a user-level socket is refused', async (t) => {
  const l = await lab(t);
  t.is(await socat(`tcp:127.0.0.1:${l.cliPort}`, 'disable server app/b\n'), 'Permission denied\n\n');
  t.is(await socat(`tcp:127.0.0.1:${l.cliPort}`, 'set server app/b weight 0\n'), 'Permission denied\n\n');
  t.deepEqual((await whoAnswers(l.webPort, 4)).sort(), ['a', 'a', 'b', 'b'], 'refused commands changed nothing');

  t.is(await socat(`unix:${l.sock}`, 'disable server app/b\n'), '\n');
  t.deepEqual(await whoAnswers(l.webPort, 4), ['a', 'a', 'a', 'a']);
  const state = await socat(`unix:${l.sock}`, 'show servers state app\n');
  t.regex(state, /^1\n# be_id be_name srv_id srv_name /);
  t.regex(state, /\n\d+ app 2 b 127\.0\.0\.1 0 1 10 10 /, 'b: stopped, forced maintenance');
  t.regex(await socat(`unix:${l.sock}`, 'show stat\n'), /\napp,b,(?:[^,]*,){15}MAINT,/);

  t.is(await socat(`unix:${l.sock}`, 'enable server app/b; set server app/a weight 0\n'), '\n\n');
  t.deepEqual(await whoAnswers(l.webPort, 3), ['b', 'b', 'b']);
  t.is(await socat(`unix:${l.sock}`, 'get weight app/a\n'), '0 (initial 10)\n\n');
  t.is(await socat(`unix:${l.sock}`, 'set server app/a weight 50%; set server app/a state drain; show cli level\n'), '\n\nadmin\n\n');
  t.deepEqual(await whoAnswers(l.webPort, 2), ['b', 'b'], 'drain takes no new traffic');
  t.is(await socat(`unix:${l.sock}`, 'set server app/a state ready; get weight app/a\n'), '\n5 (initial 10)\n\n');
  t.deepEqual((await whoAnswers(l.webPort, 3)).sort(), ['a', 'b', 'b']);
  t.is(await socat(`unix:${l.sock}`, 'set server app/a weight 300\n'), 'Absolute weight can only be between 0 and 256 inclusive.\n\n');
  t.is(await socat(`unix:${l.sock}`, 'disable server app/zz\n'), 'No such server.\n\n');
  t.is(await socat(`unix:${l.sock}`, 'set server app/a state foo\n'), "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n");
  t.is(await socat(`unix:${l.sock}`, 'set maxconn frontend www 5; set maxconn global 100; show backend\n'), '\n\n# name\napp\n\n');
});

test('prompt mode on the unix socket with node:net: "> " after each answer, the session stays until quit', async (t) => {
  const l = await lab(t);
  const s = connect({ path: l.sock });
  let got = '';
  s.setEncoding('latin1');
  s.on('data', (d: string) => (got += d));
  const waitFor = async (suffix: string): Promise<void> => {
    for (let i = 0; i < 100 && !got.endsWith(suffix); i++) await new Promise((r) => setTimeout(r, 20));
  };
  const closed = new Promise<void>((r) => s.on('close', () => r()));
  s.write('prompt\n');
  await waitFor('> ');
  t.is(got, '\n> ');
  got = '';
  s.write('show backend;show cli level\n');
  await waitFor('admin\n\n> ');
  t.is(got, '# name\napp\n\n> admin\n\n> ');
  got = '';
  s.write('bogus\n');
  await waitFor('\n\n> ');
  // HAProxy 2.6 proposes the commands closest to any word typed.
  t.true(got.startsWith('Unknown command, but maybe one of the following ones is a better match:\n'));
  t.regex(got, /\n {2}prompt {34}: toggle interactive mode with prompt\n {2}quit {36}: disconnect\n\n> $/);
  s.write('quit\n');
  await closed;
  t.pass();
});

test('help lists commands in HAProxy\'s layout; clear counters needs operator, and "all" admin', async (t) => {
  const l = await lab(t);
  const help = await socat(`tcp:127.0.0.1:${l.cliPort}`, 'help\n');
  t.true(help.startsWith('The following commands are valid at this level:\n'));
  t.true(help.includes('  show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server\n'));
  t.true(help.includes("  set server <bk>/<srv> [opts]            : change a server's state, weight, address or ssl\n"));
  t.is(await socat(`tcp:127.0.0.1:${l.cliPort}`, 'clear counters\n'), 'Permission denied\n\n');
  t.is(await socat(`unix:${l.sock}`, 'operator; clear counters; clear counters all; show cli level\n'), '\n\nPermission denied\n\noperator\n\n');
});

test('hawser ctl: the same commands from the command line, exit 1 when the socket is unreachable', async (t) => {
  const { sock } = await lab(t);
  const ctl = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [HAWSER_BIN, 'ctl', '-S', sock, ...args], { timeout: 5000 }, (err, stdout) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout }),
      );
    });
  const info = await ctl('show', 'info');
  t.is(info.code, 0);
  t.regex(info.out, /^Name: Hawser$/m);
  t.regex(info.out, /^node: lb-test$/m);
  const state = await ctl('disable', 'server', 'app/a');
  t.is(state.code, 0);
  const stat = await ctl('show', 'stat');
  t.regex(stat.out, /^app,a,.*,MAINT,/m);
  const unreachable = await new Promise<number>((resolve) => {
    execFile(process.execPath, [HAWSER_BIN, 'ctl', '-S', `${sock}.missing`, 'show', 'info'], { timeout: 5000 }, (err) =>
      resolve(err ? ((err as { code?: number }).code ?? 1) : 0),
    );
  });
  t.is(unreachable, 1);
});

test('show pools and show activity: HAProxy\'s layout over the process\'s own figures', async (t) => {
  const { sock, cliPort, webPort } = await lab(t);
  const pools = await socat(`unix:${sock}`, 'show pools\n');
  const lines = pools.trimEnd().split('\n');
  t.is(lines[0], 'Dumping pools usage. Use SIGQUIT to flush them.');
  const areas = lines.slice(1, -1).map((l) => /^ {2}- Pool (\S+) : (\d+) bytes allocated, (\d+) used$/.exec(l));
  t.true(areas.length >= 3 && areas.every((m) => m !== null), pools);
  t.true(areas.some((m) => m![1] === 'old_space'), 'the V8 heap spaces are listed');
  const sum = (i: number) => areas.reduce((n, m) => n + Number(m![i]), 0);
  t.is(lines.at(-1), `Total: ${areas.length} pools, ${sum(2)} bytes allocated, ${sum(3)} used.`);

  // `accepted` follows the connections the frontends took, on the user-level TCP socket too.
  const accepted = (text: string) => Number(/^accepted: (\d+) \[ \d+ \]$/m.exec(text)?.[1]);
  const before = await socat(`tcp:127.0.0.1:${cliPort}`, 'show activity\n');
  t.regex(before, /^thread_id: 1 \(1\.\.1\)\ndate_now: \d+\.\d{6}\nctxsw: \d+ \[ \d+ \]\n/);
  const n = 2 + Math.floor(Math.random() * 3);
  for (let i = 0; i < n; i++) await httpRequest(webPort, '/', { headers: { connection: 'close' } });
  t.is(accepted(await socat(`unix:${sock}`, 'show activity\n')), accepted(before) + n);
});
