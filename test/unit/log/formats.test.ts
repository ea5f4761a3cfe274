// HAProxy's predefined formats against the sample lines of its manual
// (sections 8.2 and 8.9; the syslog prefix removed), and the seed's custom
// format.
process.env.TZ = 'Europe/Paris';

import test from 'ava';
import {
  AccessLogRecord,
  CLF_HTTP_LOG_FORMAT,
  DEFAULT_HTTP_LOG_FORMAT,
  DEFAULT_TCP_LOG_FORMAT,
  HTTP_LOG_FORMAT,
  HTTPS_LOG_FORMAT,
  TCP_LOG_FORMAT,
  chooseLogFormat,
  compileLogFormat,
} from '../../../src/log/index.ts';
import { fullHttpRecord, localMs, tcpRecord } from './record-fixtures.ts';

const httplog = compileLogFormat(HTTP_LOG_FORMAT);
const tcplog = compileLogFormat(TCP_LOG_FORMAT, { mode: 'tcp' });

test('the predefined formats compile without errors', (t) => {
  t.deepEqual(httplog.errors, []);
  t.deepEqual(tcplog.errors, []);
  t.deepEqual(compileLogFormat(CLF_HTTP_LOG_FORMAT).errors, []);
  t.deepEqual(compileLogFormat(DEFAULT_HTTP_LOG_FORMAT).errors, []);
  t.deepEqual(compileLogFormat(DEFAULT_TCP_LOG_FORMAT, { mode: 'tcp' }).errors, []);
});

test('httplog: the example of manual 8.2.3', (t) => {
  t.is(httplog.format(fullHttpRecord()),
    '10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"');
});

test('tcplog: the example of manual 8.2.2', (t) => {
  t.is(tcplog.format(tcpRecord()), '10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 0/0/0/0/3 0/0');
});

/** The px-http requests of manual 8.9: no captures configured. */
function pxHttp(time: number[], timers: number[], status: number, bytes: number, state: string, conns: number[], queues: number[], line: string): AccessLogRecord {
  const r = new AccessLogRecord();
  r.mode = 'http';
  r.clientIp = '127.0.0.1';
  r.clientPort = time[7];
  r.acceptDate = localMs(time[0], time[1], time[2], time[3], time[4], time[5], time[6]);
  r.frontendName = 'px-http';
  r.backendName = 'px-http';
  r.serverName = 'srv1';
  [r.TR, r.Tw, r.Tc, r.Tr, r.Ta] = timers;
  r.Ti = 0;
  r.status = status;
  r.bytesRead = bytes;
  r.terminationState = state.slice(0, 2);
  r.cookieState = state.slice(2);
  [r.actconn, r.feconn, r.beconn, r.srvConn, r.retries] = conns;
  [r.srvQueue, r.backendQueue] = queues;
  const [method, uri, version] = line.split(' ');
  r.method = method;
  r.uri = uri;
  r.httpVersion = version;
  return r;
}

test('httplog: the examples of manual 8.9', (t) => {
  const long = pxHttp([2003, 10, 15, 8, 31, 57, 130, 33318], [6559, 0, 7, 147, 6723], 200, 243, '----', [5, 3, 3, 1, 0], [0, 0], 'HEAD / HTTP/1.0');
  t.is(httplog.format(long),
    '127.0.0.1:33318 [15/Oct/2003:08:31:57.130] px-http px-http/srv1 6559/0/7/147/6723 200 243 - - ---- 5/3/3/1/0 0/0 "HEAD / HTTP/1.0"');

  const queued = pxHttp([2003, 10, 15, 8, 31, 57, 149, 33319], [6559, 1230, 7, 147, 6870], 200, 243, '----', [324, 239, 239, 99, 0], [0, 9], 'HEAD / HTTP/1.0');
  t.is(httplog.format(queued),
    '127.0.0.1:33319 [15/Oct/2003:08:31:57.149] px-http px-http/srv1 6559/1230/7/147/6870 200 243 - - ---- 324/239/239/99/0 0/9 "HEAD / HTTP/1.0"');

  const logasap = pxHttp([2003, 10, 15, 8, 32, 17, 654, 33320], [9, 0, 7, 14, 30], 200, 243, '----', [3, 3, 3, 1, 0], [0, 0], 'GET /image.iso HTTP/1.0');
  logasap.logasap = true;
  t.is(httplog.format(logasap),
    '127.0.0.1:33320 [15/Oct/2003:08:32:17.654] px-http px-http/srv1 9/0/7/14/+30 200 +243 - - ---- 3/3/3/1/0 0/0 "GET /image.iso HTTP/1.0"');

  const blocked = pxHttp([2003, 10, 15, 8, 32, 17, 925, 33320], [9, 0, 7, 14, 30], 502, 243, 'PH--', [3, 2, 2, 0, 0], [0, 0], 'GET /cgi-bin/bug.cgi? HTTP/1.0');
  t.is(httplog.format(blocked),
    '127.0.0.1:33320 [15/Oct/2003:08:32:17.925] px-http px-http/srv1 9/0/7/14/30 502 243 - - PH-- 3/2/2/0/0 0/0 "GET /cgi-bin/bug.cgi? HTTP/1.0"');

  const refused = pxHttp([2003, 10, 15, 15, 26, 31, 462, 34552], [3183, -1, -1, -1, 11215], 503, 0, 'SC--', [205, 202, 202, 115, 3], [0, 0], 'HEAD / HTTP/1.0');
  refused.clientIp = '10.0.0.1';
  t.is(httplog.format(refused),
    '10.0.0.1:34552 [15/Oct/2003:15:26:31.462] px-http px-http/srv1 3183/-1/-1/-1/11215 503 0 - - SC-- 205/202/202/115/3 0/0 "HEAD / HTTP/1.0"');
});

