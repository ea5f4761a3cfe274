// The typed configuration model: what the parser produces and what every
// runtime object is built from. Plain data only (no behaviour, no I/O), each
// piece carrying the source position it came from so that validation and
// runtime errors can say `file:line`.
//
// Units: every duration is in milliseconds (fractional for `us`), every size
// in bytes. `undefined` means "not set here" (so defaults sections can be
// layered); the runtime applies HAProxy's defaults for what stays unset.

export interface SourcePos {
  file: string;
  line: number;
}

export type ProxyMode = 'http' | 'tcp';

/** Where a socket listens or connects. */
export type Address =
  | {
      kind: 'inet';
      host: string;
      port: number;
      family: 4 | 6 | 0;
      /** Added: `host` is a DNS name kept as written (not resolved by the parser); family is 0 unless `ipv4@`/`ipv6@` forced one. */
      hostname?: boolean;
    }
  /** `fd@N` or `fd@${NAME}` already expanded: a listening socket inherited from the parent. */
  | { kind: 'fd'; fd: number }
  | { kind: 'unix'; path: string };

export interface LogTarget {
  pos: SourcePos;
  /** `stdout`, `stderr`, `udp` (ADDR:PORT), `unix` (/dev/log), or `global` (use the global ones). */
  kind: 'stdout' | 'stderr' | 'udp' | 'unix' | 'global';
  address?: Address;
  format: 'raw' | 'short' | 'rfc3164' | 'rfc5424' | 'iso' | 'local' | 'priority' | 'timed';
  facility: string;
  level?: string;
  minLevel?: string;
  /** Added: `len N`, the maximum line length (HAProxy's default is 1024). */
  length?: number;
}

export interface Timeouts {
  connect?: number;
  client?: number;
  server?: number;
  httpRequest?: number;
  httpKeepAlive?: number;
  queue?: number;
  tunnel?: number;
  check?: number;
  clientFin?: number;
  serverFin?: number;
  /** How long `http-request tarpit` holds a request (else the connect timeout). */
  tarpit?: number;
}

export type BalanceAlgorithm =
  | { kind: 'roundrobin' }
  | { kind: 'static-rr' }
  | { kind: 'leastconn' }
  | { kind: 'first' }
  | { kind: 'source' }
  | { kind: 'uri'; whole: boolean; len?: number; depth?: number; pathOnly: boolean }
  | { kind: 'url_param'; param: string }
  | { kind: 'hdr'; header: string; useDomainOnly: boolean }
  | { kind: 'random'; draws: number };

export interface HashType {
  method: 'map-based' | 'consistent';
  function: 'sdbm' | 'djb2' | 'wt6' | 'crc32';
  avalanche: boolean;
}

/** Boolean `option X` / `no option X` flags; undefined = not set at this level. */
export interface ProxyOptions {
  forwardfor?: { except?: string; header: string; ifNone: boolean };
  httpServerClose?: boolean;
  httpclose?: boolean;
  httpKeepAlive?: boolean;
  redispatch?: boolean;
  httplog?: { clf: boolean };
  tcplog?: boolean;
  dontlognull?: boolean;
  logHealthChecks?: boolean;
  allbackups?: boolean;
  /** `option persist`: a cookie naming a DOWN server still goes to it. */
  persist?: boolean;
  /** `option abortonclose` */
  abortonclose?: boolean;
  /** `option http-buffer-request`: recognised, no-op (bodies are streamed). */
  httpBufferRequest?: boolean;
  /** `option tcpka`, `clitcpka`, `srvtcpka` */
  clitcpka?: boolean;
  srvtcpka?: boolean;
}

/** How a health check talks to a server (one per backend; `check` on a server turns it on). */
export type CheckProtocol =
  | { kind: 'tcp' }
  | {
      kind: 'http';
      method: string;
      uri: string;
      version: string;
      /** Extra headers given with `http-check send hdr` or the legacy `\r\n` trick. */
      headers: Array<[string, string]>;
      body?: string;
      expect?: HttpCheckExpect;
    }
  | { kind: 'tcp-check'; rules: TcpCheckRule[] }
  | { kind: 'mysql'; user?: string; post41: boolean }
  | { kind: 'pgsql'; user: string }
  | { kind: 'redis' }
  | { kind: 'smtp'; verb: 'HELO' | 'EHLO'; domain: string }
  | { kind: 'ssl-hello' };

