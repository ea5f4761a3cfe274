// A frontend at run time: accepts client connections from its listeners,
// enforces maxconn (excess connections wait unread, as HAProxy leaves them in
// the backlog), and starts a TCP or HTTP session for each.

import type { Socket } from 'node:net';
import type { Frontend as FrontendConfig } from '../config/index.ts';
import { LiveCount, type RuntimeBackend } from '../backend/index.ts';
import type { ProcessCounters } from './counters.ts';
import type { AccessLog, LogCounters } from './access-log.ts';
import type { SampleContext } from '../acl/index.ts';
import { HttpSession } from './http-session.ts';
import type { ProxyRules } from './routing.ts';
import { TcpSession } from './tcp-session.ts';
import type { ClientConn } from './client-conn.ts';
import type { SessionView } from './session-samples.ts';
import type { RuntimeApi } from '../runtime/index.ts';
import { LocalServices } from '../stats/index.ts';
import type { HttpCache } from '../cache/index.ts';
import { H2Gateway } from '../h2/index.ts';

const NO_CACHES: ReadonlyMap<string, HttpCache> = new Map();

/** What the frontend asks of its sessions when the process stops. */
export interface Session {
  /** Close now. */
  abort(): void;
  /** Finish what is in flight, then close (no new request on this connection). */
  softStop(): void;
  /** What `show sess` prints. */
  describe(): SessionView;
}

export interface FrontendTimeouts {
  client: number;
  httpRequest: number;
  httpKeepAlive: number;
  tunnel: number;
  clientFin: number;
}

export interface HttpBehaviour {
  /** `option forwardfor`: header name, or '' when off. */
  forwardFor: string;
  forwardForIfNone: boolean;
  /** `option httpclose`: close both sides after each exchange. */
  httpClose: boolean;
  /** `option http-server-close`: close the server side after each response. */
  serverClose: boolean;
  /** `http-reuse`. */
  reuse: 'never' | 'safe' | 'aggressive' | 'always';
}

export class RuntimeFrontend implements LogCounters {
  readonly name: string;
  readonly config: FrontendConfig;
  readonly mode: 'http' | 'tcp';
  readonly timeouts: FrontendTimeouts;
  readonly http: HttpBehaviour;
  readonly defaultBackend: RuntimeBackend | null;
  /** Every backend of the process, by name (rules and fetches look them up). */
  readonly backends: Map<string, RuntimeBackend>;
  /** This frontend's switching and HTTP rules. */
  readonly rules: ProxyRules;
  readonly counters: ProcessCounters;
  readonly accessLog: AccessLog | null;
  maxconn: number;
  // counters (HAProxy's stats names)
  /** Current connections (every thread's under nbthread). */
  readonly live = new LiveCount();
  maxActive = 0;
  cumConns = 0;
  cumRequests = 0;
  deniedReq = 0;
  /** Connections and sessions refused by tcp-request connection / session rules (dcon, dses). */
  deniedConn = 0;
  deniedSess = 0;
  failedReq = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly responses = [0, 0, 0, 0, 0, 0];
  /** Connections accepted beyond maxconn, waiting unread for a slot. */
  private readonly held: Socket[] = [];
  /** What the listener learnt of held connections (PROXY addresses, TLS). */
  private readonly heldConns = new WeakMap<Socket, ClientConn>();
  /** Connections that failed before their session: bad PROXY header, TLS handshake. */
  failedHandshakes = 0;
  readonly sessions = new Set<Session>();
  stopping = false;
  /** HTTP/2 client connections, made on the first one. */
  private h2: H2Gateway<ClientConn> | null = null;
  /** The sessions that are HTTP/2 streams (their connection is what counts against maxconn). */
  private readonly streams = new Set<Session>();
  /** `tune.h2.max-concurrent-streams` (set by the engine). */
  h2MaxStreams = 100;
  /** The stats page and the `use-service` services answered here. */
  readonly services: LocalServices;
  /** The process's `cache` sections by name (set by the engine), for cache-use / cache-store. */
  caches: ReadonlyMap<string, HttpCache> = NO_CACHES;
  /** The engine that runs this frontend (set when installed): the services read and act through its runtime API. */
  process: { readonly runtime: RuntimeApi } | null = null;

