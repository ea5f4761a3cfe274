// Access logging of one frontend: turns a finished transaction into
// HAProxy's log line (httplog, tcplog, clf, a custom log-format, or the
// default "Connect from" line at accept) and hands it to the log targets.

import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import type { Frontend, GlobalSection } from '../config/index.ts';
import type { RuntimeBackend, RuntimeServer } from '../backend/index.ts';
import {
  AccessLogRecord,
  chooseLogFormat,
  compileLogFormat,
  createAccessLogger,
  localDateMs,
  type AccessLogger,
  type CompiledLogFormat,
  type LogMoment,
} from '../log/index.ts';
import type { Txn } from './txn.ts';
import { unmapped } from './client-conn.ts';

/** What a log line reads of the live counters. */
export interface LogCounters {
  actconn: number;
  feconn: number;
}

export class AccessLog {
  readonly moment: LogMoment;
  private readonly compiled: CompiledLogFormat;
  private readonly logger: AccessLogger;
  private readonly record = new AccessLogRecord();
  private readonly mode: 'http' | 'tcp';
  private readonly dontlognull: boolean;

  private constructor(fe: Frontend, global: GlobalSection, format: string, moment: LogMoment) {
    this.mode = fe.mode ?? 'tcp';
    this.moment = moment;
    this.dontlognull = fe.options.dontlognull === true;
    this.compiled = compileLogFormat(format, { mode: this.mode });
    this.logger = createAccessLogger(fe.logs ?? [], {
      tag: fe.logTag ?? global.logTag ?? 'hawser',
      pid: process.pid,
      // `log-send-hostname` without a name means the system's host name.
      hostname: global.logSendHostname === '' ? hostname() : global.logSendHostname,
      globalTargets: global.logs,
    });
    this.record.pid = process.pid;
  }

  /** The frontend's access log, or null when it logs nowhere. */
  static forProxy(fe: Frontend, global: GlobalSection): AccessLog | null {
    if (fe.noLog || fe.logs === undefined || fe.logs.length === 0) return null;
    if (fe.logs.every((l) => l.kind === 'global') && global.logs.length === 0) return null;
    const choice = chooseLogFormat({
      mode: fe.mode ?? 'tcp',
      logFormat: fe.logFormat?.format,
      httplog: fe.options.httplog,
      tcplog: fe.options.tcplog,
      proxyName: fe.name,
    });
    return new AccessLog(fe, global, choice.format, choice.moment);
  }

  /** Problems in a frontend's log format, for configuration checks (HAProxy's wording). */
  static formatProblems(fe: Frontend): string[] {
    const choice = chooseLogFormat({
      mode: fe.mode ?? 'tcp',
      logFormat: fe.logFormat?.format,
      httplog: fe.options.httplog,
      tcplog: fe.options.tcplog,
      proxyName: fe.name,
    });
    const out = compileLogFormat(choice.format, { mode: fe.mode ?? 'tcp' }).errors;
    if (choice.warning) out.push(choice.warning);
    return out;
  }

  /** A connection was accepted (only the default format logs here). */
  accepted(t: Txn, c: LogCounters): void {
    if (this.moment !== 'accept' || !this.logger.accepts('info')) return;
    this.emit(t, c, null, null);
  }

  /** An HTTP transaction ended. */
  http(t: Txn, c: LogCounters, be: RuntimeBackend | null, srv: RuntimeServer | null): void {
    if (this.moment !== 'end') return;
    if (this.dontlognull && t.method === '' && t.bytesIn === 0) return;
    this.emit(t, c, be, srv);
  }

  /** A TCP session ended. */
  tcp(t: Txn, c: LogCounters, be: RuntimeBackend | null, srv: RuntimeServer | null): void {
    if (this.moment !== 'end') return;
    if (this.dontlognull && t.bytesIn === 0) return;
    this.emit(t, c, be, srv);
  }

