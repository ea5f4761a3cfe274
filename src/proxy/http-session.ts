// One client connection in `mode http`: reads request heads with the strict
// parser, picks a backend and a server slot, reuses or opens a server
// connection, and streams both bodies through unchanged (Content-Length and
// chunked framing are tracked, never buffered whole). Keep-alive on both
// sides, pipelined requests served in order, 1xx and Upgrade handled.
//
// Every socket handler is bound once per connection; per request the session
// allocates the parsed head and the strings it forwards, little else.

import type { Socket } from 'node:net';
import type { RuntimeBackend, RuntimeServer, AssignFailure, QueueNode } from '../backend/index.ts';
import type { PickInput } from '../lb/index.ts';
import {
  ChunkedScanner,
  HEAD_END,
  type HttpHead,
  isHeadError,
  parseRequestHead,
  parseResponseHead,
  renderRequestHead,
  renderResponseHead,
  errorResponse,
  closesConnection,
  DEFAULT_LIMITS,
} from '../http/index.ts';
import type { RuntimeFrontend, Session } from './frontend.ts';
import { ServerConn, setIdleTimeout, takeIdle, type ServerConnOwner } from './server-conn.ts';
import { applyHttpRules, replyBytes, CONTINUE, runTcpRules, TCP_REJECT, TCP_WAIT, type CaptureSlot, type HttpReply, type HttpRule, type TcpRule } from '../rules/index.ts';
import { SessionSamples } from './session-samples.ts';
import { afterResponseReply, customErrorReply, hasAfterResponse } from './final-reply.ts';
import { StickState } from './stick-rules.ts';
import type { StickCounters } from '../stick/index.ts';
import { CookiePersistence } from '../persist/index.ts';
import type { CaptureInput } from './error-snapshots.ts';
import { Txn } from './txn.ts';
import type { ClientConn } from './client-conn.ts';
import { H2_PREFACE } from '../h2/index.ts';
import { HttpFilters, type BodyFraming } from './http-filters.ts';
import type { ResponsePipe, ResponsePipeOwner } from './response-pipe.ts';
import type { CacheAction } from '../rules/index.ts';

// Session phases.
/** The HTTP/2 preface's first part, which reads as a request head ("PRI * HTTP/2.0" and a blank line). */
const H2C_START = H2_PREFACE.subarray(0, 18);

const P_IDLE = 0; // waiting for the first byte of a request (keep-alive)
const P_HEAD = 1; // receiving a request head
const P_ASSIGN = 2; // waiting for a server slot (possibly queued)
const P_CONNECT = 3; // opening the server connection
const P_EXCHANGE = 4; // request sent (body may still stream), response awaited or streaming
const P_TUNNEL = 5; // after 101 Switching Protocols
const P_CLOSING = 6; // last response sent, closing
const P_CLOSED = 7;
const P_LOCAL = 8; // a local service (stats page, metrics) waits for the request body
const P_INSPECT = 9; // tcp-request content rules wait for more of the request body

/** Reads `capture cookie` values for frontends whose backend has no persistence cookie. */
const CAPTURE_ONLY = new CookiePersistence<RuntimeServer>(null, []);

/** HAProxy's tune.bufsize minus tune.maxrewrite: a body this large ends content inspection. */
const INSPECT_LIMIT = 16384 - 1024;

/** Termination state when the client leaves in each phase (HAProxy's session state codes). */
const CLIENT_ABORT_TERM = ['C', 'CR', 'CQ', 'CC', 'CH', '--', '--', '--', 'CR', 'CR'];

// Body framing.
const B_NONE = 0;
const B_LENGTH = 1;
const B_CHUNKED = 2;
const B_CLOSE = 3; // response delimited by the server closing

/** B_* as the response pipe names them. */
const FRAMING: readonly BodyFraming[] = ['none', 'length', 'chunked', 'close'];

/** A response head larger than this is refused with 502. */
const MAX_RESPONSE_HEAD = DEFAULT_LIMITS.maxHeadSize;

export class HttpSession extends SessionSamples implements ServerConnOwner, PickInput, Session, ResponsePipeOwner {
  protected readonly fe: RuntimeFrontend;
  private readonly client: Socket;
  private phase = P_IDLE;
  /** Bytes received from the client and not consumed yet (head in progress, or pipelined). */
  private pending: Buffer | null = null;
  /** Where to resume searching for the end of the head in `pending`. */
  private scanFrom = 0;
  private headTimer: NodeJS.Timeout | null = null;

  // current transaction
  private req: HttpHead | null = null;
  private reqBody = B_NONE;
  private reqRemaining = 0;
  private reqScanner: ChunkedScanner | null = null;
  private reqDone = false;
  /** Body bytes that arrived with the head, waiting for the server connection. */
  private held: Buffer | null = null;
  private be: RuntimeBackend | null = null;
  private server: RuntimeServer | null = null;
  private conn: ServerConn | null = null;
  private queueNode: QueueNode | null = null;
  private retriesLeft = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private resPending: Buffer | null = null;
  private res: HttpHead | null = null;
  private resBody = B_NONE;
  private resRemaining = 0;
  private resScanner: ChunkedScanner | null = null;
  /** Response bytes already sent to the client for this transaction. */
  private resStarted = false;
  private keepClient = true;
  /** True while response rules run (fetches then read the response). */
  private inResponse = false;
  /** The status of a reply Hawser produced, for `status` in http-after-response rules. */
  private replyStatus = 0;
  /** Whether we paused reading the client (tracked to avoid redundant syscalls). */
  private clientPaused = false;
  private clientEnded = false;
  private requests = 0;
  /** An HTTP/2 stream that is not its connection's first. */
  private laterStream = false;
  /** The local service the request waits for (P_LOCAL). */
  private service = '';
  /** tcp-request content rules being run, their timer, and whether they must decide now. */
  private contentRules: readonly TcpRule[] = [];
  private inspectTimer: NodeJS.Timeout | null = null;
  private inspectOver = false;
  /** Compression and cache state of this transaction (null: neither is in play, the usual case). */
  private filters: HttpFilters | null = null;
  /** Where the response body goes while it is compressed or stored (null: straight to the client). */
  private pipe: ResponsePipe | null = null;
  /** Stick persistence of the current request (null until a backend with stick rules is used). */
  private stick: StickState | null = null;
  protected readonly txn: Txn;

