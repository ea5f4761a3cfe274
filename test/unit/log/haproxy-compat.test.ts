// Our log lines against the installed haproxy 2.6, the reference.
//
// haproxy runs in front of a tiny HTTP server with frontends whose
// log-format is "MACHINE ||| FORMAT": MACHINE prints the raw facts (ports,
// timers, counters...) that we load into an AccessLogRecord, together with
// what the test itself sent (request line, captured headers); our compiled
// FORMAT must then print exactly what haproxy printed after "|||". The same
// haproxy also logs to UDP syslog receivers in every header format, which
// our SyslogHeader must reproduce, level filtering and capping included.
process.env.TZ = 'Asia/Kolkata';

import test from 'ava';
import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AccessLogRecord,
  CLF_HTTP_LOG_FORMAT,
  HTTP_LOG_FORMAT,
  SyslogHeader,
  TCP_LOG_FORMAT,
  clampLine,
  compileLogFormat,
  facilityNumber,
  levelNumber,
  type SyslogFormat,
} from '../../../src/log/index.ts';
import { freePorts } from '../../support/ports.ts';
import { INSTALL_HINT } from '../cli/reference-haproxy.ts';

const MACHINE_HTTP =
  '%ci %cp %fi %fp %bi %bp %si %sp %Ts %ms %Th %Ti %TR %Tw %Tc %Tr %Ta %Tt %Tq %ST %B %U ' +
  '%ac %fc %bc %sc %rc %sq %bq %rt %lc %pid %tsc %ft %b %s %H %ID';
const MACHINE_TCP =
  '%ci %cp %fi %fp %bi %bp %si %sp %Ts %ms %Th %Tw %Tc %Tt %ST %B %U %ac %fc %bc %sc %rc %sq %bq %rt %lc %pid %tsc %ft %b %s %H %ID';

/** Every variable and flag combination whose value is fully known to the record. */
const SINK_HTTP = [
  '%ci %{+Q}ci %{+X}ci %{-M}ci %cp %{+X}cp %{+Q}cp %fi %{+X}fi %fp %{+X}fp %bi %{+X}bi %bp %{+X}bp %si %{+X}si %sp %{+X}sp',
  '|%t|%tr|%T|%trg|%Tl|%trl|%Ts|%{+X}Ts|%ms|%{+X}ms|',
  '%f %{+Q}f %{+E}f %ft %{+Q}ft %b %{+Q}b %s %{+Q}s %H %{+Q}H %ID %{+Q}ID %{-M}ID %sslc %sslv',
  '%pid %{+X}pid %rt %{+X}rt %lc %{+X}lc',
  '%Th/%Ti/%TR/%Tq/%Tw/%Tc/%Tr/%Ta/%Td/%Tt/%Tu %ST %{+Q}ST %B %U %ts %tsc %ac/%fc/%bc/%sc/%rc/%sq/%bq',
  '%CC %{+Q}CC %{+E}CC %{+Q,+E}CC %CS %{-M}CS',
  '%hr %{+Q}hr %{+E}hr %hs %hrl %{+Q}hrl %{+E}hrl %hsl %{+Q}hsl',
  '%r %{+Q}r %{+E}r %{+Q,+E}r %HM %{+Q}HM %HU %HP %HPO %HQ %{+Q}HQ %HV %{+Q}HV',
  '%[src] %{+Q}[src] %[src_port] %[dst] %[dst_port] %[fe_name] %[srv_name] %[method]',
  '%[capture.req.hdr(1)] %{+E}[capture.req.hdr(1)] %[capture.req.hdr(2)] %[hostname] %[unique-id]',
  '%% a%-b x"y  end',
  '%{+Q}o %ci %b %{-Q}s %r %hrl %{-Q}o %b',
].join(' ');

const SINK_TCP = [
  '%ci %{+X}ci %cp %{+X}cp %fi %fp %bi %bp %si %sp |%t|%T|%Tl|%Ts|%ms|',
  '%f %ft %b %s %H %pid %rt %lc %Th/%Tw/%Tc/%Tt/%Tu %ST %B %U %ts %tsc %ac/%fc/%bc/%sc/%rc/%sq/%bq',
  '%hr %hs %hrl %hsl %[src] %[dst_port] %% end',
].join(' ');