test('httplog: aborted and timed-out requests (manual 8.9, with 2.6\'s <BADREQ>)', (t) => {
  // The manual still shows `""` for the request here; HAProxy 2.6 itself
  // writes "<BADREQ>" (checked against the installed haproxy).
  const aborted = pxHttp([2003, 10, 15, 15, 18, 55, 798, 34548], [-1, -1, -1, -1, 8490], -1, 0, 'CR--', [2, 2, 2, 0, 0], [0, 0], '');
  aborted.serverName = '<NOSRV>';
  aborted.method = '';
  aborted.uri = '';
  aborted.httpVersion = '';
  t.is(httplog.format(aborted),
    '127.0.0.1:34548 [15/Oct/2003:15:18:55.798] px-http px-http/<NOSRV> -1/-1/-1/-1/8490 -1 0 - - CR-- 2/2/2/0/0 0/0 "<BADREQ>"');

  aborted.clientPort = 34549;
  aborted.acceptDate = localMs(2003, 10, 15, 15, 19, 6, 103);
  aborted.Ta = 50001;
  aborted.status = 408;
  aborted.terminationState = 'cR';
  t.is(httplog.format(aborted),
    '127.0.0.1:34549 [15/Oct/2003:15:19:06.103] px-http px-http/<NOSRV> -1/-1/-1/-1/50001 408 0 - - cR-- 2/2/2/0/0 0/0 "<BADREQ>"');
});

test('tcplog: the client time-out example of manual 8.9', (t) => {
  const r = tcpRecord();
  r.clientIp = '127.0.0.1';
  r.clientPort = 34550;
  r.acceptDate = localMs(2003, 10, 15, 15, 24, 28, 312);
  r.frontendName = 'px-tcp';
  r.backendName = 'px-tcp';
  r.bytesRead = 0;
  r.terminationState = 'cD';
  r.retries = 0;
  t.is(tcplog.format(r), '127.0.0.1:34550 [15/Oct/2003:15:24:28.312] px-tcp px-tcp/srv1 0/0/5007 0 cD 0/0/0/0/0 0/0');
});

test('header captures: the proxy-out examples of manual 8.8', (t) => {
  const r = fullHttpRecord();
  r.requestHeaders.length = 0;
  r.requestHeaders.push('fr.adserver.yahoo.co', '', 'http://fr.f416.mail.');
  r.responseHeaders.length = 0;
  r.responseHeaders.push('', '864', 'private', '', '');
  [r.TR, r.Tw, r.Tc, r.Tr, r.Ta] = [0, 0, 0, 162, 162];
  r.logasap = true;
  r.bytesRead = 350;
  const c = compileLogFormat('%TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %hr %hs');
  t.is(c.format(r), '0/0/0/162/+162 200 +350 - - ---- {fr.adserver.yahoo.co||http://fr.f416.mail.} {|864|private||}');
});