  constructor(fe: RuntimeFrontend, client: Socket, conn: ClientConn | null = null) {
    super();
    this.fe = fe;
    this.client = client;
    this.txn = new Txn(client, fe.name, conn);
    client.setNoDelay(true);
    client.on('data', this.onClientData);
    client.on('end', this.onClientEnd);
    client.on('close', this.onClientClose);
    client.on('error', noop);
    client.on('drain', this.onClientDrain);
    client.on('timeout', this.onClientTimeout);
    // tcp-request connection and session rules, before anything is read; a
    // refused connection is closed at once and not logged.
    const r = fe.rules;
    if (conn !== null && conn.http2 === true) {
      // An HTTP/2 stream: its connection ran those rules once; what they tracked is seen here too.
      if (conn.sc != null) this.trackCounters().borrow(conn.sc);
    } else if (r.tcpConnection.length + r.tcpSession.length > 0) {
      const conn = runTcpRules(r.tcpConnection, this, false) === TCP_REJECT;
      if (conn || runTcpRules(r.tcpSession, this, false) === TCP_REJECT) {
        if (conn) fe.deniedConn++;
        else fe.deniedSess++;
        this.phase = P_CLOSED;
        client.destroy();
        return;
      }
      // HAProxy counts the session on the counters its connection-level rules tracked.
      if (this.sc !== null) this.sc.countSession();
    }
    fe.accessLog?.accepted(this.txn, fe);
    if (fe.timeouts.httpRequest > 0) client.setTimeout(fe.timeouts.httpRequest);
  }

  // ---- PickInput (what hash balancers look at)
  get src(): string {
    return this.txn.clientAddr;
  }
  get uri(): string | undefined {
    return this.req?.target;
  }
  header(name: string): string | undefined {
    return this.req?.get(name.toLowerCase());
  }

  // ---- SampleContext (what fetches read; the layer-4 part is in SessionSamples)

  protected currentBackend(): RuntimeBackend | null {
    return this.be;
  }
  override method(): string | undefined {
    return this.req?.method;
  }
  override url(): string | undefined {
    return this.req?.target;
  }
  override httpVersion(): string | undefined {
    return this.req === null ? undefined : this.req.versionMinor === 0 ? '1.0' : '1.1';
  }
  override requestHeaders(): readonly string[] | undefined {
    return this.req?.headers;
  }
  override requestBody(): Buffer | undefined {
    return this.held ?? undefined;
  }
  override requestLength(): number {
    return (this.req?.length ?? 0) + (this.held?.length ?? 0);
  }
  override firstRequest(): boolean {
    return this.requests <= 1;
  }
  override status(): number {
    return this.res?.status ?? this.replyStatus;
  }
  override responseVersion(): string | undefined {
    return this.res === null ? undefined : this.res.versionMinor === 0 ? '1.0' : '1.1';
  }
  override responseHeaders(): readonly string[] | undefined {
    return this.res?.headers;
  }
  override isResponse(): boolean {
    return this.inResponse;
  }

  /** Whether any response rule (or cookie persistence, or a cookie capture) applies to the current exchange. */
  private get hasResponseRules(): boolean {
    const be = this.be!;
    const fr = this.fe.rules;
    return (
      fr.response.length + fr.afterResponse.length + be.rules.response.length + be.rules.afterResponse.length > 0 ||
      be.cookie !== null ||
      fr.cookieCapture !== null
    );
  }

  // ---- client side

  private readonly onClientData = (chunk: Buffer): void => {
    this.fe.bytesIn += chunk.length;
    switch (this.phase) {
      case P_IDLE:
      case P_HEAD:
        this.readHead(chunk);
        return;
      case P_EXCHANGE:
        if (!this.reqDone) {
          this.forwardRequestBody(chunk, 0);
          return;
        }
        this.hold(chunk);
        return;
      case P_INSPECT:
        this.held = this.held ? Buffer.concat([this.held, chunk]) : chunk;
        if (this.held.length >= INSPECT_LIMIT || (this.reqBody === B_LENGTH && this.held.length >= this.reqRemaining)) {
          this.inspectOver = true;
          this.pauseClient();
        }
        this.evaluateContent();
        return;
      case P_LOCAL:
        this.held = this.held ? Buffer.concat([this.held, chunk]) : chunk;
        this.serveLocally(this.service);
        return;
      case P_TUNNEL:
        if (this.conn && !this.conn.socket.write(chunk)) this.pauseClient();
        this.txn.bytesIn += chunk.length;
        return;
      case P_ASSIGN:
      case P_CONNECT:
        // body bytes before the server is ready (the client was paused, these were in flight)
        if (this.reqDone) {
          this.hold(chunk);
          return;
        }
        this.held = this.held ? Buffer.concat([this.held, chunk]) : chunk;
        this.pauseClient();
        return;
      default:
        return;
    }
  };

  /** Keep bytes of a next (pipelined) request for later and stop reading. */
  private hold(chunk: Buffer): void {
    this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pauseClient();
  }

  private pauseClient(): void {
    if (!this.clientPaused) {
      this.clientPaused = true;
      this.client.pause();
    }
  }

  private resumeClient(): void {
    if (this.clientPaused) {
      this.clientPaused = false;
      this.client.resume();
    }
  }

  private readHead(chunk: Buffer | null): void {
    let buf: Buffer;
    if (chunk === null) buf = this.pending!;
    else if (this.pending === null) buf = chunk;
    else buf = Buffer.concat([this.pending, chunk]);
    if (this.phase === P_IDLE) {
      this.phase = P_HEAD;
      this.txn.startRequest();
      if (this.requests > 0 && this.fe.timeouts.httpKeepAlive !== this.fe.timeouts.httpRequest) {
        this.client.setTimeout(this.fe.timeouts.httpRequest);
      }
    }
    const from = this.scanFrom > 3 ? this.scanFrom - 3 : 0;
    const end = buf.indexOf(HEAD_END, from);
    if (end < 0) {
      if (buf.length > DEFAULT_LIMITS.maxHeadSize) {
        this.pending = null;
        this.fe.counters.invalidRequest(this.fe.name, this.txn.clientAddr, 'request head too large', this.snapshot(buf, buf.length, 'head'));
        this.failRequest(400, 'PR', 'request head too large');
        return;
      }
      this.pending = buf;
      this.scanFrom = buf.length;
      if (this.headTimer === null && this.fe.timeouts.httpRequest > 0) {
        this.headTimer = setTimeout(this.onHeadTimeout, this.fe.timeouts.httpRequest);
      }
      return;
    }
    this.scanFrom = 0;
    if (this.headTimer !== null) {
      clearTimeout(this.headTimer);
      this.headTimer = null;
    }
    const headEnd = end + 4;
    if (this.requests === 0 && headEnd === H2C_START.length && buf.compare(H2C_START, 0, headEnd, 0, headEnd) === 0) {
      this.handOverToH2(buf);
      return;
    }
    const head = parseRequestHead(buf, 0, headEnd, DEFAULT_LIMITS);
    this.pending = headEnd < buf.length ? buf.subarray(headEnd) : null;
    if (isHeadError(head)) {
      this.pending = null;
      this.fe.counters.invalidRequest(this.fe.name, this.txn.clientAddr, head.message, this.snapshot(buf, head.offset, 'head'));
      this.failRequest(400, 'PR', head.message);
      return;
    }
    this.startRequest(head);
  }