  constructor(
    cfg: FrontendConfig,
    backends: Map<string, RuntimeBackend>,
    counters: ProcessCounters,
    accessLog: AccessLog | null,
    rules: ProxyRules,
  ) {
    this.name = cfg.name;
    this.config = cfg;
    this.mode = cfg.mode ?? 'tcp';
    this.counters = counters;
    this.accessLog = accessLog;
    const t = cfg.timeouts;
    const client = t.client ?? 0;
    this.timeouts = {
      client,
      httpRequest: t.httpRequest ?? client,
      httpKeepAlive: t.httpKeepAlive ?? t.httpRequest ?? client,
      tunnel: t.tunnel ?? 0,
      clientFin: t.clientFin ?? client,
    };
    const o = cfg.options;
    this.http = {
      forwardFor: o.forwardfor ? o.forwardfor.header || 'X-Forwarded-For' : '',
      forwardForIfNone: o.forwardfor?.ifNone === true,
      httpClose: o.httpclose === true,
      serverClose: o.httpServerClose === true,
      reuse: cfg.httpReuse ?? 'safe',
    };
    this.maxconn = cfg.maxconn ?? 0;
    this.backends = backends;
    this.rules = rules;
    const def = cfg.defaultBackend?.name;
    this.defaultBackend = def !== undefined ? (backends.get(def) ?? null) : null;
    this.services = new LocalServices(cfg, backends, () => this.process?.runtime ?? null);
  }