/** What the test sent (and the server answered) for one logged request. */
interface Sent {
  method: string;
  uri: string;
  version: string;
  reqHeaders: Array<string | null>;
  resHeaders: Array<string | null>;
  cookie: string;
  setCookie: string;
}

const UA = 'a"b#c{d|e}f\\g]h\x01i\xc3\xa9';
const REQ_COOKIE = 'SID=x"y\\z]';

function dash(v: string): string {
  return v === '-' ? '' : v;
}

function num(v: string): number {
  return v === '-' ? -1 : Number(v);
}

/** Loads the MACHINE part into a record. */
function machineRecord(fields: string[], http: boolean): AccessLogRecord {
  const r = new AccessLogRecord();
  r.mode = http ? 'http' : 'tcp';
  let i = 0;
  const next = (): string => fields[i++];
  r.clientIp = dash(next());
  r.clientPort = num(next());
  r.frontendIp = dash(next());
  r.frontendPort = num(next());
  r.backendSourceIp = dash(next());
  r.backendSourcePort = num(next());
  r.serverIp = dash(next());
  r.serverPort = num(next());
  const ts = Number(next());
  r.acceptDate = ts * 1000 + Number(next());
  r.Th = num(next());
  if (http) r.Ti = num(next());
  if (http) r.TR = num(next());
  r.Tw = num(next());
  r.Tc = num(next());
  if (http) r.Tr = num(next());
  if (http) r.Ta = num(next());
  r.Tt = num(next());
  if (http) r.Tq = num(next());
  r.status = Number(next());
  r.bytesRead = Number(next());
  r.bytesUploaded = Number(next());
  r.actconn = Number(next());
  r.feconn = Number(next());
  r.beconn = Number(next());
  r.srvConn = Number(next());
  const rc = next();
  r.redispatched = rc.startsWith('+');
  r.retries = Number(rc.replace('+', ''));
  r.srvQueue = Number(next());
  r.backendQueue = Number(next());
  r.requestCounter = Number(next());
  r.logCounter = Number(next());
  r.pid = Number(next());
  const tsc = next();
  r.terminationState = tsc.slice(0, 2);
  r.cookieState = tsc.slice(2);
  const ft = next();
  r.frontendSsl = ft.endsWith('~');
  r.frontendName = ft.replace(/~$/, '');
  r.backendName = next();
  r.serverName = next();
  r.hostname = next();
  r.uniqueId = dash(next());
  return r;
}

interface Frontend {
  name: string;
  port: number;
  http: boolean;
  captures: boolean;
  format: string;
}

function frontendConfig(f: Frontend, backendPort: number): string {
  const machine = f.http ? MACHINE_HTTP : MACHINE_TCP;
  const lines = [
    `frontend ${f.name}`,
    `    mode ${f.http ? 'http' : 'tcp'}`,
    `    bind 127.0.0.1:${f.port}`,
    `    log-format "${(machine + ' ||| ' + f.format).replace(/"/g, '\\"')}"`,
  ];
  if (f.captures) {
    lines.push(
      '    capture request header Host len 64',
      '    capture request header User-Agent len 64',
      '    capture request header X-Absent len 10',
      '    capture response header Content-Length len 10',
      '    capture response header X-Weird len 64',
      '    capture cookie SID len 32',
    );
  }
  if (f.http) {
    lines.push('    unique-id-format "%{+X}o%ci:%cp_%Ts_%rt"', '    use_backend b_dead if { path_beg /dead }');
    lines.push('    default_backend b_app');
  } else {
    lines.push(`    default_backend b_tcp`);
  }
  void backendPort;
  return lines.join('\n');
}

// All with `len 8192` except the last one, which keeps haproxy's 1024 to
// check the truncation.
const SYSLOG_TARGETS: Array<{ format: SyslogFormat; facility: string; level?: string; minLevel?: string; len?: number }> = [
  { format: 'short', facility: 'local0' },
  { format: 'priority', facility: 'local1' },
  { format: 'timed', facility: 'local2' },
  { format: 'iso', facility: 'local3' },
  { format: 'local', facility: 'local4' },
  { format: 'rfc3164', facility: 'local5' },
  { format: 'rfc5424', facility: 'local6' },
  { format: 'priority', facility: 'local7', level: 'notice' },
  { format: 'priority', facility: 'daemon', level: 'info', minLevel: 'err' },
  { format: 'raw', facility: 'local0', len: 1024 },
];