  /** What `show errors` keeps of a refused message (built only when one is refused). */
  private snapshot(bytes: Buffer, errorAt: number, phase: 'head' | 'body', response = false): CaptureInput {
    return {
      bytes,
      errorAt,
      phase,
      src: this.txn.clientAddr,
      srcPort: this.txn.clientPort,
      // A request names the backend it was going to; a response, the frontend it was for.
      other: response ? this.fe.name : (this.be?.name ?? null),
      server: this.server?.name ?? null,
      serverId: this.server?.id ?? -1,
    };
  }

  /**
   * The connection opened with the HTTP/2 preface (h2c, prior knowledge):
   * it is handed, with what was read, to the frontend's HTTP/2 gateway,
   * and this session leaves without a trace (HAProxy upgrades the same way).
   */
  private handOverToH2(buf: Buffer | null): void {
    const c = this.client;
    c.pause();
    c.removeListener('data', this.onClientData);
    c.removeListener('end', this.onClientEnd);
    c.removeListener('close', this.onClientClose);
    c.removeListener('drain', this.onClientDrain);
    c.removeListener('timeout', this.onClientTimeout);
    c.setTimeout(0);
    this.pending = null;
    this.phase = P_CLOSED;
    if (buf !== null) c.unshift(buf);
    // The connection keeps its slot (maxconn counts connections) and what its rules tracked.
    const sc = this.sc;
    this.sc = null;
    const t = this.txn;
    this.fe.handOverToH2(this, c, { src: t.clientAddr, srcPort: t.clientPort, dst: t.frontendAddr, dstPort: t.frontendPort, tls: t.tls, proxy: null, sc });
  }

  /** An HTTP/2 stream after its connection's first: its request is not the session's first (HAProxy's view for http-reuse). */
  continuesConnection(): void {
    this.laterStream = true;
  }

  /** ALPN chose h2: once the connection-level rules accepted it, the connection is HTTP/2's. */
  serveAsH2(): void {
    if (this.phase === P_IDLE && this.requests === 0) this.handOverToH2(null);
  }

  private readonly onHeadTimeout = (): void => {
    this.headTimer = null;
    if (this.phase !== P_HEAD) return;
    this.pending = null;
    this.failRequest(408, 'cR', 'timeout');
  };

  private startRequest(head: HttpHead): void {
    this.req = head;
    this.requests++;
    this.fe.cumRequests++;
    this.fe.counters.cumRequests++;
    this.txn.requestParsed(head);
    // A frontend replaced by a reload (stopping) closes its connections after their current exchange.
    this.keepClient = head.keepAlive && !this.fe.http.httpClose && !this.clientEnded && !this.fe.stopping;
    // framing of the request body
    if (head.chunked) {
      this.reqBody = B_CHUNKED;
      if (this.reqScanner === null) this.reqScanner = new ChunkedScanner();
      else this.reqScanner.reset();
    } else if (head.contentLength > 0) {
      this.reqBody = B_LENGTH;
      this.reqRemaining = head.contentLength;
    } else {
      this.reqBody = B_NONE;
    }
    this.reqDone = this.reqBody === B_NONE;
    // What came after the head: body bytes (held for the server) or a pipelined
    // request. Either way, read no more until the server side is ready. The
    // client is not paused otherwise: pausing costs a syscall per request.
    if (this.pending !== null) {
      if (!this.reqDone) {
        this.held = this.pending;
        this.pending = null;
      }
      this.pauseClient();
    }
    if (this.fe.timeouts.client > 0 && this.fe.timeouts.client !== this.fe.timeouts.httpRequest) {
      this.client.setTimeout(this.fe.timeouts.client);
    }
    // HAProxy's order: captures, tcp-request content, http-request (frontend),
    // use_backend, then the backend's tcp-request content and http-request.
    const fr = this.fe.rules;
    if (fr.captures.request.length + fr.captures.response.length > 0) this.captureRequest(head);
    if (fr.tcpContent.length > 0) {
      this.inspect(fr.tcpContent, fr.inspectDelay);
      return;
    }
    this.frontendStage();
  }

  /** The frontend's http-request rules, then the choice of a backend. */
  private frontendStage(): void {
    const head = this.req!;
    if (this.sc !== null) this.sc.countHttpRequest();
    if (this.fe.rules.request.length > 0 && this.requestRules(this.fe.rules.request, head)) return;
    if (this.fe.services.matches(head.target)) return this.serveLocally('stats');
    const be = this.fe.selectBackend(this);
    if (be === null) {
      this.failRequest(503, 'PR', 'no backend');
      return;
    }
    this.be = be;
    if (be.rules.tcpContent.length > 0 && !(be.config.fromListen && be.name === this.fe.name)) {
      this.inspect(be.rules.tcpContent, be.rules.inspectDelay);
      return;
    }
    this.backendStage();
  }

  /** The backend's http-request rules, then a server slot. */
  private backendStage(): void {
    const head = this.req!;
    const be = this.be!;
    if (be.rules.request.length > 0 && !(be.config.fromListen && be.name === this.fe.name)) {
      if (this.requestRules(be.rules.request, head)) return;
    }
    be.cumRequests++;
    this.txn.backend = be.name;
    this.retriesLeft = be.retries;
    const target = be.cookie !== null || this.fe.rules.cookieCapture !== null ? this.requestCookies(head, be) : null;
    if ((this.filters !== null || this.fe.config.compression !== undefined || be.config.compression !== undefined) && this.startFilters(head, be)) return;
    this.phase = P_ASSIGN;
    this.txn.queuedAt = performance.now();
    const server = be.rules.stick !== null ? (this.stick ??= new StickState()).request(be, this, target) : target;
    this.queueNode = server !== null ? be.assignTo(this, server) : be.assign(this, this);
  }


  /**
   * Cookie persistence on the request (after the backend's http-request
   * rules, as HAProxy): force-persist / ignore-persist, then the server the
   * cookie names (null: let the balancer choose); `capture cookie` too.
   */
  private requestCookies(head: HttpHead, be: RuntimeBackend): RuntimeServer | null {
    const t = this.txn;
    let force = false;
    const rules = be.rules.persist;
    for (let i = 0; i < rules.length; i++) {
      if (!rules[i]!.cond.eval(this)) continue;
      if (rules[i]!.force) force = true;
      else t.persistIgnored = true;
      break;
    }
    const ck = be.cookie ?? CAPTURE_ONLY;
    return ck.request(head.headers, t, Math.floor(Date.now() / 1000), force, t.persistIgnored, be.persist, this.fe.rules.cookieCapture);
  }

  /** Cookie persistence on the response: the server's cookie kept, removed or rewritten; ours inserted. */
  private responseCookies(res: HttpHead, be: RuntimeBackend): void {
    const req = this.req!;
    const m = req.method;
    const cacheable = m === 'GET' || m === 'HEAD' || m === 'OPTIONS' || m === 'TRACE';
    const ck = be.cookie ?? CAPTURE_ONLY;
    const t = this.txn;
    ck.response(res.headers, t, this.server, Math.floor(Date.now() / 1000), t.persistIgnored, m === 'POST', cacheable, res.status, this.fe.rules.cookieCapture);
  }