export interface HttpCheckExpect {
  pos: SourcePos;
  negate: boolean;
  /** status: exact code list/range ("200", "200-399", "200,301"); rstatus: regex on the code; string: substring of body; rstring: regex on body. */
  match: 'status' | 'rstatus' | 'string' | 'rstring';
  pattern: string;
}

/** Options every tcp-check rule may carry (`comment`, and on expect rules HAProxy's status overrides). */
export interface TcpCheckRuleOptions {
  comment?: string;
  /** `expect min-recv N` */
  minRecv?: number;
  /** HAProxy allows only these statuses for each override. */
  okStatus?: 'L4OK' | 'L6OK' | 'L7OK' | 'L7OKC';
  errorStatus?: 'L7RSP' | 'L7STS' | 'L6RSP' | 'L4CON';
  timeoutStatus?: 'L7TOUT' | 'L6TOUT' | 'L4TOUT';
}

export type TcpCheckRule = TcpCheckRuleOptions &
  (
    | { pos: SourcePos; kind: 'connect'; port?: number; addr?: string; ssl: boolean; sendProxy: boolean }
    | { pos: SourcePos; kind: 'send'; data: string }
    | { pos: SourcePos; kind: 'send-binary'; hex: string }
    | { pos: SourcePos; kind: 'expect'; negate: boolean; match: 'string' | 'rstring' | 'binary' | 'rbinary'; pattern: string }
    | { pos: SourcePos; kind: 'comment'; text: string }
  );

/** Server keywords, as in `server` and `default-server` lines. Undefined = not set. */
export interface ServerParams {
  check?: boolean;
  inter?: number;
  fastinter?: number;
  downinter?: number;
  rise?: number;
  fall?: number;
  checkPort?: number;
  checkAddr?: string;
  weight?: number;
  backup?: boolean;
  disabled?: boolean;
  maxconn?: number;
  maxqueue?: number;
  /** `cookie VALUE` (used by persistence, a later issue; parsed now). */
  cookie?: string;
  agentCheck?: boolean;
  agentPort?: number;
  agentInter?: number;
  agentAddr?: string;
  agentSend?: string;
  /** `slowstart T` */
  slowstart?: number;
  observe?: 'layer4' | 'layer7';
  onError?: 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';
  errorLimit?: number;
  id?: number;
  /** TLS to the server (`ssl` and its settings); `no-ssl` sets enabled false. */
  ssl?: ServerTls;
  /** `check-ssl` / `no-check-ssl`: health checks over TLS even without `ssl`. */
  checkSsl?: boolean;
  /** `check-sni NAME`, `check-alpn LIST`: for TLS health checks. */
  checkSni?: string;
  checkAlpn?: string[];
  /** `send-proxy` (1) / `send-proxy-v2` (2); 0 after `no-send-proxy`. */
  sendProxy?: 0 | 1 | 2;
  /** `proto h2`: HTTP/2 to the server (h2c in clear, or over `ssl`, offering ALPN h2); `h1` is the default. */
  proto?: 'h1' | 'h2';
  /** `check-send-proxy`: health checks send the PROXY header too. */
  checkSendProxy?: boolean;
  /** `resolvers NAME`: a server given by name is re-resolved at run time through that section. */
  resolvers?: string;
  /** `init-addr last,libc,none,<ip>`: how a name gets its first address, in order (HAProxy default last,libc). */
  initAddr?: string[];
  /** `resolve-prefer ipv4|ipv6` (HAProxy's default is ipv6). */
  resolvePrefer?: 'ipv4' | 'ipv6';
}

/** TLS protocol versions, as HAProxy writes them in ssl-min-ver / ssl-max-ver. */
export type TlsVersion = 'SSLv3' | 'TLSv1.0' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/**
 * TLS settings written on a bind line, a crt-list entry, a server line or
 * `ssl-default-*-options`; undefined = not set here (the global defaults,
 * then Node's, apply).
 */