test('httplog clf: the line haproxy 2.6 writes for the same request', (t) => {
  // Captured from haproxy 2.6.12 (`option httplog clf`, one request header
  // captured, no response capture) with TZ=UTC, rendered here in Paris time:
  // %trg is GMT so it does not move.
  const r = new AccessLogRecord();
  r.mode = 'http';
  r.clientIp = '127.0.0.1';
  r.clientPort = 46186;
  r.acceptDate = Date.UTC(2026, 10, 24, 9, 2, 1, 299);
  r.Th = 0;
  r.Ti = 0;
  [r.TR, r.Tw, r.Tc, r.Tr, r.Ta] = [0, 0, 0, 0, 0];
  r.frontendName = 'fe2';
  r.backendName = 'be1';
  r.serverName = 's1';
  r.status = 200;
  r.bytesRead = 140;
  r.terminationState = '--';
  r.cookieState = '--';
  [r.actconn, r.feconn, r.beconn, r.srvConn, r.retries] = [1, 1, 0, 0, 0];
  r.requestHeaders.push('127.0.0.1:18002');
  r.method = 'GET';
  r.uri = '/p?q';
  r.httpVersion = 'HTTP/1.1';
  t.is(compileLogFormat(CLF_HTTP_LOG_FORMAT).format(r),
    '127.0.0.1 - - [24/Nov/2026:09:02:01 +0000] "GET /p?q HTTP/1.1" 200 140 "" "" 46186 299 "fe2" "be1" "s1" 0 0 0 0 0 ---- 1 1 0 0 0 0 0 "" "" "127.0.0.1:18002" ');
});

test('the default format: the connect line of manual 8.2.1', (t) => {
  const r = new AccessLogRecord();
  r.clientIp = '10.0.1.2';
  r.clientPort = 33312;
  r.frontendIp = '10.0.3.31';
  r.frontendPort = 8012;
  r.frontendName = 'www';
  t.is(compileLogFormat(DEFAULT_HTTP_LOG_FORMAT).format(r), 'Connect from 10.0.1.2:33312 to 10.0.3.31:8012 (www/HTTP)');
  t.is(compileLogFormat(DEFAULT_TCP_LOG_FORMAT, { mode: 'tcp' }).format(r), 'Connect from 10.0.1.2:33312 to 10.0.3.31:8012 (www/TCP)');
});

test("the seed's custom formats compile and render", (t) => {
  const r = tcpRecord();
  r.hostname = 'lb1';
  r.actconn = 12;
  r.feconn = 5;
  r.beconn = 4;
  r.srvConn = 2;
  r.retries = 0;
  const seed = compileLogFormat('%H %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq', { mode: 'tcp' });
  t.deepEqual(seed.errors, []);
  t.is(seed.format(r), 'lb1 10.0.1.2:33313 [06/Feb/2009:12:12:51.443] fnt bck/srv1 0/0/5007 212 -- 12/5/4/2/0 0/0');

  const seedHttp = '%H %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r';
  const h = fullHttpRecord();
  t.is(compileLogFormat(seedHttp).format(h),
    'lb1 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 0/30/109 2750 -- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"');
  t.deepEqual(compileLogFormat(seedHttp, { mode: 'tcp' }).errors, ["format variable 'r' is reserved for HTTP mode"],
    'as haproxy, %r cannot be used in a TCP frontend');
});

test('httpslog is refused until its TLS sample fetches exist', (t) => {
  const c = compileLogFormat(HTTPS_LOG_FORMAT);
  t.true(c.errors.length > 0);
  t.true(c.problems.every((p) => p.code === 'HAWSER_LOGFMT_SAMPLE_UNSUPPORTED'));
});

test('choosing the format from the proxy options', (t) => {
  t.deepEqual(chooseLogFormat({ mode: 'http', httplog: { clf: false } }), { format: HTTP_LOG_FORMAT, moment: 'end' });
  t.deepEqual(chooseLogFormat({ mode: 'http', httplog: { clf: true } }), { format: CLF_HTTP_LOG_FORMAT, moment: 'end' });
  t.deepEqual(chooseLogFormat({ mode: 'tcp', tcplog: true }), { format: TCP_LOG_FORMAT, moment: 'end' });
  t.deepEqual(chooseLogFormat({ mode: 'http' }), { format: DEFAULT_HTTP_LOG_FORMAT, moment: 'accept' });
  t.deepEqual(chooseLogFormat({ mode: 'tcp' }), { format: DEFAULT_TCP_LOG_FORMAT, moment: 'accept' });
  t.deepEqual(chooseLogFormat({ mode: 'http', httplog: { clf: false }, logFormat: '%ci' }), { format: '%ci', moment: 'end' });
  const fallback = chooseLogFormat({ mode: 'tcp', httplog: { clf: false }, proxyName: 'fe9' });
  t.is(fallback.format, TCP_LOG_FORMAT);
  t.is(fallback.warning, "'option httplog' not usable with frontend 'fe9' (needs 'mode http'). Falling back to 'option tcplog'.");
});