  // ---- Waiter (slot assignment)

  serverAssigned(s: RuntimeServer): void {
    this.queueNode = null;
    if (this.phase !== P_ASSIGN) {
      // The client went away while queued and the slot came anyway: give it back.
      this.be!.release(s);
      return;
    }
    this.server = s;
    this.txn.server = s.name;
    this.txn.assigned();
    this.connectOrReuse();
  }

  assignFailed(reason: AssignFailure): void {
    this.queueNode = null;
    if (this.phase !== P_ASSIGN) return;
    if (reason === 'noserver') this.failRequest(503, 'SC', 'no server available');
    else this.failRequest(503, 'sQ', reason);
  }

  private connectOrReuse(): void {
    const s = this.server!;
    const be = this.be!;
    const reuse = this.fe.http.reuse;
    if (reuse !== 'never' && !this.fe.http.serverClose && !this.fe.http.httpClose) {
      // `http-reuse safe`: the first request of a session opens its own connection;
      // later ones (and HTTP/2 streams after the connection's first) may take any idle connection to that server.
      const c = reuse === 'always' || this.requests > 1 || this.laterStream ? takeIdle(s) : null;
      if (c !== null) {
        c.adopt(this, be.timeouts.server);
        c.sink = this.client;
        this.conn = c;
        this.txn.connected(true);
        if (this.fe.accessLog !== null) this.txn.setServerSocket(c.socket);
        this.sendRequest();
        return;
      }
    }
    this.phase = P_CONNECT;
    this.conn = this.open(s);
  }

  /** A new server connection whose reads are written to our client. */
  private open(s: RuntimeServer): ServerConn {
    const c = new ServerConn(s, this, this.be!.timeouts.connect, this.txn, this);
    c.sink = this.client;
    return c;
  }

  onServerConnect(c: ServerConn): void {
    if (c !== this.conn || this.phase !== P_CONNECT) return;
    c.uses = 1;
    setIdleTimeout(c.socket, this.be!.timeouts.server);
    this.txn.connected(false);
    // Only the access log prints the server's addresses: two system calls saved per connection without one.
    if (this.fe.accessLog !== null) this.txn.setServerSocket(c.socket);
    this.sendRequest();
  }

  private sendRequest(): void {
    const req = this.req!;
    const c = this.conn!;
    const fe = this.fe;
    this.phase = P_EXCHANGE;
    let extra = '';
    // A UNIX-socket client has no address to forward: HAProxy adds no header for it.
    if (fe.http.forwardFor !== '' && this.txn.clientAddr !== 'unix' && !(fe.http.forwardForIfNone && req.get(fe.http.forwardFor.toLowerCase()) !== undefined)) {
      extra = fe.http.forwardFor + ': ' + this.txn.clientAddr + '\r\n';
    }
    let connection = '';
    if (req.connUpgrade && req.upgrade !== '') connection = 'upgrade';
    else if (fe.http.httpClose || fe.http.serverClose) connection = 'close';
    else if (req.versionMinor === 0) connection = 'keep-alive';
    const sock = c.socket;
    const head = renderRequestHead(req, extra, connection);
    const held = this.held;
    this.held = null;
    if (held !== null) {
      sock.cork();
      sock.write(head, 'latin1');
      this.forwardRequestBody(held, 0);
      sock.uncork();
    } else {
      sock.write(head, 'latin1');
    }
    if (!this.reqDone) this.resumeClient();
  }

  /** Forward request body bytes buf[off..]; whatever follows the body is a pipelined request. */
  private forwardRequestBody(buf: Buffer, off: number): void {
    const sock = this.conn!.socket;
    let end = buf.length;
    if (this.reqBody === B_LENGTH) {
      const n = Math.min(this.reqRemaining, end - off);
      this.reqRemaining -= n;
      end = off + n;
      if (this.reqRemaining === 0) this.reqDone = true;
    } else if (this.reqBody === B_CHUNKED) {
      const r = this.reqScanner!.scan(buf, off, end);
      if (r === -2) {
        this.fe.counters.invalidRequest(this.fe.name, this.txn.clientAddr, this.reqScanner!.error, this.snapshot(buf, off, 'body'));
        this.abortExchange(400, 'PD');
        return;
      }
      if (r >= 0) {
        end = r;
        this.reqDone = true;
      }
    }
    this.txn.bytesIn += end - off;
    const ok = sock.write(off === 0 && end === buf.length ? buf : buf.subarray(off, end));
    if (end < buf.length) {
      this.pending = this.pending ? Buffer.concat([buf.subarray(end), this.pending]) : buf.subarray(end);
    }
    if (!ok) this.pauseClient();
  }

  onServerDrain(c: ServerConn): void {
    if (c !== this.conn) return;
    if ((this.phase === P_EXCHANGE && !this.reqDone) || this.phase === P_TUNNEL) this.resumeClient();
  }

  private readonly onClientDrain = (): void => {
    if (this.pipe !== null) return this.pipe.clientDrained();
    if (this.conn && (this.phase === P_EXCHANGE || this.phase === P_TUNNEL)) this.conn.socket.resume();
  };

  // ---- server side

  onServerData(c: ServerConn, chunk: Buffer): void {
    if (c !== this.conn) return;
    if (this.phase === P_TUNNEL) {
      this.txn.bytesOut += chunk.length;
      this.fe.bytesOut += chunk.length;
      if (!this.client.write(chunk)) c.socket.pause();
      return;
    }
    if (this.phase !== P_EXCHANGE) {
      c.destroy();
      return;
    }
    if (this.res === null) {
      this.readResponseHead(chunk);
      return;
    }
    this.forwardResponseBody(chunk, 0);
  }

  private readResponseHead(chunk: Buffer): void {
    let buf = this.resPending === null ? chunk : Buffer.concat([this.resPending, chunk]);
    for (;;) {
      const end = buf.indexOf(HEAD_END);
      if (end < 0) {
        if (buf.length > MAX_RESPONSE_HEAD) {
          this.resPending = null;
          this.serverError(502, 'PH', 'response head too large');
          return;
        }
        // A copy: `buf` may point into the connection's reused read buffer.
        this.resPending = Buffer.from(buf);
        return;
      }
      const headEnd = end + 4;
      const head = parseResponseHead(buf, 0, headEnd, DEFAULT_LIMITS);
      if (isHeadError(head)) {
        this.resPending = null;
        this.fe.counters.invalidResponse(this.be!.name, this.server!.name, head.message, this.snapshot(buf, head.offset, 'head', true));
        this.serverError(502, 'PH', head.message);
        return;
      }
      if (head.status < 200 && head.status !== 101) {
        // Interim responses (100 Continue, 103 Early Hints) go through as they are.
        this.client.write(renderResponseHead(head, ''), 'latin1');
        buf = buf.subarray(headEnd);
        if (buf.length === 0) {
          this.resPending = null;
          return;
        }
        continue;
      }
      this.resPending = null;
      this.startResponse(head, buf, headEnd);
      return;
    }
  }