export interface TlsSettings {
  ciphers?: string;
  ciphersuites?: string;
  /** `curves` (or `ecdhe`, a single curve): a colon-separated list. */
  curves?: string;
  minVer?: TlsVersion;
  maxVer?: TlsVersion;
  /** `no-tlsv10`... and `force-*` (which switch every other version off). */
  noVersions?: TlsVersion[];
  noTlsTickets?: boolean;
  alpn?: string[];
  caFile?: string;
  crlFile?: string;
}

export interface ServerTls extends TlsSettings {
  /** `ssl` / `no-ssl`; the other settings may come from default-server without it. */
  enabled?: boolean;
  /** `verify none|required`; undefined = `ssl-server-verify` (required by default). */
  verify?: 'none' | 'required';
  /** `sni EXPR`: a sample expression, compiled with the backend's rules. */
  sni?: string;
  /** `crt FILE`: the client certificate (combined PEM). */
  crt?: string;
  /** `verifyhost NAME`; `no-verifyhost` sets ''. */
  verifyhost?: string;
  /** `no-ssl-reuse`: no TLS session resumption towards this server. */
  noSslReuse?: boolean;
}

/** A bind line's TLS settings (`ssl` and what goes with it). */
export interface BindTls extends TlsSettings {
  /** `crt` and `crt-list` in the order written: the first certificate loaded is the default one. */
  certs: Array<{ kind: 'crt' | 'crt-list'; path: string }>;
  /** `verify none|optional|required` (client certificates). */
  verify?: 'none' | 'optional' | 'required';
  strictSni?: boolean;
  preferClientCiphers?: boolean;
  /** `tls-ticket-keys FILE` */
  ticketKeysFile?: string;
}

export interface Server extends ServerParams {
  pos: SourcePos;
  name: string;
  address: Address;
  /** The port as written; undefined when the address carries none (use the client's dst port). */
  port?: number;
}

export interface Bind {
  pos: SourcePos;
  address: Address;
  /** Port range for `bind :8000-8010`, expanded into one Bind each by the parser. */
  name?: string;
  v4v6?: boolean;
  v6only?: boolean;
  backlog?: number;
  maxconn?: number;
  /** `transparent`, `defer-accept`, `tfo`, `interface`: accepted where Node can honour them. */
  interface?: string;
  reusePort?: boolean;
  /** `ssl`: TLS is terminated on this listener. */
  ssl?: boolean;
  /** TLS settings (present as soon as one TLS keyword is written, even without `ssl`). */
  tls?: BindTls;
  /** `accept-proxy`: every connection starts with a PROXY protocol header (v1 or v2). */
  acceptProxy?: boolean;
  /** UNIX socket listeners: `mode` (octal), `user`, `group`, `uid`, `gid`. */
  socketMode?: number;
  socketUser?: string;
  socketGroup?: string;
  socketUid?: number;
  socketGid?: number;
}

/** What every proxy-like section (defaults, frontend, backend, listen) may set. */
export interface ProxySettings {
  mode?: ProxyMode;
  timeouts: Timeouts;
  maxconn?: number;
  /** Backend-wide `fullconn`. */
  fullconn?: number;
  retries?: number;
  options: ProxyOptions;
  balance?: BalanceAlgorithm;
  hashType?: HashType;
  /** `log global`, `log ADDR ...`, `no log` (empty array with noLog). */
  logs?: LogTarget[];
  noLog?: boolean;
  logFormat?: { pos: SourcePos; format: string };
  logTag?: string;
  /** `option httpchk` etc.: the check protocol used by servers with `check`. */
  check?: CheckProtocol;
  /** `option external-check` not supported. */
  defaultServer: ServerParams;
  /** `http-reuse never|safe|aggressive|always` */
  httpReuse?: 'never' | 'safe' | 'aggressive' | 'always';
  /** Added: proxy-wide `backlog N` (frontend side), the listen() backlog of binds that set none. */
  backlog?: number;
  /** `compression algo|type|offload` lines (own, then inherited from defaults as HAProxy copies them). */
  compression?: CompressionSettings;
  /** `cookie NAME ...` (backend side; inherited from defaults). */
  cookie?: CookieSettings;
  /** errorfile / errorloc / http-error lines: the inherited ones first, then the section's (a later line for a status wins). */
  errorReplies?: ErrorReplyLine[];
  /** `email-alert ...` lines (own, over the defaults section's, field by field). */
  emailAlert?: EmailAlertSettings;
}