  private emit(t: Txn, c: LogCounters, be: RuntimeBackend | null, srv: RuntimeServer | null): void {
    // HAProxy logs traffic at `info` (errors apart only with log-separate-errors),
    // unless a rule set this transaction's level (`silent`: no line).
    const level = t.logLevel === '' ? 'info' : t.logLevel;
    if (level === 'silent' || !this.logger.accepts(level)) return;
    const r = this.record;
    r.reset();
    r.mode = this.mode;
    r.clientIp = t.clientAddr;
    r.clientPort = t.clientPort;
    r.frontendIp = t.frontendAddr;
    r.frontendPort = t.frontendPort;
    r.backendSourceIp = t.backendSrcAddr;
    r.backendSourcePort = t.backendSrcPort || -1;
    r.serverIp = t.serverAddr;
    r.serverPort = t.serverAddr === '' ? -1 : t.serverPort;
    r.acceptDate = this.mode === 'http' && t.requestDate > 0 ? t.requestDate - Math.max(0, t.Ti) : t.acceptDate;
    r.requestDate = this.mode === 'http' && t.requestDate > 0 ? t.requestDate : -1;
    r.frontendName = t.frontend;
    r.backendName = t.backend || t.frontend;
    r.serverName = t.server || '<NOSRV>';
    r.Th = 0;
    if (this.mode === 'http') {
      r.Ti = t.Ti;
      r.TR = t.TR;
      r.Tr = t.Tr;
      r.Ta = t.Ta;
      r.Tq = r.Ti < 0 || r.TR < 0 ? -1 : r.Th + r.Ti + r.TR;
    }
    r.Tw = t.Tw;
    r.Tc = t.Tc;
    r.Tt = t.Tt;
    r.status = this.mode === 'http' ? t.status : 0;
    r.bytesRead = t.bytesOut;
    r.bytesUploaded = t.bytesIn;
    r.terminationState = t.termination;
    r.actconn = c.actconn;
    r.feconn = c.feconn;
    r.beconn = be !== null ? be.active : 0;
    r.srvConn = srv !== null ? srv.active : 0;
    r.retries = t.retries;
    r.redispatched = t.redispatched;
    r.srvQueue = 0;
    r.backendQueue = be !== null ? be.queue.length : 0;
    r.method = t.method;
    r.uri = t.target;
    r.httpVersion = t.version;
    if (t.tls !== null) {
      r.frontendSsl = true;
      r.sslVersion = t.tls.protocol();
      r.sslCipher = t.tls.cipher();
      r.sslSni = t.tls.sni ?? '';
    }
    if (t.reqCaptures !== null) r.requestHeaders = t.reqCaptures;
    if (t.resCaptures !== null) r.responseHeaders = t.resCaptures;
    // %tsc's cookie characters, only for a backend with an active persistence cookie (HAProxy's PR_CK_ANY).
    if (be !== null && be.cookie !== null && be.cookie.logged) r.cookieState = t.ckClient + t.ckServer;
    r.capturedRequestCookie = t.capturedRequestCookie;
    r.capturedResponseCookie = t.capturedResponseCookie;
    r.level = level;
    this.logger.log(level, this.compiled.format(r));
  }

  /**
   * A connection that failed before its session (bad PROXY header, TLS
   * handshake), in HAProxy's connection-error line:
   * `127.0.0.1:40000 [24/Nov/2026:13:50:00.123] www/bind-name: reason`.
   */
  connectionError(s: Socket, frontend: string, bind: string, why: string): void {
    if (!this.logger.accepts('info')) return;
    const addr = s.remoteAddress === undefined ? 'unix' : `${unmapped(s.remoteAddress)}:${s.remotePort ?? 0}`;
    this.logger.log('info', `${addr} [${localDateMs(Date.now())}] ${frontend}/${bind}: ${why}`);
  }

  close(): Promise<void> {
    return this.logger.close();
  }
}