  private startResponse(res: HttpHead, buf: Buffer, bodyStart: number): void {
    const req = this.req!;
    this.res = res;
    this.txn.responseHead(res.status);
    if (this.sc !== null) this.sc.countStatus(res.status);
    // HAProxy's order: store rules, then http-response rules.
    if (this.be!.rules.stick !== null && this.server !== null) {
      this.inResponse = true;
      (this.stick ??= new StickState()).store(this.be!, this, this.server);
      this.inResponse = false;
    }
    if (this.txn.resCaptures !== null) this.captureHeaders(this.fe.rules.captures.response, res.headers, this.txn.resCaptures);
    if (this.filters !== null) this.filters.responseHead(res, req);
    if (this.hasResponseRules && this.responseRules(res)) return;
    const client = this.client;
    let connection = '';
    if (res.status === 101) {
      // An upgrade: from now on bytes flow both ways untouched.
      connection = 'upgrade';
      this.resBody = B_NONE;
    } else if (req.method === 'HEAD' || res.status === 204 || res.status === 304) {
      this.resBody = B_NONE;
    } else if (res.chunked) {
      this.resBody = B_CHUNKED;
      if (this.resScanner === null) this.resScanner = new ChunkedScanner();
      else this.resScanner.reset();
    } else if (res.otherEncoding || res.contentLength < 0) {
      this.resBody = B_CLOSE;
      this.keepClient = false;
    } else if (res.contentLength > 0) {
      this.resBody = B_LENGTH;
      this.resRemaining = res.contentLength;
    } else {
      this.resBody = B_NONE;
    }
    if (res.status !== 101) {
      if (!this.keepClient) connection = 'close';
      else if (req.versionMinor === 0) connection = 'keep-alive';
      if (this.filters !== null) this.pipe = this.filters.startBody(res, FRAMING[this.resBody]!, client, this, [this.txn, this.fe], true);
    }
    const head = renderResponseHead(res, connection);
    this.resStarted = true;
    // %B counts the headers too, as HAProxy's bytes_out does.
    this.txn.bytesOut += head.length;
    this.fe.bytesOut += head.length;
    this.fe.countResponse(res.status);
    this.be!.responses[((res.status / 100) | 0) - 1]++;
    this.server!.responses[((res.status / 100) | 0) - 1]++;
    if (res.status === 101) {
      client.write(head, 'latin1');
      this.enterTunnel(buf, bodyStart);
      return;
    }
    if (bodyStart < buf.length) {
      client.cork();
      client.write(head, 'latin1');
      this.forwardResponseBody(buf, bodyStart);
      client.uncork();
    } else {
      client.write(head, 'latin1');
      if (this.resBody === B_NONE) this.finishTransaction();
    }
  }

  private forwardResponseBody(buf: Buffer, off: number): void {
    let end = buf.length;
    let done = false;
    if (this.resBody === B_LENGTH) {
      const n = Math.min(this.resRemaining, end - off);
      this.resRemaining -= n;
      end = off + n;
      done = this.resRemaining === 0;
    } else if (this.resBody === B_CHUNKED) {
      const r = this.resScanner!.scan(buf, off, end);
      if (r === -2) {
        this.fe.counters.invalidResponse(this.be!.name, this.server!.name, this.resScanner!.error, this.snapshot(buf, off, 'body', true));
        this.abortExchange(0, 'SD');
        return;
      }
      if (r >= 0) {
        end = r;
        done = true;
      }
    } else if (this.resBody === B_NONE) {
      end = off;
      done = true;
    }
    const n = end - off;
    if (n > 0) {
      let ok: boolean;
      if (this.pipe !== null) {
        ok = this.pipe.write(buf, off, end);
      } else {
        this.txn.bytesOut += n;
        this.fe.bytesOut += n;
        ok = this.client.write(off === 0 && end === buf.length ? buf : buf.subarray(off, end));
      }
      if (!ok && !done) this.conn!.socket.pause();
    }
    if (end < buf.length) {
      // A server sending more than its framing said: never reuse this connection.
      this.conn!.uses = -1;
    }
    if (done) {
      if (this.pipe === null || this.pipe.end()) this.finishTransaction();
      else if (this.reqDone) this.releaseServer();
    }
  }

  onServerEnd(c: ServerConn): void {
    if (c !== this.conn) return;
    if (this.phase === P_TUNNEL) {
      this.client.end();
      return;
    }
    if (this.res !== null && this.resBody === B_CLOSE) {
      this.finishTransaction();
      return;
    }
    // Half a message then FIN: the server is gone for this exchange.
    this.conn = null;
    c.destroy();
    this.serverGone(c, null);
  }

  onServerClose(c: ServerConn, err: Error | null): void {
    if (c !== this.conn) return;
    this.conn = null;
    this.serverGone(c, err);
  }

  /** The server connection closed (or sent FIN) in the middle of our exchange. */
  private serverGone(c: ServerConn, err: Error | null): void {
    switch (this.phase) {
      case P_CONNECT:
        this.connectFailed('SC');
        return;
      case P_EXCHANGE:
        if (this.res === null) {
          // Closed before answering. A reused idle connection may have been
          // closed by the server just as we sent: replay once on a new one.
          if (c.uses > 1 && !this.resStarted && this.reqBody === B_NONE) {
            this.server!.failedConns++;
            this.phase = P_CONNECT;
            this.conn = this.open(this.server!);
            return;
          }
          this.serverError(502, 'SH', err ? err.message : 'server closed the connection');
          return;
        }
        if (this.resBody === B_CLOSE) {
          this.finishTransaction();
          return;
        }
        this.abortExchange(0, 'SD');
        return;
      case P_TUNNEL:
        // A reset server aborts the tunnel (an HTTP/2 stream gets RST_STREAM); a closed one ends it.
        if (err !== null) this.closeAll('SD');
        else this.client.end();
        return;
      default:
        return;
    }
  }

  onServerTimeout(c: ServerConn): void {
    if (c !== this.conn) return;
    // Silent because we stopped reading it (the client is slow): not the server's fault.
    if (this.client.writableNeedDrain && this.phase !== P_CONNECT) return;
    if (this.phase === P_CONNECT) {
      c.destroy();
      this.conn = null;
      this.connectFailed('sC');
      return;
    }
    if (this.phase === P_TUNNEL) {
      this.closeAll('sD');
      return;
    }
    if (this.res === null) this.serverError(504, 'sH', 'server timeout');
    else this.abortExchange(0, 'sD');
  }

