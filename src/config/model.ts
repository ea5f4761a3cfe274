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
  /** `send-proxy`, `send-proxy-v2` (a later issue; parsed now and refused as not supported yet). */
  observe?: 'layer4' | 'layer7';
  onError?: 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';
  errorLimit?: number;
  id?: number;
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
  };
  /** `set-var`, `presetenv`, `setenv`, `unsetenv`, `resetenv` are applied while parsing. */
  logSendHostname?: string;
  logTag?: string;
  /** Added: `spread-checks PERCENT` (0-50), randomness added to check intervals. */
  spreadChecks?: number;
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
  peers: Array<{ pos: SourcePos; name: string; address: Address }>;
  bind?: { pos: SourcePos; address: Address };
  disabled?: boolean;
  /** Added: the name of the peer that is this node (localpeer / -L), when one matches. */
  local?: string;
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

export interface Config {
  /** Every file read, in order. */
  files: string[];
  global: GlobalSection;
  defaults: DefaultsSection[];
  frontends: Map<string, Frontend>;
  backends: Map<string, Backend>;
  peers: Map<string, PeersSection>;
  vrrp: Map<string, VrrpSection>;
  /** Added: the environment after setenv/presetenv/unsetenv/resetenv, as HAProxy leaves it for child processes. */
  env?: Record<string, string>;
  /** Added: this node's name: global `localpeer`, else the caller's localName (-L or hostname). */
  localName?: string;
}