/** `email-alert mailers|from|to|level|myhostname`: server state changes mailed over SMTP. */
export interface EmailAlertSettings {
  /** The first email-alert line of the section. */
  pos: SourcePos;
  mailers?: { pos: SourcePos; name: string };
  from?: string;
  to?: string;
  /** Changes at this syslog level or more severe are mailed; HAProxy's default is `alert`. */
  level?: 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';
  /** The name said in HELO; default: the host's name. */
  myhostname?: string;
}

/** `mailers NAME`: the SMTP servers alerts are sent to (each of them gets every alert). */
export interface MailersSection {
  pos: SourcePos;
  name: string;
  mailers: Array<{ pos: SourcePos; name: string; address: Address }>;
  /** `timeout mail`, ms (default 10 s): the whole SMTP exchange must fit in it. */
  timeoutMail: number;
}

/** A content coding `compression algo` may name (`br` is Hawser's addition: HAProxy 2.6 has no brotli). */
export type CompressionAlgo = 'identity' | 'gzip' | 'deflate' | 'raw-deflate' | 'br';

export interface CompressionSettings {
  pos: SourcePos;
  /** In configuration order, inherited first; HAProxy tries them last-written first (`*` picks the last). */
  algos: CompressionAlgo[];
  /** MIME type prefixes (`compression type`); empty: any type but multipart. */
  types: string[];
  /** `compression offload`: Accept-Encoding is removed before the server sees it (ignored in defaults). */
  offload: boolean;
  /** Added (HAProxy 3.2's `compression minsize-res`): responses of a known length below this stay as they are. */
  minsizeRes?: number;
}

export interface DefaultsSection extends ProxySettings {
  pos: SourcePos;
  /** Named defaults (`defaults NAME`), or undefined for the anonymous one. */
  name?: string;
  /** Added: defaults may set `default_backend`, inherited by frontends and listens. */
  defaultBackend?: { pos: SourcePos; name: string };
  /** Added: `disabled` in defaults disables the proxies that inherit it. */
  disabled?: boolean;
  /** Added: the defaults section this one inherits from (`defaults NAME from OTHER`). */
  defaultsFrom?: string;
}

/** An `acl NAME FETCH ...` line, kept as words for the ACL compiler (src/acl). */
export interface AclLine {
  pos: SourcePos;
  /** The words after `acl`: name, fetch, flags, patterns. */
  words: string[];
}

/** An `http-request` / `http-response` / `http-after-response` line, kept as words for src/rules. */
export interface HttpRuleLine {
  pos: SourcePos;
  phase: 'request' | 'response' | 'after-response';
  /** The words after the keyword: action, arguments, condition. */
  words: string[];
}

/** A `tcp-request connection|session|content` line, kept as words for src/rules. */
export interface TcpRuleLine {
  pos: SourcePos;
  set: 'connection' | 'session' | 'content';
  /** The words after the rule set: action, arguments, condition. */
  words: string[];
}

/**
 * `capture request|response header NAME len N` (kind header),
 * `declare capture request|response len N` (declare, name ''), and
 * `capture cookie NAME len N` (cookie, direction request).
 */
export interface CaptureLine {
  pos: SourcePos;
  kind: 'header' | 'declare' | 'cookie';
  direction: 'request' | 'response';
  name: string;
  len: number;
}