  private connectFailed(term: string): void {
    const s = this.server!;
    const be = this.be!;
    this.conn?.destroy();
    this.conn = null;
    const next = be.connectFailed(s, this.retriesLeft, term === 'sC');
    if (next.kind === 'give-up') {
      this.failRequest(503, term, 'connection failed');
      return;
    }
    this.retriesLeft--;
    this.txn.retries++;
    if (next.kind === 'redispatch') {
      this.server = null;
      this.txn.redispatched = true;
      // No longer where the cookie said: the response gets the new server's cookie.
      this.txn.direct = false;
      this.phase = P_ASSIGN;
      this.queueNode = be.assign(this, this, s);
      return;
    }
    this.phase = P_CONNECT;
    this.retryTimer = setTimeout(this.retryConnect, next.delay);
  }

  private readonly retryConnect = (): void => {
    this.retryTimer = null;
    if (this.phase !== P_CONNECT || this.server === null) return;
    this.conn = this.open(this.server);
  };

  // ---- ends of transactions

  private finishTransaction(): void {
    const c = this.conn;
    const be = this.be!;
    // null: answered from the cache, or the server was let go early (releaseServer)
    const s = this.server;
    this.txn.finished('--');
    be.bytesIn += this.txn.bytesIn;
    be.bytesOut += this.txn.bytesOut;
    if (s !== null) {
      s.bytesIn += this.txn.bytesIn;
      s.bytesOut += this.txn.bytesOut;
      be.release(s);
    }
    // Logged once the server is released: HAProxy's %bc/%sc no longer count this request (1/1/0/0/0).
    this.log();
    this.conn = null;
    if (c !== null) {
      if (this.reusable(c)) c.park(be.timeouts.server);
      else c.closeAfterExchange();
    }
    if (!this.reqDone) this.keepClient = false;
    this.resetTransaction();
    if (!this.keepClient) {
      this.closeClient(undefined);
      return;
    }
    this.phase = P_IDLE;
    if (this.fe.timeouts.httpKeepAlive !== this.fe.timeouts.client) this.client.setTimeout(this.fe.timeouts.httpKeepAlive);
    if (this.pending !== null) {
      const p = this.pending;
      this.pending = null;
      this.readHead(p);
      if (this.phase === P_IDLE || this.phase === P_HEAD) this.resumeClient();
    } else {
      this.resumeClient();
    }
  }

  /** Whether the server connection may carry another request once this response is over. */
  private reusable(c: ServerConn): boolean {
    const res = this.res!;
    return (
      this.reqDone &&
      res.keepAlive &&
      this.resBody !== B_CLOSE &&
      res.status !== 101 &&
      c.uses >= 0 &&
      !this.fe.http.serverClose &&
      !this.fe.http.httpClose &&
      this.fe.http.reuse !== 'never'
    );
  }

  // ---- tcp-request content rules

  /** Run content `rules` now, and as body bytes arrive, until they decide or `delay` ms pass. */
  private inspect(rules: readonly TcpRule[], delay: number): void {
    this.phase = P_INSPECT;
    this.contentRules = rules;
    const held = this.held?.length ?? 0;
    // Only a body can still come: a complete request decides at once.
    this.inspectOver =
      delay <= 0 || this.reqBody === B_NONE || this.clientEnded || held >= INSPECT_LIMIT || (this.reqBody === B_LENGTH && held >= this.reqRemaining);
    if (!this.inspectOver) {
      this.inspectTimer = setTimeout(this.onInspectTimeout, delay);
      this.resumeClient();
    }
    this.evaluateContent();
  }

  private readonly onInspectTimeout = (): void => {
    this.inspectTimer = null;
    if (this.phase !== P_INSPECT) return;
    this.inspectOver = true;
    this.evaluateContent();
  };

  private evaluateContent(): void {
    const v = runTcpRules(this.contentRules, this, true);
    if (v === TCP_WAIT) return;
    if (this.inspectTimer !== null) {
      clearTimeout(this.inspectTimer);
      this.inspectTimer = null;
    }
    // Body bytes read while inspecting wait for the server, as those that came with the head.
    if (this.held !== null) this.pauseClient();
    if (v === TCP_REJECT) {
      // HAProxy closes the connection without a response.
      this.fe.deniedReq++;
      this.phase = P_CLOSING;
      this.txn.finished('PR');
      this.log();
      this.closeAll('PR');
      return;
    }
    if (this.be === null) this.frontendStage();
    else this.backendStage();
  }

  override requestMayGrow(): boolean {
    return this.phase === P_INSPECT && !this.inspectOver;
  }

  /** `capture request header` slots: the last occurrence of each header, truncated. */
  private captureRequest(head: HttpHead): void {
    const c = this.fe.rules.captures;
    this.txn.initCaptures(c.request.length, c.response.length);
    this.captureHeaders(c.request, head.headers, this.txn.reqCaptures);
  }

  private captureHeaders(slots: readonly CaptureSlot[], h: readonly string[], out: Array<string | null> | null): void {
    if (out === null) return;
    for (let s = 0; s < slots.length; s++) {
      const name = slots[s]!.header;
      if (name === null) continue;
      for (let i = 0; i < h.length; i += 2) {
        const n = h[i]!;
        if (n.length !== name.length || n.toLowerCase() !== name) continue;
        const v = h[i + 1]!;
        out[s] = v.length > slots[s]!.len ? v.slice(0, slots[s]!.len) : v;
      }
    }
  }

  private resetTransaction(): void {
    if (this.sc !== null) this.stickEndRequest(this.sc);
    if (this.stick !== null) this.stick.pending.clear();
    this.vars.endTransaction();
    if (this.filters !== null) {
      this.filters.abandon();
      this.filters = null;
    }
    this.pipe = null;
    this.req = null;
    this.res = null;
    this.resPending = null;
    this.held = null;
    this.server = null;
    this.be = null;
    this.resStarted = false;
    this.reqDone = false;
  }

  /** The request ends: its bytes counted on the tracked counters, the counters it tracked released. */
  private stickEndRequest(sc: StickCounters): void {
    sc.bytesIn((this.req?.length ?? 0) + this.txn.bytesIn);
    sc.bytesOut(this.txn.bytesOut);
    sc.endRequest();
  }

  /** Answer the client ourselves (error before any response byte) and end the transaction. */
  private failRequest(status: number, term: string, why: string): void {
    this.answer(status, term, why, null);
  }

