// What one access-log line is made of: the facts the proxy gathers about a
// request (HTTP) or a session (TCP) and that the compiled log-format reads.
//
// A plain mutable class so that the proxy can keep one per connection and
// `reset()` it between requests instead of allocating: every field has a
// default that renders the way HAProxy renders "not known / not reached"
// (`-`, `-1`, `<NOSRV>`, `<BADREQ>`). Each field names the %-variable(s) of
// HAProxy 2.6's log-format (configuration manual 8.2.6) that it feeds.
//
// Units: dates are epoch milliseconds, timers are whole milliseconds and -1
// when the event was never reached (manual 8.4), byte counts are integers.

/** `tcp` or `http`: picks how %Td is derived (manual 8.4). */
export type LogRecordMode = 'tcp' | 'http';

export class AccessLogRecord {
  /** Proxy mode of the frontend; %Td is Tt-(Tq+Tw+Tc+Tr) in http, Tt-(Th+Tw+Tc) in tcp. */
  mode: LogRecordMode = 'tcp';

  // --- addresses -------------------------------------------------------
  /** %ci: client address as text ('' = unknown, logged `-`). `unix` for a unix-socket listener. */
  clientIp = '';
  /** %cp: client port (-1 = unknown, logged `-`); for a unix-socket listener, the listener id. */
  clientPort = -1;
  /** %fi: address the client connected to (the accepting address). */
  frontendIp = '';
  /** %fp: port the client connected to. */
  frontendPort = -1;
  /** %bi: source address of the connection to the server. */
  backendSourceIp = '';
  /** %bp: source port of the connection to the server. */
  backendSourcePort = -1;
  /** %si: server address connected to. */
  serverIp = '';
  /** %sp: server port connected to. */
  serverPort = -1;

  // --- dates -----------------------------------------------------------
  /** %t %T %Tl %Ts %ms: accept date, epoch ms (integer). In HTTP keep-alive, the moment the connection became ready for this request. */
  acceptDate = 0;
  /** Microseconds within `acceptDate`'s millisecond (0..999), for sub-ms consumers; log-format 2.6 prints ms only. */
  acceptUs = 0;
  /** %tr %trg %trl: date of the first byte of the request, epoch ms; -1 = derive as HAProxy does: acceptDate + Th + Ti. */
  requestDate = -1;

  // --- names -----------------------------------------------------------
  /** %f %ft: frontend name. */
  frontendName = '';
  /** %ft: true when the listener is TLS; %ft then appends `~`. */
  frontendSsl = false;
  /** %b: backend name (the frontend's name when no backend was chosen). */
  backendName = '';
  /** %s: server name; `<NOSRV>` when the request never reached a server, `<STATS>` etc. for internal services. */
  serverName = '<NOSRV>';

  // --- timers, ms, -1 = not reached (manual 8.4) -------------------------
  /** %Th: handshake time (PROXY protocol, TLS); 0 on later requests of a connection. */
  Th = 0;
  /** %Ti: idle time before the first byte of the request (HTTP). */
  Ti = -1;
  /** %TR: time to receive the full request headers from the first byte (HTTP). */
  TR = -1;
  /** %Tw: time spent in queues. */
  Tw = -1;
  /** %Tc: time to establish the server connection, retries included. */
  Tc = -1;
  /** %Tr: server response time, headers only (HTTP). */
  Tr = -1;
  /** %Ta: active time of the request, TR to the last byte of the response (HTTP). */
  Ta = -1;
  /** %Tt: total session time from accept to close. %Tu and %Td are derived from it. */
  Tt = -1;
  /** %Tq: Th + Ti + TR, or -1 when any of them is -1 (HTTP). */
  Tq = -1;
  /** option logasap: logged before the end; %Ta %Tt %Tu %B get a `+` prefix. */
  logasap = false;

  // --- outcome ---------------------------------------------------------
  /** %ST: HTTP status sent to the client; -1 = none. HAProxy logs 0 in TCP mode: set 0 there. */
  status = -1;
  /** %B: bytes sent to the client (headers included in HTTP). */
  bytesRead = 0;
  /** %U: bytes received from the client. */
  bytesUploaded = 0;
  /** %ts %tsc: two characters, the termination cause then the session phase (manual 8.5), e.g. `--`, `CD`, `sC`, `SH`, `cR`, `PR`. */
  terminationState = '--';
  /** %tsc: two more characters, the persistence cookie states (`--` without cookie persistence, `NI`, `VN`...). */
  cookieState = '--';