  /**
   * The backend for a request: the first `use_backend` rule whose condition
   * holds, else `default_backend`; null when there is neither. A dynamic
   * name that names no backend ends the search there: HAProxy 2.6 then
   * goes to the default backend without trying the rules below.
   */
  selectBackend(ctx: SampleContext): RuntimeBackend | null {
    const rules = this.rules.switching;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.cond !== null && !r.cond.eval(ctx)) continue;
      if (r.expr === null) return this.backends.get(r.backend!) ?? null;
      const name = r.expr.evalString(ctx);
      const be = name !== undefined ? this.backends.get(name) : undefined;
      if (be !== undefined) return be;
      break;
    }
    return this.defaultBackend;
  }

  get actconn(): number {
    return this.counters.active;
  }

  get feconn(): number {
    return this.active;
  }

  get active(): number {
    return this.live.value;
  }

  set active(v: number) {
    this.live.value = v;
  }

  /** A slot in this frontend and in the process (maxconn, global maxconn), each checked and taken in one step across threads. */
  private reserve(): boolean {
    if (!this.live.tryTake(this.maxconn)) return false;
    if (this.counters.live.tryTake(this.counters.maxconn)) return true;
    this.live.add(-1);
    return false;
  }

  /** A connection arrived on one of our listeners. */
  accept(socket: Socket, conn: ClientConn | null = null): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    if (!this.reserve()) {
      socket.pause();
      this.held.push(socket);
      if (conn !== null) this.heldConns.set(socket, conn);
      this.counters.hold(1);
      // nbthread: a session on another thread may have ended between the
      // failed reserve and the hold, when that thread saw no held connection
      // to wake; it frees its slot before it looks, so looking again here
      // after holding cannot miss it (the slot or the wake-up, one of them).
      this.counters.admitHeld();
      return;
    }
    this.start(socket, conn);
  }

  /** How long a client may take for its PROXY header or TLS handshake (HAProxy: `timeout client`). */
  get handshakeTimeout(): number {
    return this.timeouts.client;
  }

  /** A connection failed before its session (bad PROXY header, TLS handshake): counted and logged. */
  handshakeFailed(socket: Socket, bind: string, why: string): void {
    this.failedHandshakes++;
    this.counters.onInvalid('handshake-failed', `${this.name}/${bind}`, `${socket.remoteAddress ?? 'unix'}:${socket.remotePort ?? 0}: ${why}`);
    this.accessLog?.connectionError(socket, this.name, bind, why);
  }

  /** Starts a session on a slot reserve() took. */
  private start(socket: Socket, conn: ClientConn | null): void {
    this.cumConns++;
    const n = this.live.value;
    if (n > this.maxActive) this.maxActive = n;
    this.counters.sessionStarted();
    if (this.mode === 'tcp') {
      this.sessions.add(new TcpSession(this, socket, conn));
      return;
    }
    const s = new HttpSession(this, socket, conn);
    this.sessions.add(s);
    // HTTP/2 negotiated by ALPN: the session runs the connection-level rules, then hands the connection over.
    if ((socket as Socket & { alpnProtocol?: string | false }).alpnProtocol === 'h2') s.serveAsH2();
  }

  /**
   * Serves `socket` as HTTP/2 (ALPN h2, or an h2c preface seen by `s`): the
   * connection keeps the slot `s` had (maxconn, `scur` and `stot` count
   * connections, as HAProxy's do) until node:http2 closes it.
   */
  handOverToH2(s: Session, socket: Socket, conn: ClientConn): void {
    this.sessions.delete(s);
    this.h2 ??= new H2Gateway<ClientConn>(this, {
      idleMs: this.timeouts.httpRequest,
      keepAliveMs: this.timeouts.httpKeepAlive,
      maxStreams: this.h2MaxStreams,
    });
    this.h2.attach(socket, { ...conn, http2: true });
  }

  /** One HTTP/2 stream: a session of its own (rules, logs, `show sess`), not a connection. */
  startStream(socket: Socket, conn: ClientConn, first: boolean): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const s = new HttpSession(this, socket, conn);
    if (!first) s.continuesConnection();
    this.sessions.add(s);
    this.streams.add(s);
  }

  /** An HTTP/2 connection closed: its slot is free, and what its rules tracked is released. */
  connectionEnded(conn: ClientConn): void {
    conn.sc?.endSession();
    this.live.add(-1);
    this.counters.sessionEnded();
  }

  /** A session ended: its slot goes to the oldest held connection, here or elsewhere. */
  sessionEnded(s: Session): void {
    this.sessions.delete(s);
    // A stream's connection holds the slot.
    if (this.streams.delete(s)) return;
    this.live.add(-1);
    this.counters.sessionEnded();
  }

  /** Start held connections while there is room; true if one was started. */
  admitHeld(): boolean {
    while (this.held.length > 0 && this.reserve()) {
      const socket = this.held.shift()!;
      this.counters.hold(-1);
      if (socket.destroyed) {
        this.live.add(-1);
        this.counters.live.add(-1);
        continue;
      }
      socket.resume();
      const conn = this.heldConns.get(socket) ?? null;
      this.heldConns.delete(socket);
      this.start(socket, conn);
      return true;
    }
    return false;
  }

  countResponse(status: number): void {
    this.responses[status >= 100 && status < 600 ? ((status / 100) | 0) - 1 : 5]++;
  }

  /** Stop taking new work: idle connections close, busy ones close after their exchange. */
  softStopAll(): void {
    this.stopping = true;
    this.h2?.drain();
    for (const s of [...this.sessions]) s.softStop();
    for (const h of this.held.splice(0)) {
      this.counters.hold(-1);
      h.destroy();
    }
  }

  /** Close every session now (hard stop). */
  abortAll(): void {
    this.h2?.closeAll();
    for (const s of [...this.sessions]) s.abort();
    for (const h of this.held.splice(0)) {
      this.counters.hold(-1);
      h.destroy();
    }
  }
}