  /**
   * Answer the client ourselves and end the transaction: an error page, or
   * the reply of a rule (deny, return, redirect). The connection stays open
   * when HAProxy would keep it (complete request, no error that closes).
   */
  private answer(status: number, term: string, why: string, reply: HttpReply | null): void {
    if (this.queueNode !== null) {
      this.be?.leaveQueue(this.queueNode);
      this.queueNode = null;
    }
    if (this.server !== null && this.be !== null) {
      this.be.release(this.server);
      this.server = null;
    }
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.conn?.destroy();
    this.conn = null;
    if (status === 400 || status === 408) this.fe.failedReq++;
    // 400 and 408 are answered by the HTTP/1 layer in HAProxy, before any rule
    else {
      reply = this.finishReply(status, reply);
      if (reply !== null) status = reply.status;
    }
    const keep = !closesConnection(status) && this.reqDone && this.keepClient && this.pending === null;
    const body = reply === null ? errorResponse(status) : replyBytes(reply, keep ? '' : 'close');
    this.txn.reply(status, why);
    this.fe.countResponse(status);
    if (this.sc !== null) {
      // HAProxy counts a denied or tarpitted request as an error whatever its status; return and redirect count nothing.
      if (why === 'deny' || why === 'tarpit') this.sc.countHttpError();
      else if (why !== 'return' && why !== 'redirect') this.sc.countStatus(status);
    }
    this.txn.bytesOut += body.length;
    this.txn.finished(term);
    this.log();
    this.resetTransaction();
    if (!this.client.writable) {
      this.closeAll(term);
      return;
    }
    if (keep) {
      this.client.write(body);
      this.phase = P_IDLE;
      this.resumeClient();
      return;
    }
    this.closeClient(body);
  }

  /**
   * Ends the client side after the last response. The client's FIN is still
   * awaited, bounded by `timeout client-fin` (HAProxy's), so a client that
   * vanished without closing cannot hold the session (and a graceful stop)
   * forever.
   */
  private closeClient(body: Buffer | undefined): void {
    this.phase = P_CLOSING;
    if (body === undefined) this.client.end();
    else this.client.end(body);
    this.client.setTimeout(this.fe.timeouts.clientFin > 0 ? this.fe.timeouts.clientFin : this.fe.timeouts.client);
    this.client.resume();
  }

  /** errorfile / http-error for a built-in page, then http-after-response, as HAProxy does for every reply it produces. */
  private finishReply(status: number, reply: HttpReply | null): HttpReply | null {
    const be = this.be === null || (this.be.config.fromListen && this.be.name === this.fe.name) ? null : this.be.rules;
    const custom = customErrorReply(status, reply, this.fe.rules, this.be?.rules ?? null, this);
    if (!hasAfterResponse(this.fe.rules, be)) return custom;
    this.replyStatus = status;
    this.inResponse = true;
    const r = afterResponseReply(status, custom, this.fe.rules, be, this);
    this.inResponse = false;
    this.replyStatus = 0;
    return r;
  }