  // --- captures --------------------------------------------------------
  /** %CC: captured request cookie `name=value` ('' = none, logged `-`). */
  capturedRequestCookie = '';
  /** %CS: captured response cookie. */
  capturedResponseCookie = '';
  /** %hr %hrl: captured request headers in `capture request header` order; null = header absent. Empty array = no capture configured (the field disappears). */
  requestHeaders: Array<string | null> = [];
  /** %hs %hsl: captured response headers, same rules. */
  responseHeaders: Array<string | null> = [];

  // --- counters --------------------------------------------------------
  /** %ac: connections on the process. */
  actconn = 0;
  /** %fc: connections on the frontend. */
  feconn = 0;
  /** %bc: connections on the backend (queued ones included). */
  beconn = 0;
  /** %sc: connections on the server. */
  srvConn = 0;
  /** %rc: connection retries. */
  retries = 0;
  /** %rc: a redispatch happened; %rc then gets a `+` prefix. */
  redispatched = false;
  /** %sq: requests processed before this one in the server queue. */
  srvQueue = 0;
  /** %bq: requests processed before this one in the backend queue. */
  backendQueue = 0;
  /** %rt: request counter (HAProxy's stream unique number). */
  requestCounter = 0;
  /** %lc: lines already logged by this frontend. */
  logCounter = 0;

  // --- HTTP request line -----------------------------------------------
  /** %r %HM: request method; '' = no valid request (the fields log `<BADREQ>`). */
  method = '';
  /** %r %HU %HP %HPO %HQ: request target as received (origin, absolute, authority or `*` form). */
  uri = '';
  /** %r %HV: protocol version as received (`HTTP/1.1`); '' = HTTP/0.9 style line. */
  httpVersion = '';

  // --- process and misc -------------------------------------------------
  /** %pid: process id. */
  pid = 0;
  /** %H: host name of the node. */
  hostname = '';
  /** %ID: unique id (unique-id-format); '' = none. */
  uniqueId = '';
  /** %sslc: TLS cipher of the client connection; '' = none. */
  sslCipher = '';
  /** %sslv: TLS version of the client connection; '' = none. */
  sslVersion = '';
  /** %[ssl_fc_sni]: the server name the TLS client sent; '' = none. */
  sslSni = '';
  /** Syslog level of this line (`info`, or `err` with log-separate-errors); not part of the text. */
  level = 'info';

  /**
   * Put every per-request field back to its default, keeping the arrays
   * (emptied) for reuse. `pid` and `hostname` are per process and are kept.
   */
  reset(): void {
    this.mode = 'tcp';
    this.clientIp = '';
    this.clientPort = -1;
    this.frontendIp = '';
    this.frontendPort = -1;
    this.backendSourceIp = '';
    this.backendSourcePort = -1;
    this.serverIp = '';
    this.serverPort = -1;
    this.acceptDate = 0;
    this.acceptUs = 0;
    this.requestDate = -1;
    this.frontendName = '';
    this.frontendSsl = false;
    this.backendName = '';
    this.serverName = '<NOSRV>';
    this.Th = 0;
    this.Ti = -1;
    this.TR = -1;
    this.Tw = -1;
    this.Tc = -1;
    this.Tr = -1;
    this.Ta = -1;
    this.Tt = -1;
    this.Tq = -1;
    this.logasap = false;
    this.status = -1;
    this.bytesRead = 0;
    this.bytesUploaded = 0;
    this.terminationState = '--';
    this.cookieState = '--';
    this.capturedRequestCookie = '';
    this.capturedResponseCookie = '';
    this.requestHeaders.length = 0;
    this.responseHeaders.length = 0;
    this.actconn = 0;
    this.feconn = 0;
    this.beconn = 0;
    this.srvConn = 0;
    this.retries = 0;
    this.redispatched = false;
    this.srvQueue = 0;
    this.backendQueue = 0;
    this.requestCounter = 0;
    this.logCounter = 0;
    this.method = '';
    this.uri = '';
    this.httpVersion = '';
    this.uniqueId = '';
    this.sslCipher = '';
    this.sslVersion = '';
    this.sslSni = '';
    this.level = 'info';
  }
}