/** `cookie NAME [rewrite|insert|prefix] [indirect] [nocache] ...`: cookie persistence of a backend. */
export interface CookieSettings {
  pos: SourcePos;
  name: string;
  /** `passive` when none of rewrite/insert/prefix is given: the cookie is only read. */
  mode: 'insert' | 'rewrite' | 'prefix' | 'passive';
  indirect: boolean;
  nocache: boolean;
  postonly: boolean;
  preserve: boolean;
  httponly: boolean;
  secure: boolean;
  /** `domain D` (several allowed). */
  domains: string[];
  /** `maxidle`, `maxlife`: seconds (0: none). */
  maxidle: number;
  maxlife: number;
  /** `attr VALUE` (several allowed). */
  attrs: string[];
  /** `dynamic`: accepted, not supported (refused at validation). */
  dynamic: boolean;
}

/** A stick table key type (`stick-table type ...`). */
export type StickKeyType = 'ip' | 'ipv6' | 'integer' | 'string' | 'binary';

/** `stick-table ...` in a frontend, backend or listen (named after the proxy), or `table NAME ...` in a peers section (named PEERS/NAME). */
export interface StickTableConfig {
  pos: SourcePos;
  /** The name rules and the runtime API use: the proxy's, or `PEERS/NAME`. */
  name: string;
  type: StickKeyType;
  /** Key length in bytes for string and binary keys (HAProxy's default 32). */
  len: number;
  /** Maximum number of entries. */
  size: number;
  /** ms an entry lives after its last update; 0: entries never expire. */
  expire: number;
  nopurge: boolean;
  /** The peers section that replicates it (`peers NAME`, or the section a `table` line is in). */
  peers?: string;
  /** `store` data types as written, one per item, checked ("http_req_rate(10s)", "gpc(3)"). */
  store: string[];
}

/** `stick on|match|store-request|store-response PATTERN [table NAME] [if|unless COND]` (backend side). */
export interface StickRuleLine {
  pos: SourcePos;
  kind: 'on' | 'match' | 'store-request' | 'store-response';
  /** The sample expression giving the key. */
  pattern: string;
  /** `table NAME`; the proxy's own table when absent. */
  table?: string;
  /** `if`/`unless` and the condition's words. */
  condition?: string[];
}

/** `force-persist` / `ignore-persist` with its condition words (from `if`/`unless`). */
export interface PersistRuleLine {
  pos: SourcePos;
  kind: 'force' | 'ignore';
  words: string[];
}

/** `errorfile`, `errorloc`, `errorloc302`, `errorloc303` and `http-error` lines (the words after the keyword). */
export interface ErrorReplyLine {
  pos: SourcePos;
  keyword: 'errorfile' | 'errorloc' | 'errorloc302' | 'errorloc303' | 'http-error';
  status: number;
  words: string[];
}

/** A `userlist NAME` section: users with crypted or clear passwords, and groups. */
export interface Userlist {
  pos: SourcePos;
  name: string;
  users: Map<string, UserlistUser>;
  groups: Map<string, { pos: SourcePos; name: string; users: string[] }>;
}

export interface UserlistUser {
  pos: SourcePos;
  name: string;
  /** A crypt(3) hash, or the clear text with `insecure`. */
  password: string;
  insecure: boolean;
  groups: string[];
}

export interface ProxyBase extends ProxySettings {
  pos: SourcePos;
  name: string;
  /** Which defaults section this proxy inherited from (`from NAME`, or the last one before it). */
  defaultsFrom?: string;
  disabled?: boolean;
  id?: number;
  description?: string;
  /** `acl` lines in file order (conditions see only the ACLs declared above them). */
  acls: AclLine[];
  /** HTTP rule lines in file order. */
  httpRules: HttpRuleLine[];
  /** `stats ...` lines (the stats page); own or inherited from defaults. */
  stats?: StatsSettings;
  /** `tcp-request connection|session|content` lines in file order, and `tcp-request inspect-delay` (ms). */
  tcpRules: TcpRuleLine[];
  inspectDelay?: number;
  /** `capture ...` and `declare capture` lines in file order. */
  captures: CaptureLine[];
  /** `force-persist` / `ignore-persist` lines in file order. */
  persistRules: PersistRuleLine[];
  /** `stick-table ...`: this proxy's table (named after it). */
  stickTable?: StickTableConfig;
  /** `stick ...` lines in file order (backend side). */
  stickRules?: StickRuleLine[];
}

