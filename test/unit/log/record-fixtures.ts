// Known records for the log tests: the values of HAProxy's manual examples
// and one fully populated HTTP request.

import { AccessLogRecord } from '../../../src/log/index.ts';

/** Epoch ms of a local date (the test process's TZ), as HAProxy's %t shows it. */
export function localMs(y: number, mon: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return new Date(y, mon - 1, d, h, mi, s, ms).getTime();
}

/** A finished HTTP request through fe `http-in`, every field set to a distinct value. */
export function fullHttpRecord(): AccessLogRecord {
  const r = new AccessLogRecord();
  r.mode = 'http';
  r.clientIp = '10.0.1.2';
  r.clientPort = 33317;
  r.frontendIp = '10.0.3.31';
  r.frontendPort = 8012;
  r.backendSourceIp = '192.168.1.10';
  r.backendSourcePort = 41000;
  r.serverIp = '192.168.1.20';
  r.serverPort = 8000;
  r.acceptDate = localMs(2009, 2, 6, 12, 14, 14, 655);
  r.frontendName = 'http-in';
  r.backendName = 'static';
  r.serverName = 'srv1';
  r.Th = 0;
  r.Ti = 0;
  r.TR = 10;
  r.Tw = 0;
  r.Tc = 30;
  r.Tr = 69;
  r.Ta = 109;
  r.Tt = 109;
  r.Tq = 10;
  r.status = 200;
  r.bytesRead = 2750;
  r.bytesUploaded = 430;
  r.terminationState = '--';
  r.cookieState = '--';
  r.actconn = 1;
  r.feconn = 1;
  r.beconn = 1;
  r.srvConn = 1;
  r.retries = 0;
  r.requestHeaders.push('1wt.eu');
  r.responseHeaders.push(null);
  r.method = 'GET';
  r.uri = '/index.html';
  r.httpVersion = 'HTTP/1.1';
  r.pid = 14389;
  r.hostname = 'lb1';
  r.requestCounter = 7;
  r.logCounter = 3;
  return r;
}

/** A TCP session through fe `fnt` (manual 8.2.2). */
export function tcpRecord(): AccessLogRecord {
  const r = new AccessLogRecord();
  r.mode = 'tcp';
  r.clientIp = '10.0.1.2';
  r.clientPort = 33313;
  r.acceptDate = localMs(2009, 2, 6, 12, 12, 51, 443);
  r.frontendName = 'fnt';
  r.backendName = 'bck';
  r.serverName = 'srv1';
  r.Tw = 0;
  r.Tc = 0;
  r.Tt = 5007;
  r.bytesRead = 212;
  r.terminationState = '--';
  r.retries = 3;
  r.status = 0;
  return r;
}