/** Sends raw bytes, waits for the answer to end (or for `holdMs`), returns the client port. */
function exchange(port: number, chunks: Array<{ data: string; delayMs: number }>, holdMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let local = -1;
    s.on('error', reject);
    s.on('data', () => {});
    s.on('connect', async () => {
      local = s.localPort ?? -1;
      for (const c of chunks) {
        await new Promise((r) => setTimeout(r, c.delayMs));
        s.write(Buffer.from(c.data, 'latin1'));
      }
      setTimeout(() => s.end(), holdMs);
    });
    s.on('close', () => resolve(local));
  });
}

test('our formats and syslog headers match haproxy 2.6 byte for byte', async (t) => {
  t.timeout(30_000);
  // The server behind haproxy: a raw HTTP/1.1 responder (Node's own parser
  // would refuse some of the bytes this test sends), fixed headers to capture.
  const backend = createServer((c) => {
    c.on('error', () => {});
    let buffered = '';
    c.setEncoding('latin1');
    c.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const body = 'hello\n';
        c.write(
          'HTTP/1.1 200 OK\r\nContent-Length: 6\r\nSet-Cookie: SID=srv1; Path=/\r\nX-Weird: a|b{c}#"d\r\n\r\n' +
            (head.startsWith('HEAD ') ? '' : body),
        );
      }
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => new Promise<void>((r) => backend.close(() => r())));
  const backendPort = (backend.address() as { port: number }).port;

  // Syslog receivers, one per target.
  const receivers: Array<{ socket: UdpSocket; port: number; got: string[] }> = [];
  for (let i = 0; i < SYSLOG_TARGETS.length; i++) {
    const socket = createSocket('udp4');
    const got: string[] = [];
    socket.on('message', (m) => got.push(m.toString('latin1')));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    t.teardown(() => socket.close());
    receivers.push({ socket, port: socket.address().port, got });
  }

  const [pHttp, pClf, pSink, pSinkNoCap, pTcp, pTcpSink, pDead] = await freePorts(7);
  const frontends: Frontend[] = [
    { name: 'f_http', port: pHttp, http: true, captures: true, format: HTTP_LOG_FORMAT },
    { name: 'f_clf', port: pClf, http: true, captures: true, format: CLF_HTTP_LOG_FORMAT },
    { name: 'f_sink', port: pSink, http: true, captures: true, format: SINK_HTTP },
    { name: 'f_sink_nocap', port: pSinkNoCap, http: true, captures: false, format: SINK_HTTP },
    { name: 'f_tcp', port: pTcp, http: false, captures: false, format: TCP_LOG_FORMAT },
    { name: 'f_tcp_sink', port: pTcpSink, http: false, captures: false, format: SINK_TCP },
  ];
  const cfg = [
    'global',
    '    log stdout len 8192 format raw local0',
    ...SYSLOG_TARGETS.map((s, i) =>
      `    log 127.0.0.1:${receivers[i].port} len ${s.len ?? 8192} format ${s.format} ${s.facility}${s.level ? ' ' + s.level : ''}${s.minLevel ? ' ' + s.minLevel : ''}`,
    ),
    '    log-send-hostname lbtest',
    '    log-tag hxtest',
    'defaults',
    '    mode http',
    '    log global',
    '    timeout connect 1s',
    '    timeout client 3s',
    '    timeout server 3s',
    '    timeout http-request 1s',
    ...frontends.map((f) => frontendConfig(f, backendPort)),
    'backend b_app',
    `    server app 127.0.0.1:${backendPort}`,
    'backend b_tcp',
    '    mode tcp',
    `    server app 127.0.0.1:${backendPort}`,
    'backend b_dead',
    `    server dead 127.0.0.1:${pDead} check inter 100 fall 1 rise 1`,
    '',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'hawser-logcompat-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'haproxy.cfg'), cfg);

  const haproxy = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], {
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin', TZ: 'Asia/Kolkata' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  haproxy.stdout.setEncoding('latin1');
  haproxy.stdout.on('data', (s: string) => (stdout += s));
  haproxy.stderr.on('data', (s: Buffer) => (stderr += s.toString()));
  const spawned = await new Promise<boolean>((resolve) => {
    haproxy.on('spawn', () => resolve(true));
    haproxy.on('error', () => resolve(false));
  });
  if (!spawned) {
    t.fail(INSTALL_HINT);
    return;
  }
  t.teardown(() => {
    haproxy.kill('SIGKILL');
  });
  const until = async (what: string, ok: () => boolean, ms = 5000): Promise<void> => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stderr: ${stderr}; stdout: ${stdout}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  // The dead server's check runs once haproxy listens; its failure is logged
  // at alert and emerg levels, which the syslog part below needs.
  await until('the dead server to go down', () => stdout.includes('has no server available'));

  // What each connection's requests were, by client port.
  const sentByPort = new Map<number, Sent[]>();
  const ok = (method: string, uri: string, version: string, reqHeaders: Array<string | null>, cookie = ''): Sent => ({
    method, uri, version, reqHeaders, cookie,
    resHeaders: [method === 'HEAD' ? '6' : '6', 'a|b{c}#"d'],
    setCookie: 'SID=srv1',
  });
  const badreq: Sent = { method: '', uri: '', version: '', reqHeaders: [], resHeaders: [], cookie: '', setCookie: '' };
  const expectedLines: number[] = [];
  for (const f of frontends) {
    const caps = (v: Array<string | null>): Array<string | null> => (f.captures ? v : []);
    const res = (s: Sent): Sent => ({ ...s, resHeaders: f.captures ? s.resHeaders : [], cookie: f.captures ? s.cookie : '', setCookie: f.captures ? s.setCookie : '' });
    if (!f.http) {
      const port = await exchange(f.port, [{ data: 'ping\r\n\r\n', delayMs: 0 }], 100);
      sentByPort.set(port, [badreq]);
      expectedLines.push(1);
      continue;
    }
    // A keep-alive connection with two requests, the second after some idle time.
    const p1 = await exchange(
      f.port,
      [
        {
          data: `GET /p"a{b}|\\]~?q=1&x=%20 HTTP/1.1\r\nHost: h.example\r\nUser-Agent: ${UA}\r\nCookie: ${REQ_COOKIE}\r\n\r\n`,
          delayMs: 0,
        },
        { data: 'HEAD /second HTTP/1.1\r\nHost: h\r\n\r\n', delayMs: 30 },
      ],
      100,
    );
    sentByPort.set(p1, [
      res(ok('GET', '/p"a{b}|\\]~?q=1&x=%20', 'HTTP/1.1', caps(['h.example', UA, null]), REQ_COOKIE)),
      res(ok('HEAD', '/second', 'HTTP/1.1', caps(['h', null, null]))),
    ]);
    // An absolute-form target.
    const p2 = await exchange(f.port, [{ data: 'GET http://h.example/abs/x?z=1 HTTP/1.1\r\nHost: h.example\r\n\r\n', delayMs: 0 }], 50);
    sentByPort.set(p2, [res(ok('GET', 'http://h.example/abs/x?z=1', 'HTTP/1.1', caps(['h.example', null, null])))]);
    // A request haproxy refuses (400, no stream: no captures at all).
    const p3 = await exchange(f.port, [{ data: 'BAD\r\n\r\n', delayMs: 0 }], 50);
    sentByPort.set(p3, [badreq]);
    // A request to a backend without a server (503).
    const p4 = await exchange(f.port, [{ data: 'GET /dead HTTP/1.0\r\n\r\n', delayMs: 0 }], 50);
    sentByPort.set(p4, [{ ...badreq, method: 'GET', uri: '/dead', version: 'HTTP/1.0', reqHeaders: caps([null, null, null]), resHeaders: caps([null, null]) }]);
    expectedLines.push(5);
  }
  const total = expectedLines.reduce((a, b) => a + b, 0);
  await until(`${total} access lines`, () => stdout.split('\n').filter((l) => l.includes(' ||| ')).length >= total);
  await new Promise((r) => setTimeout(r, 200)); // the datagrams of the last lines

  // 1. Access lines.
  const compiled = new Map<string, ReturnType<typeof compileLogFormat>>();
  for (const f of frontends) {
    const c = compileLogFormat(f.format, { mode: f.http ? 'http' : 'tcp' });
    t.deepEqual(c.errors, [], f.name);
    compiled.set(f.name, c);
  }
  const seen = new Map<number, number>();
  let compared = 0;
  for (const line of stdout.split('\n')) {
    const cut = line.indexOf(' ||| ');
    if (cut < 0) continue;
    const fields = line.slice(0, cut).split(' ');
    const theirs = line.slice(cut + 5);
    const feName = fields[fields.length - 5].replace(/~$/, '');
    const f = frontends.find((x) => x.name === feName);
    if (!f) {
      t.fail(`unknown frontend in ${line}`);
      continue;
    }
    const r = machineRecord(fields, f.http);
    const index = seen.get(r.clientPort) ?? 0;
    seen.set(r.clientPort, index + 1);
    const sent = sentByPort.get(r.clientPort)?.[index];
    if (!sent) {
      t.fail(`no request known for client port ${r.clientPort}: ${line}`);
      continue;
    }
    r.method = sent.method;
    r.uri = sent.uri;
    r.httpVersion = sent.version;
    r.requestHeaders.push(...sent.reqHeaders);
    r.responseHeaders.push(...sent.resHeaders);
    r.capturedRequestCookie = sent.cookie;
    r.capturedResponseCookie = sent.method === '' ? '' : sent.setCookie;
    const ours = (compiled.get(f.name) as ReturnType<typeof compileLogFormat>).format(r);
    t.is(ours, theirs, `${f.name} ${sent.method} ${sent.uri}`);
    compared++;
  }
  t.is(compared, total);

  // 2. Syslog headers. The `short` target gives each message's own level.
  const levelOf = new Map<string, number>();
  for (const d of receivers[0].got) {
    const m = /^<(\d)>(.*)\n$/s.exec(d);
    if (m) levelOf.set(m[2], Number(m[1]));
  }
  t.true([...levelOf.values()].includes(levelNumber('emerg')), 'an emerg message was logged (no server available)');
  t.true([...levelOf.values()].includes(levelNumber('info')), 'info messages were logged');
  const pid = haproxy.pid as number;
  const year = new Date().getFullYear();
  const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
  for (let i = 1; i < SYSLOG_TARGETS.length - 1; i++) {
    const target = SYSLOG_TARGETS[i];
    const header = new SyslogHeader(target.format, facilityNumber(target.facility), { hostname: 'lbtest', tag: 'hxtest', pid });
    const maxLevel = target.level ? levelNumber(target.level) : 7;
    const minLevel = target.minLevel ? levelNumber(target.minLevel) : 0;
    const delivered = new Set<string>();
    for (const d of receivers[i].got) {
      t.true(d.endsWith('\n'));
      const body = d.slice(0, -1);
      // The message is the longest known one the datagram ends with.
      let msg = '';
      for (const m of levelOf.keys()) if (body.endsWith(m) && m.length > msg.length) msg = m;
      if (msg === '') {
        t.fail(`${target.format}: unknown message in ${JSON.stringify(d)}`);
        continue;
      }
      delivered.add(msg);
      const theirs = body.slice(0, body.length - msg.length);
      let ms = 0;
      let us = 0;
      const iso = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})(\d{3})([+-]\d\d:\d\d)/.exec(theirs);
      const legacy = /^<\d+>(\w{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d) /.exec(theirs);
      if (iso) {
        ms = Date.parse(`${iso[1]}.${iso[2]}${iso[4]}`);
        us = Number(iso[3]);
      } else if (legacy) {
        ms = new Date(year, MONTHS.indexOf(legacy[1]) / 3, Number(legacy[2]), Number(legacy[3]), Number(legacy[4]), Number(legacy[5])).getTime();
      }
      const level = levelOf.get(msg) as number;
      const ours = header.render(level < minLevel ? minLevel : level, ms, us);
      t.is(ours, theirs, `${target.format} ${target.facility} header of ${JSON.stringify(msg.slice(0, 40))}`);
    }
    const wanted = [...levelOf.entries()].filter(([, lv]) => lv <= maxLevel).map(([m]) => m).sort();
    t.deepEqual([...delivered].sort(), wanted, `${target.format} ${target.facility} ${target.level ?? ''}: the messages its level lets through`);
  }
  const cut = receivers[receivers.length - 1].got;
  t.true(cut.some((d) => d.length === 1025), 'some lines were long enough to be cut');
  t.deepEqual([...cut].sort(), [...levelOf.keys()].map((m) => clampLine(m, 1024, 0) + '\n').sort(), 'len 1024: datagrams cut as haproxy does');
});