/** The stats page of a proxy: any `stats` line but `stats disable` enables it, as in HAProxy. */
export interface StatsSettings {
  pos: SourcePos;
  enabled: boolean;
  /** `stats uri`, default `/haproxy?stats`. */
  uri: string;
  /** `stats refresh`, ms (0: none). */
  refresh: number;
  /** `stats auth user:password` lines. */
  auth: Array<{ user: string; password: string }>;
  /** `stats realm`, default `HAProxy Statistics`. */
  realm: string;
  hideVersion: boolean;
  showLegends: boolean;
  /** `stats admin {if|unless} COND` lines, as words for the ACL compiler. */
  admin: Array<{ pos: SourcePos; words: string[] }>;
}

/** A backend-side rule that picks the backend: `use_backend NAME [if|unless COND]`. */
export interface UseBackendRule {
  pos: SourcePos;
  /** A backend name, or a `%[...]` log-format expression (dynamic). */
  backend: string;
  dynamic: boolean;
  /** Raw condition words after if/unless (evaluated by the ACL engine of a later issue). */
  condition?: { negate: boolean; words: string[] };
}

export interface Frontend extends ProxyBase {
  binds: Bind[];
  defaultBackend?: { pos: SourcePos; name: string };
  useBackends: UseBackendRule[];
  /** Set when the frontend came from a `listen` section: its backend has the same name. */
  fromListen: boolean;
}

export interface Backend extends ProxyBase {
  servers: Server[];
  fromListen: boolean;
}

export interface GlobalSection {
  pos?: SourcePos;
  logs: LogTarget[];
  maxconn?: number;
  nbthread?: number;
  user?: string;
  group?: string;
  uid?: number;
  gid?: number;
  pidfile?: string;
  daemon?: boolean;
  chroot?: string;
  /** `localpeer NAME` */
  localpeer?: string;
  /** `node NAME`, `description TEXT` for stats. */
  node?: string;
  description?: string;
  /** `stats socket ...` lines, kept raw for the runtime API issue (parsed: address, mode, level). */
  statsSockets: StatsSocket[];
  statsTimeout?: number;
  hardStopAfter?: number;
  /** `tune.*` values that the engine honours. */
  tune: {
    bufsize?: number;
    maxhdr?: number;
    httpMaxhdr?: number;
    /** `tune.h2.max-concurrent-streams` (SETTINGS_MAX_CONCURRENT_STREAMS; default 100, 0 = no limit). */
    h2MaxConcurrentStreams?: number;
  };
  /** `set-var`, `presetenv`, `setenv`, `unsetenv`, `resetenv` are applied while parsing. */
  logSendHostname?: string;
  logTag?: string;
  /** Added: `spread-checks PERCENT` (0-50), randomness added to check intervals. */
  spreadChecks?: number;
  /** `ssl-default-bind-ciphers`, `-ciphersuites`, `-curves`, `-options`: what bind lines use when they set nothing. */
  sslDefaultBind?: TlsSettings & { preferClientCiphers?: boolean };
  /** `ssl-default-server-ciphers`, `-ciphersuites`, `-options`. */
  sslDefaultServer?: TlsSettings;
  /** `ssl-server-verify none|required` (default required). */
  sslServerVerify?: 'none' | 'required';
  /** `ca-base DIR`, `crt-base DIR`: where relative ca-file / crt paths are looked for. */
  caBase?: string;
  crtBase?: string;
  /** `tune.ssl.cachesize` (sessions, default 20000) and `tune.ssl.lifetime` (ms, default 300 s). */
  sslCacheSize?: number;
  sslLifetime?: number;
}

export interface StatsSocket {
  pos: SourcePos;
  address: Address;
  mode?: number;
  level: 'user' | 'operator' | 'admin';
  user?: string;
  group?: string;
  /** Added: `expose-fd listeners`, lets a new process take the listeners over on reload. */
  exposeFdListeners?: boolean;
}