  /**
   * Run request rules; true when one answered (deny, tarpit, return,
   * redirect) and the transaction is over.
   */
  private requestRules(rules: readonly HttpRule[], head: HttpHead): boolean {
    const out = applyHttpRules(rules, head, this);
    if (out.kind === 'continue') return false;
    if (out.kind === 'use-service') {
      this.serveLocally(out.service);
      return true;
    }
    if (out.kind === 'deny' || out.kind === 'tarpit') this.fe.deniedReq++;
    if (out.kind === 'tarpit') {
      // HAProxy holds a tarpitted request for `timeout tarpit` (else the connect timeout).
      this.phase = P_ASSIGN;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.phase === P_ASSIGN) this.answer(out.status, 'PT', 'tarpit', out.reply);
      }, this.fe.config.timeouts.tarpit ?? this.fe.config.timeouts.connect ?? 0);
      return true;
    }
    this.answer(out.status, out.kind === 'deny' || out.kind === 'auth' ? 'PR' : 'LR', out.kind, out.reply);
    return true;
  }

  /**
   * Answer from a service inside the process (the stats page, the metrics)
   * once the request body, if any, is in; a body too large for a form is
   * refused.
   */
  private serveLocally(name: string): void {
    const length = this.reqBody === B_LENGTH ? this.reqRemaining : 0;
    if (this.reqBody === B_CHUNKED || length > 65536) return this.failRequest(413, 'PR', 'request body too large for a service');
    const body = this.held ?? Buffer.alloc(0);
    if (body.length < length) {
      this.service = name;
      this.phase = P_LOCAL;
      this.resumeClient();
      return;
    }
    this.held = null;
    this.reqDone = true;
    if (body.length > length) this.pending = body.subarray(length);
    const reply = this.fe.services.serve(name, this.req!, body.subarray(0, length), this);
    if (reply instanceof Promise) return this.serveLater(name, reply);
    this.answer(reply.status, 'PR', name, reply);
  }

  /**
   * nbthread > 1: the main thread renders the answer (one view of every
   * worker). Meanwhile the transaction waits as an exchange whose request
   * is complete: pipelined bytes are held, a client that leaves is logged.
   */
  private serveLater(name: string, reply: Promise<HttpReply>): void {
    this.phase = P_EXCHANGE;
    reply.then(
      (r) => {
        if (this.phase === P_EXCHANGE && this.conn === null) this.answer(r.status, 'PR', name, { status: r.status, head: r.head, body: Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength) });
      },
      () => {
        if (this.phase === P_EXCHANGE && this.conn === null) this.answer(503, 'PR', name, null);
      },
    );
  }

  /**
   * Run the response rules (backend's then frontend's, then
   * http-after-response); true when one replaced the server's response.
   */
  private responseRules(res: HttpHead): boolean {
    const be = this.be!;
    const own = be.config.fromListen && be.name === this.fe.name;
    this.inResponse = true;
    let out = own ? CONTINUE : applyHttpRules(be.rules.response, res, this);
    if (out.kind === 'continue') out = applyHttpRules(this.fe.rules.response, res, this);
    // HAProxy handles the persistence cookie between http-response and http-after-response.
    if (out.kind === 'continue' && (be.cookie !== null || this.fe.rules.cookieCapture !== null)) this.responseCookies(res, be);
    if (out.kind === 'continue' && !own) out = applyHttpRules(be.rules.afterResponse, res, this);
    if (out.kind === 'continue') out = applyHttpRules(this.fe.rules.afterResponse, res, this);
    this.inResponse = false;
    if (out.kind === 'continue') return false;
    // The server's response is dropped: its connection cannot be reused.
    this.keepClient = false;
    this.answer(out.status, 'PH', 'response denied', out.reply);
    return true;
  }

  /** The server failed before its response began: answer with `status`. */
  private serverError(status: number, term: string, why: string): void {
    this.server!.failedResp++;
    this.be!.failedResp++;
    this.keepClient = false;
    this.failRequest(status, term, why);
  }

  /** Abort mid-exchange: error response if nothing was sent yet, else cut. */
  private abortExchange(status: number, term: string): void {
    if (!this.resStarted && status !== 0) {
      this.keepClient = false;
      this.failRequest(status, term, 'aborted');
      return;
    }
    this.txn.finished(term);
    this.log();
    this.closeAll(term);
  }

  private enterTunnel(buf: Buffer, off: number): void {
    this.phase = P_TUNNEL;
    const c = this.conn!;
    const t = this.fe.timeouts.tunnel || this.be!.timeouts.tunnel;
    if (t > 0) {
      this.client.setTimeout(t);
      c.socket.setTimeout(t);
    }
    if (off < buf.length) this.client.write(buf.subarray(off));
    if (this.pending !== null) {
      c.socket.write(this.pending);
      this.pending = null;
    }
    this.resumeClient();
  }

  // ---- client end and close

  private readonly onClientEnd = (): void => {
    this.clientEnded = true;
    switch (this.phase) {
      case P_IDLE:
        // A connection closed before its first byte is logged by HAProxy as a 400 "<BADREQ>"
        // ended by the client (CR), without an answer; dontlognull drops exactly these lines.
        if (this.requests === 0) {
          this.txn.startRequest();
          this.txn.reply(400, 'empty connection');
          this.txn.finished('CR');
          this.log();
        }
        this.client.end();
        return;
      case P_HEAD:
        // HAProxy answers a truncated head with 400 and closes.
        this.pending = null;
        this.failRequest(400, 'CR', 'client closed during request head');
        return;
      case P_TUNNEL:
        this.conn?.socket.end();
        return;
      case P_CLOSING:
        // The last transaction was logged when it ended; the client's FIN only completes the close.
        return;
      default:
        // The request may be complete; let the response go out, then close.
        this.keepClient = false;
        if (!this.reqDone) this.abortExchange(0, 'CD');
    }
  };

  private readonly onClientClose = (): void => {
    const was = this.phase;
    this.phase = P_CLOSED;
    if (this.headTimer !== null) clearTimeout(this.headTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.inspectTimer !== null) clearTimeout(this.inspectTimer);
    if (this.queueNode !== null) {
      this.be?.leaveQueue(this.queueNode);
      this.queueNode = null;
    }
    if (was === P_ASSIGN || was === P_CONNECT || was === P_EXCHANGE || was === P_TUNNEL || was === P_INSPECT) {
      if (this.server !== null && this.be !== null) this.be.release(this.server);
      this.server = null;
      this.conn?.destroy();
      this.conn = null;
      if (was !== P_TUNNEL || this.req !== null) {
        this.txn.finished(this.res !== null ? 'CD' : CLIENT_ABORT_TERM[was]);
        this.log();
      }
    }
    if (this.sc !== null) {
      // A request cut short still counts its bytes; then every counter is released.
      if (this.req !== null) this.stickEndRequest(this.sc);
      this.sc.endSession();
    }
    this.fe.sessionEnded(this);
  };

  private readonly onClientTimeout = (): void => {
    // Silent because we stopped reading it (the server is slow to take the body).
    if (this.conn !== null && this.conn.socket.writableNeedDrain) return;
    switch (this.phase) {
      case P_IDLE:
        this.client.destroy();
        return;
      case P_HEAD:
        this.pending = null;
        this.failRequest(408, 'cR', 'timeout');
        return;
      case P_TUNNEL:
        this.closeAll('cD');
        return;
      case P_CLOSING:
        this.client.destroy();
        return;
      case P_EXCHANGE:
        if (!this.reqDone || this.resStarted) {
          this.txn.finished('cD');
          this.log();
          this.closeAll('cD');
        }
        // Waiting for the server: the client side has nothing to do; its timer re-arms.
        return;
      default:
        return;
    }
  };

  private closeAll(_term: string): void {
    this.conn?.destroy();
    this.conn = null;
    this.client.destroy();
  }

  private log(): void {
    const l = this.fe.accessLog;
    if (l !== null) l.http(this.txn, this.fe, this.be, this.server);
  }

  softStop(): void {
    this.keepClient = false;
    if (this.phase === P_IDLE) this.client.end();
  }

  /** Hard stop. */
  abort(): void {
    this.closeAll('PD');
  }

  // ---- compression and cache (the state lives in http-filters.ts, the body path in response-pipe.ts)

  /** `cache-use` / `cache-store`, run by the rule's action. */
  cacheAction(a: CacheAction): void {
    const cache = this.fe.caches.get(a.cache);
    if (cache === undefined || this.req === null) return;
    const f = (this.filters ??= new HttpFilters());
    if (!a.store) f.cacheUse(cache, this.req);
    else if (this.res !== null) f.cacheStore(cache, a, this.res);
  }

  /** The backend is known: choose the coding; true when the cache answered the request. */
  private startFilters(req: HttpHead, be: RuntimeBackend): boolean {
    const f = (this.filters ??= new HttpFilters());
    f.negotiate(this.fe.config.compression, be.config.compression, req);
    // A hit is served once the request is complete (a body still coming would need a server).
    if (f.hit === null || !this.reqDone) return false;
    this.serveFromCache(f);
    return true;
  }

  /** Answer with the stored response: response rules and compression apply, as to a server's. */
  private serveFromCache(f: HttpFilters): void {
    const req = this.req!;
    const res = f.hitHead();
    this.phase = P_EXCHANGE;
    this.res = res;
    this.txn.server = '<CACHE>';
    this.txn.responseHead(res.status);
    f.responseHead(res, req);
    if (this.hasResponseRules && this.responseRules(res)) return;
    const body = f.hitBody(req);
    const client = this.client;
    const pipe = f.startBody(res, body === null ? 'none' : 'length', client, this, [this.txn, this.fe], false);
    this.pipe = pipe;
    const head = renderResponseHead(res, !this.keepClient ? 'close' : req.versionMinor === 0 ? 'keep-alive' : '');
    this.resStarted = true;
    this.txn.bytesOut += head.length;
    this.fe.bytesOut += head.length;
    this.fe.countResponse(res.status);
    this.be!.responses[((res.status / 100) | 0) - 1]++;
    let done = true;
    client.cork();
    client.write(head, 'latin1');
    if (body !== null) {
      if (pipe !== null) {
        pipe.write(body, 0, body.length);
        done = pipe.end();
      } else {
        this.txn.bytesOut += body.length;
        this.fe.bytesOut += body.length;
        client.write(body);
      }
    }
    client.uncork();
    if (done) this.finishTransaction();
  }

  /** The server's body is complete but the pipe still writes: free the server and its connection now. */
  private releaseServer(): void {
    const c = this.conn!;
    const s = this.server!;
    const be = this.be!;
    s.bytesIn += this.txn.bytesIn;
    s.bytesOut += this.txn.bytesOut;
    be.release(s);
    this.server = null;
    this.conn = null;
    if (this.reusable(c)) c.park(be.timeouts.server);
    else c.closeAfterExchange();
  }

  pipeDrained(): void {
    if (this.conn !== null) this.conn.socket.resume();
  }

  pipeEnded(): void {
    if (this.phase === P_EXCHANGE) this.finishTransaction();
  }

  pipeFailed(_err: Error): void {
    this.txn.finished('PD');
    this.log();
    this.closeAll('PD');
  }
}

function noop(): void {}