/** `peers NAME` sections: validated now, behaviour in the peers issue. */
export interface PeersSection {
  pos: SourcePos;
  name: string;
  /** `tls`: from the line's own `ssl`, `crt`, `ca-file`, `verify` (over `default-server`'s). */
  peers: Array<{ pos: SourcePos; name: string; address: Address; tls?: PeersTls }>;
  bind?: { pos: SourcePos; address: Address; tls?: PeersTls };
  disabled?: boolean;
  /** Added: the name of the peer that is this node (localpeer / -L), when one matches. */
  local?: string;
  /** Added: `secret STRING` or `secret-file PATH`: peers prove they share it (HMAC challenge). */
  secret?: { pos: SourcePos; text?: string; file?: string };
  /** `default-server` TLS settings, for peers lines that set none of their own. */
  defaultServer?: PeersTls;
  /** `table NAME type ...` lines: stick tables named `PEERS/NAME`, replicated by this section. */
  tables?: StickTableConfig[];
}

/** TLS of a peers session: `ssl crt FILE ca-file FILE verify none|optional|required`. */
export interface PeersTls {
  pos: SourcePos;
  /** `ssl` (true) or `no-ssl` (false); unset: not written. */
  ssl?: boolean;
  /** Combined PEM: certificate and key. */
  crt?: string;
  caFile?: string;
  verify?: 'none' | 'optional' | 'required';
}

/** `vrrp NAME` sections: validated now, behaviour in the VRRP issue. */
export interface VrrpSection {
  pos: SourcePos;
  name: string;
  interface?: string;
  virtualRouterId?: number;
  /** A single priority, or per node name. */
  priority: { default?: number; byNode: Map<string, number> };
  advertInterval?: number;
  version?: 2 | 3;
  virtualAddresses: Array<{ pos: SourcePos; address: string; prefix: number; family: 4 | 6; dev?: string; label?: string }>;
  /** Every other keyword, kept with its position for the VRRP issue to interpret. */
  entries: Array<{ pos: SourcePos; keyword: string; args: string[] }>;
}

/** `cache NAME` sections: HAProxy's small-object RAM cache, used with `http-request cache-use` / `http-response cache-store`. */
export interface CacheSection {
  pos: SourcePos;
  name: string;
  /** `total-max-size`, in bytes (megabytes in the file). */
  totalMaxSize: number;
  /** `max-object-size` in bytes; default a 256th of totalMaxSize. */
  maxObjectSize: number;
  /** `max-age` in seconds (default 60): no object is kept longer. */
  maxAge: number;
  /** `process-vary on|off` (default off: a response with Vary is never stored). */
  processVary: boolean;
  /** `max-secondary-entries` (default 10): variants kept per URL when Vary is processed. */
  maxSecondaryEntries: number;
}

/** `resolvers NAME`: DNS nameservers and the timers of run-time resolution (durations in ms). */
export interface ResolversSection {
  pos: SourcePos;
  name: string;
  nameservers: Array<{ pos: SourcePos; name: string; address: Address }>;
  /** `parse-resolv-conf`: the nameservers of /etc/resolv.conf are added at start-up. */
  parseResolvConf: boolean;
  /** `accepted_payload_size` (512..65535; above 512 queries carry an EDNS0 record). */
  acceptedPayloadSize: number;
  resolveRetries: number;
  timeoutResolve: number;
  timeoutRetry: number;
  hold: { valid: number; nx: number; refused: number; timeout: number; other: number; obsolete: number };
}

export interface Config {
  /** Every file read, in order. */
  files: string[];
  global: GlobalSection;
  defaults: DefaultsSection[];
  frontends: Map<string, Frontend>;
  backends: Map<string, Backend>;
  peers: Map<string, PeersSection>;
  vrrp: Map<string, VrrpSection>;
  caches: Map<string, CacheSection>;
  /** `userlist NAME` sections. */
  userlists: Map<string, Userlist>;
  /** `mailers NAME` sections. */
  mailers: Map<string, MailersSection>;
  /** `resolvers NAME` sections (absent in models built before they existed). */
  resolvers?: Map<string, ResolversSection>;
  /** Added: the environment after setenv/presetenv/unsetenv/resetenv, as HAProxy leaves it for child processes. */
  env?: Record<string, string>;
  /** Added: this node's name: global `localpeer`, else the caller's localName (-L or hostname). */
  localName?: string;
}
