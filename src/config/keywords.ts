// The keyword catalogue: every keyword HAProxy 2.6 knows in each section,
// sorted by what Hawser does with it. The parsers implement the keywords
// marked as such; everything else listed here is answered from this table
// (not supported yet, removed, ignored) so that no HAProxy keyword is ever
// silently dropped, and an unlisted word gets "did you mean" from the names
// valid in that section.

/** Sections Hawser parses. */
export const SECTIONS = ['global', 'defaults', 'frontend', 'backend', 'listen', 'peers', 'vrrp', 'mailers', 'cache', 'userlist', 'resolvers'] as const;

/** HAProxy sections that belong to later issues. */
export const UNSUPPORTED_SECTIONS = [
  'program',
  'ring',
  'http-errors',
  'fcgi-app',
  'log-forward',
] as const;

/** Keywords HAProxy removed, with what to write instead. */
export const REMOVED_PROXY_KEYWORDS: Readonly<Record<string, string>> = {
  contimeout: "'contimeout' was removed in HAProxy 2.1: use 'timeout connect'",
  clitimeout: "'clitimeout' was removed in HAProxy 2.1: use 'timeout client'",
  srvtimeout: "'srvtimeout' was removed in HAProxy 2.1: use 'timeout server'",
  redispatch: "'redispatch' was removed in HAProxy 2.1: use 'option redispatch'",
  block: "'block' was removed in HAProxy 2.1: use 'http-request deny' (same syntax)",
  reqadd: "'reqadd' was removed in HAProxy 2.1: use 'http-request add-header'",
  reqdel: "'reqdel' was removed in HAProxy 2.1: use 'http-request del-header'",
  reqidel: "'reqidel' was removed in HAProxy 2.1: use 'http-request del-header'",
  reqrep: "'reqrep' was removed in HAProxy 2.1: use 'http-request replace-path', 'replace-uri' or 'replace-header'",
  reqirep: "'reqirep' was removed in HAProxy 2.1: use 'http-request replace-header'",
  reqdeny: "'reqdeny' was removed in HAProxy 2.1: use 'http-request deny'",
  reqideny: "'reqideny' was removed in HAProxy 2.1: use 'http-request deny'",
  reqallow: "'reqallow' was removed in HAProxy 2.1: use 'http-request allow'",
  reqiallow: "'reqiallow' was removed in HAProxy 2.1: use 'http-request allow'",
  reqpass: "'reqpass' was removed in HAProxy 2.1: just remove it",
  reqipass: "'reqipass' was removed in HAProxy 2.1: just remove it",
  reqtarpit: "'reqtarpit' was removed in HAProxy 2.1: use 'http-request tarpit'",
  reqitarpit: "'reqitarpit' was removed in HAProxy 2.1: use 'http-request tarpit'",
  reqsetbe: "'reqsetbe' was removed in HAProxy 2.1: use 'use_backend'",
  reqisetbe: "'reqisetbe' was removed in HAProxy 2.1: use 'use_backend'",
  rspadd: "'rspadd' was removed in HAProxy 2.1: use 'http-response add-header'",
  rspdel: "'rspdel' was removed in HAProxy 2.1: use 'http-response del-header'",
  rspidel: "'rspidel' was removed in HAProxy 2.1: use 'http-response del-header'",
  rsprep: "'rsprep' was removed in HAProxy 2.1: use 'http-response replace-header'",
  rspirep: "'rspirep' was removed in HAProxy 2.1: use 'http-response replace-header'",
  rspdeny: "'rspdeny' was removed in HAProxy 2.1: use 'http-response deny'",
  rspideny: "'rspideny' was removed in HAProxy 2.1: use 'http-response deny'",
  cliexp: "'cliexp' was removed in HAProxy 2.1: use 'http-request replace-*'",
  srvexp: "'srvexp' was removed in HAProxy 2.1: use 'http-response replace-*'",
  appsession: "'appsession' was removed in HAProxy 1.6: use 'cookie' or stick tables",
  grace: "'grace' was removed in HAProxy 2.5: just remove it",
  'monitor-net': "'monitor-net' was removed in HAProxy 2.4: use 'tcp-request connection' rules with 'monitor-uri'",
  transparent: "'transparent' was removed: use 'option transparent'",
};

/** Where a proxy keyword has meaning: `fe` needs the frontend side, `be` the backend side. */
export type Capability = 'fe' | 'be' | 'any';

export interface ProxyKeyword {
  cap: Capability;
  /** May appear in a defaults section. */
  defaults: boolean;
  /**
   * Out of its capability it is an error, not just "ignored". HAProxy errors
   * for server and default-server; Hawser also refuses bind, default_backend
   * and use_backend in a backend, where HAProxy only warns: traffic the
   * author meant to route would silently go nowhere.
   */
  strict?: boolean;
}

/** Proxy keywords Hawser implements (the first word of the line). */
export const PROXY_KEYWORDS: Readonly<Record<string, ProxyKeyword>> = {
  mode: { cap: 'any', defaults: true },
  bind: { cap: 'fe', defaults: false, strict: true },
  backlog: { cap: 'fe', defaults: true },
  default_backend: { cap: 'fe', defaults: true, strict: true },
  use_backend: { cap: 'fe', defaults: false, strict: true },
  timeout: { cap: 'any', defaults: true },
  maxconn: { cap: 'fe', defaults: true },
  fullconn: { cap: 'be', defaults: true },
  retries: { cap: 'be', defaults: true },
  balance: { cap: 'be', defaults: true },
  'hash-type': { cap: 'be', defaults: true },
  option: { cap: 'any', defaults: true },
  'http-check': { cap: 'be', defaults: true },
  'tcp-check': { cap: 'be', defaults: true },
  log: { cap: 'any', defaults: true },
  'log-format': { cap: 'fe', defaults: true },
  'log-tag': { cap: 'any', defaults: true },
  'http-reuse': { cap: 'be', defaults: true },
  server: { cap: 'be', defaults: false, strict: true },
  'default-server': { cap: 'be', defaults: true, strict: true },
  disabled: { cap: 'any', defaults: true },
  enabled: { cap: 'any', defaults: true },
  id: { cap: 'any', defaults: false },
  description: { cap: 'any', defaults: false },
  'bind-process': { cap: 'any', defaults: true },
  acl: { cap: 'any', defaults: false },
  'http-request': { cap: 'any', defaults: false },
  'http-response': { cap: 'any', defaults: false },
  'http-after-response': { cap: 'any', defaults: false },
  stats: { cap: 'any', defaults: true },
  'email-alert': { cap: 'any', defaults: true },
  compression: { cap: 'any', defaults: true },
  'stick-table': { cap: 'any', defaults: false },
  stick: { cap: 'be', defaults: false },
  'tcp-request': { cap: 'any', defaults: false },
  capture: { cap: 'fe', defaults: false },
  declare: { cap: 'fe', defaults: false },
  cookie: { cap: 'be', defaults: true },
  'force-persist': { cap: 'be', defaults: false },
  'ignore-persist': { cap: 'be', defaults: false },
  errorfile: { cap: 'any', defaults: true },
  errorloc: { cap: 'any', defaults: true },
  errorloc302: { cap: 'any', defaults: true },
  errorloc303: { cap: 'any', defaults: true },
  'http-error': { cap: 'any', defaults: true },
};

/** HAProxy proxy keywords that belong to later issues. */
export const UNSUPPORTED_PROXY_KEYWORDS: readonly string[] = [
  'clitcpka-cnt',
  'clitcpka-idle',
  'clitcpka-intvl',
  'dispatch',
  'errorfiles',
  'error-log-format',
  'external-check',
  'filter',
  'http-send-name-header',
  'load-server-state-from-file',
  'log-format-sd',
  'max-keep-alive-queue',
  'monitor',
  'monitor-uri',
  'persist',
  'rate-limit',
  'redirect',
  'retry-on',
  'server-state-file-name',
  'server-template',
  'source',
  'srvtcpka-cnt',
  'srvtcpka-idle',
  'srvtcpka-intvl',
  'tcp-response',
  'unique-id-format',
  'unique-id-header',
  'use-fcgi-app',
  'use-server',
];

/** Timeout names, their capability, and whether Hawser has them. */
export const TIMEOUTS: Readonly<Record<string, { cap: Capability; field?: string }>> = {
  client: { cap: 'fe', field: 'client' },
  'client-fin': { cap: 'fe', field: 'clientFin' },
  connect: { cap: 'be', field: 'connect' },
  server: { cap: 'be', field: 'server' },
  'server-fin': { cap: 'be', field: 'serverFin' },
  queue: { cap: 'be', field: 'queue' },
  tunnel: { cap: 'be', field: 'tunnel' },
  check: { cap: 'be', field: 'check' },
  'http-request': { cap: 'any', field: 'httpRequest' },
  'http-keep-alive': { cap: 'any', field: 'httpKeepAlive' },
  tarpit: { cap: 'any', field: 'tarpit' },
};

export type OptionStatus =
  /** Parsed by option.ts into the model. */
  | 'implemented'
  /** Accepted; only tunes HAProxy's own engine, nothing to do in Hawser. */
  | 'noop'
  /** Accepted with a warning: has an effect in HAProxy that Hawser does not reproduce. */
  | 'ignored'
  | 'unsupported';

export interface OptionInfo {
  cap: Capability;
  status: OptionStatus;
  /** Can be written `no option X` / `default option X`. */
  negatable: boolean;
}

const opt = (cap: Capability, status: OptionStatus, negatable: boolean): OptionInfo => ({ cap, status, negatable });

/** Every `option` of HAProxy 2.6. */
export const OPTIONS: Readonly<Record<string, OptionInfo>> = {
  abortonclose: opt('be', 'implemented', true),
  'accept-invalid-http-request': opt('fe', 'unsupported', true),
  'accept-invalid-http-response': opt('be', 'unsupported', true),
  allbackups: opt('be', 'implemented', true),
  checkcache: opt('be', 'unsupported', true),
  clitcpka: opt('fe', 'implemented', true),
  contstats: opt('fe', 'noop', true),
  'disable-h2-upgrade': opt('fe', 'noop', true),
  'dontlog-normal': opt('fe', 'unsupported', true),
  dontlognull: opt('fe', 'implemented', true),
  forwardfor: opt('any', 'implemented', false),
  'h1-case-adjust-bogus-client': opt('fe', 'unsupported', true),
  'h1-case-adjust-bogus-server': opt('be', 'unsupported', true),
  'http-buffer-request': opt('any', 'implemented', true),
  'http-ignore-probes': opt('fe', 'unsupported', true),
  'http-keep-alive': opt('any', 'implemented', true),
  'http-no-delay': opt('any', 'noop', true),
  'http-pretend-keepalive': opt('be', 'unsupported', true),
  'http-restrict-req-hdr-names': opt('any', 'unsupported', false),
  'http-server-close': opt('any', 'implemented', true),
  'http-use-proxy-header': opt('fe', 'unsupported', true),
  httpchk: opt('be', 'implemented', false),
  httpclose: opt('any', 'implemented', true),
  httplog: opt('fe', 'implemented', false),
  httpslog: opt('fe', 'unsupported', false),
  'idle-close-on-response': opt('fe', 'unsupported', true),
  'independent-streams': opt('any', 'ignored', true),
  'ldap-check': opt('be', 'unsupported', false),
  'external-check': opt('be', 'unsupported', false),
  'log-health-checks': opt('be', 'implemented', true),
  'log-separate-errors': opt('fe', 'unsupported', true),
  logasap: opt('fe', 'unsupported', true),
  'mysql-check': opt('be', 'implemented', false),
  nolinger: opt('any', 'unsupported', true),
  originalto: opt('any', 'unsupported', false),
  persist: opt('be', 'implemented', true),
  'pgsql-check': opt('be', 'implemented', false),
  'prefer-last-server': opt('be', 'unsupported', true),
  redispatch: opt('be', 'implemented', true),
  'redis-check': opt('be', 'implemented', false),
  smtpchk: opt('be', 'implemented', false),
  'socket-stats': opt('fe', 'ignored', true),
  'splice-auto': opt('any', 'noop', true),
  'splice-request': opt('any', 'noop', true),
  'splice-response': opt('any', 'noop', true),
  'spop-check': opt('be', 'unsupported', false),
  srvtcpka: opt('be', 'implemented', true),
  'ssl-hello-chk': opt('be', 'implemented', false),
  'tcp-check': opt('be', 'implemented', false),
  'tcp-smart-accept': opt('fe', 'noop', true),
  'tcp-smart-connect': opt('be', 'noop', true),
  tcpka: opt('any', 'implemented', false),
  tcplog: opt('any', 'implemented', false),
  transparent: opt('be', 'unsupported', true),
};

/** Options HAProxy removed. */
export const REMOVED_OPTIONS: Readonly<Record<string, string>> = {
  forceclose: "option 'forceclose' was removed in HAProxy 2.0: remove it, or use 'option httpclose'",
  'http-tunnel': "option 'http-tunnel' was removed in HAProxy 2.1: remove it, it is not needed",
  http_proxy: "option 'http_proxy' was removed in HAProxy 2.5: use 'http-request set-dst' and 'http-request set-uri'",
};

/** The protocol-version parameters `bind` and `server` lines share (value: number of arguments). */
const TLS_VERSION_PARAMS: Readonly<Record<string, number>> = {
  'ssl-min-ver': 1,
  'ssl-max-ver': 1,
  'no-sslv3': 0,
  'no-tlsv10': 0,
  'no-tlsv11': 0,
  'no-tlsv12': 0,
  'no-tlsv13': 0,
  'force-sslv3': 0,
  'force-tlsv10': 0,
  'force-tlsv11': 0,
  'force-tlsv12': 0,
  'force-tlsv13': 0,
  'no-tls-tickets': 0,
};

/** Server parameters Hawser implements (value: number of arguments). */
export const SERVER_PARAMS: Readonly<Record<string, number>> = {
  check: 0,
  'no-check': 0,
  inter: 1,
  fastinter: 1,
  downinter: 1,
  rise: 1,
  fall: 1,
  port: 1,
  proto: 1,
  addr: 1,
  weight: 1,
  backup: 0,
  'no-backup': 0,
  disabled: 0,
  enabled: 0,
  maxconn: 1,
  maxqueue: 1,
  cookie: 1,
  'agent-check': 0,
  'no-agent-check': 0,
  'agent-port': 1,
  'agent-inter': 1,
  'agent-addr': 1,
  'agent-send': 1,
  slowstart: 1,
  observe: 1,
  'on-error': 1,
  'error-limit': 1,
  id: 1,
  // TLS and the PROXY protocol towards servers
  'ssl': 0,
  'no-ssl': 0,
  'verify': 1,
  'ca-file': 1,
  'crl-file': 1,
  'sni': 1,
  'crt': 1,
  'alpn': 1,
  'ciphers': 1,
  'ciphersuites': 1,
  ...TLS_VERSION_PARAMS,
  'tls-tickets': 0,
  'verifyhost': 1,
  'no-verifyhost': 0,
  'ssl-reuse': 0,
  'no-ssl-reuse': 0,
  'check-ssl': 0,
  'no-check-ssl': 0,
  'check-sni': 1,
  'check-alpn': 1,
  'send-proxy': 0,
  'send-proxy-v2': 0,
  'no-send-proxy': 0,
  'no-send-proxy-v2': 0,
  'check-send-proxy': 0,
  resolvers: 1,
  'init-addr': 1,
  'resolve-prefer': 1,
};

/** HAProxy 2.6 server parameters of later issues (value: number of arguments, to skip them). */
export const UNSUPPORTED_SERVER_PARAMS: Readonly<Record<string, number>> = {
  'allow-0rtt': 0,
  'check-proto': 1,
  'check-via-socks4': 0,
  'log-proto': 1,
  'max-reuse': 1,
  minconn: 1,
  namespace: 1,
  'no-send-proxy-v2-ssl': 0,
  'no-send-proxy-v2-ssl-cn': 0,
  'no-tfo': 0,
  'non-stick': 0,
  npn: 1,
  'on-marked-down': 1,
  'on-marked-up': 1,
  'pool-low-conn': 1,
  'pool-max-conn': 1,
  'pool-purge-delay': 1,
  redir: 1,
  'resolve-opts': 1,
  'resolve-net': 1,
  'proxy-v2-options': 1,
  'send-proxy-v2-ssl': 0,
  'send-proxy-v2-ssl-cn': 0,
  source: 1,
  stick: 0,
  socks4: 1,
  'tcp-ut': 1,
  tfo: 0,
  track: 1,
  ws: 1,
  'shard': 1,
  'usesrc': 1,
};

/** Bind parameters Hawser implements (value: number of arguments). */
export const BIND_PARAMS: Readonly<Record<string, number>> = {
  name: 1,
  backlog: 1,
  maxconn: 1,
  v4v6: 0,
  v6only: 0,
  interface: 1,
  // TLS and the PROXY protocol
  'ssl': 0,
  'crt': 1,
  'crt-list': 1,
  'alpn': 1,
  'ciphers': 1,
  'ciphersuites': 1,
  'curves': 1,
  'ecdhe': 1,
  ...TLS_VERSION_PARAMS,
  'ca-file': 1,
  'crl-file': 1,
  'verify': 1,
  'strict-sni': 0,
  'prefer-client-ciphers': 0,
  'tls-ticket-keys': 1,
  'accept-proxy': 0,
  // UNIX socket listeners
  mode: 1,
  user: 1,
  group: 1,
  uid: 1,
  gid: 1,
};

/** Bind parameters only meaningful on the stats socket. */
export const SOCKET_BIND_PARAMS: Readonly<Record<string, number>> = {
  level: 1,
  'expose-fd': 1,
  'severity-output': 1,
};

/** HAProxy 2.6 bind parameters of later issues (value: number of arguments). */
export const UNSUPPORTED_BIND_PARAMS: Readonly<Record<string, number>> = {
  'accept-netscaler-cip': 1,
  'allow-0rtt': 0,
  'ca-ignore-err': 1,
  'ca-sign-file': 1,
  'ca-sign-pass': 1,
  'ca-verify-file': 1,
  'crt-ignore-err': 1,
  'defer-accept': 0,
  'generate-certificates': 0,
  id: 1,
  mss: 1,
  namespace: 1,
  nice: 1,
  'no-ca-names': 0,
  npn: 1,
  proto: 1,
  'quic-force-retry': 0,
  shards: 1,
  'tcp-ut': 1,
  tfo: 0,
  transparent: 0,
};

/** Bind parameters accepted and ignored: Hawser is one process, one event loop. */
export const IGNORED_BIND_PARAMS: Readonly<Record<string, number>> = {
  process: 1,
  thread: 1,
};

export type GlobalStatus = 'implemented' | 'noop' | 'ignored' | 'unsupported';

/**
 * Global keywords of HAProxy 2.6. `noop`: only tunes HAProxy's own engine
 * (or TLS defaults used by later issues), accepted silently; `ignored`:
 * accepted with a warning because HAProxy would behave differently.
 */
export const GLOBAL_KEYWORDS: Readonly<Record<string, GlobalStatus>> = {
  // implemented
  log: 'implemented',
  maxconn: 'implemented',
  nbthread: 'implemented',
  user: 'implemented',
  group: 'implemented',
  uid: 'implemented',
  gid: 'implemented',
  pidfile: 'implemented',
  daemon: 'implemented',
  chroot: 'implemented',
  localpeer: 'implemented',
  node: 'implemented',
  description: 'implemented',
  stats: 'implemented',
  'hard-stop-after': 'implemented',
  'tune.bufsize': 'implemented',
  'tune.http.maxhdr': 'implemented',
  'tune.h2.max-concurrent-streams': 'implemented',
  setenv: 'implemented',
  presetenv: 'implemented',
  unsetenv: 'implemented',
  resetenv: 'implemented',
  'log-send-hostname': 'implemented',
  'log-tag': 'implemented',
  'spread-checks': 'implemented',
  'zero-warning': 'implemented',
  'ca-base': 'implemented',
  'crt-base': 'implemented',
  'ssl-default-bind-ciphers': 'implemented',
  'ssl-default-bind-ciphersuites': 'implemented',
  'ssl-default-bind-curves': 'implemented',
  'ssl-default-bind-options': 'implemented',
  'ssl-default-server-ciphers': 'implemented',
  'ssl-default-server-ciphersuites': 'implemented',
  'ssl-default-server-options': 'implemented',
  'ssl-server-verify': 'implemented',
  'tune.ssl.cachesize': 'implemented',
  'tune.ssl.lifetime': 'implemented',
  // engine tuning and TLS defaults: nothing to do (yet)
  'busy-polling': 'noop',
  'expose-experimental-directives': 'noop',
  'insecure-fork-wanted': 'noop',
  'insecure-setuid-wanted': 'noop',
  'issuers-chain-path': 'noop',
  maxpipes: 'noop',
  'mworker-max-reloads': 'noop',
  'no-memory-trimming': 'noop',
  noepoll: 'noop',
  nokqueue: 'noop',
  noevports: 'noop',
  nopoll: 'noop',
  nosplice: 'noop',
  nogetaddrinfo: 'noop',
  noreuseport: 'noop',
  'numa-cpu-mapping': 'noop',
  'profiling.tasks': 'noop',
  quiet: 'noop',
  'set-dumpable': 'noop',
  'strict-limits': 'noop',
  'ssl-dh-param-file': 'noop',
  'ssl-engine': 'noop',
  'ssl-load-extra-files': 'noop',
  'ssl-load-extra-del-ext': 'noop',
  'ssl-mode-async': 'noop',
  'ssl-propquery': 'noop',
  'ssl-provider': 'noop',
  'ssl-provider-path': 'noop',
  'ssl-skip-self-issued-ca': 'noop',
  'tune.buffers.limit': 'noop',
  'tune.buffers.reserve': 'noop',
  'tune.fd.edge-triggered': 'noop',
  'tune.idle-pool.shared': 'noop',
  'tune.idletimer': 'noop',
  'tune.maxaccept': 'noop',
  'tune.maxpollevents': 'noop',
  'tune.maxrewrite': 'noop',
  'tune.pattern.cache-size': 'noop',
  'tune.pipesize': 'noop',
  'tune.pool-high-fd-ratio': 'noop',
  'tune.pool-low-fd-ratio': 'noop',
  'tune.rcvbuf.client': 'noop',
  'tune.rcvbuf.server': 'noop',
  'tune.recv_enough': 'noop',
  'tune.runqueue-depth': 'noop',
  'tune.sched.low-latency': 'noop',
  'tune.sndbuf.client': 'noop',
  'tune.sndbuf.server': 'noop',
  'tune.ssl.force-private-cache': 'noop',
  'tune.ssl.hard-maxrecord': 'noop',
  'tune.ssl.keylog': 'noop',
  'tune.ssl.maxrecord': 'noop',
  'tune.ssl.default-dh-param': 'noop',
  'tune.ssl.ssl-ctx-cache-size': 'noop',
  'tune.ssl.capture-buffer-size': 'noop',
  'tune.ssl.capture-cipherlist-size': 'noop',
  'tune.h2.header-table-size': 'noop',
  'tune.h2.initial-window-size': 'noop',
  'tune.lua.forced-yield': 'noop',
  'tune.lua.maxmem': 'noop',
  'tune.lua.session-timeout': 'noop',
  'tune.lua.task-timeout': 'noop',
  'tune.lua.service-timeout': 'noop',
  'tune.quic.frontend.conn-tx-buffers.limit': 'noop',
  'tune.quic.frontend.max-idle-timeout': 'noop',
  'tune.quic.frontend.max-streams-bidi': 'noop',
  'tune.quic.retry-threshold': 'noop',
  'tune.vars.global-max-size': 'noop',
  'tune.vars.proc-max-size': 'noop',
  'tune.vars.reqres-max-size': 'noop',
  'tune.vars.sess-max-size': 'noop',
  'tune.vars.txn-max-size': 'noop',
  'tune.comp.maxlevel': 'noop',
  'tune.zlib.memlevel': 'noop',
  'tune.zlib.windowsize': 'noop',
  'cluster-secret': 'noop',
  // accepted, but HAProxy would do something Hawser does not
  'master-worker': 'ignored',
  'cpu-map': 'ignored',
  'ulimit-n': 'ignored',
  'fd-hard-limit': 'ignored',
  'unix-bind': 'ignored',
  'tune.http.cookielen': 'ignored',
  'tune.http.logurilen': 'ignored',
  'max-spread-checks': 'ignored',
  debug: 'ignored',
  // later issues
  'default-path': 'unsupported',
  'external-check': 'unsupported',
  'h1-accept-payload-with-any-method': 'unsupported',
  'h1-case-adjust': 'unsupported',
  'h1-case-adjust-file': 'unsupported',
  'h2-workaround-bogus-websocket-clients': 'unsupported',
  'httpclient.resolvers.id': 'unsupported',
  'httpclient.resolvers.prefer': 'unsupported',
  'httpclient.ssl.ca-file': 'unsupported',
  'httpclient.ssl.verify': 'unsupported',
  'lua-load': 'unsupported',
  'lua-load-per-thread': 'unsupported',
  'lua-prepend-path': 'unsupported',
  maxconnrate: 'unsupported',
  maxcomprate: 'unsupported',
  maxcompcpuusage: 'unsupported',
  maxsessrate: 'unsupported',
  maxsslconn: 'unsupported',
  maxsslrate: 'unsupported',
  maxzlibmem: 'unsupported',
  'pp2-never-send-local': 'unsupported',
  'server-state-base': 'unsupported',
  'server-state-file': 'unsupported',
  'set-var': 'unsupported',
  'set-var-fmt': 'unsupported',
  'deviceatlas-json-file': 'unsupported',
  'deviceatlas-log-level': 'unsupported',
  'deviceatlas-separator': 'unsupported',
  'deviceatlas-properties-cookie': 'unsupported',
  '51degrees-data-file': 'unsupported',
  '51degrees-property-name-list': 'unsupported',
  '51degrees-property-separator': 'unsupported',
  '51degrees-cache-size': 'unsupported',
  'wurfl-data-file': 'unsupported',
  'wurfl-information-list': 'unsupported',
  'wurfl-information-list-separator': 'unsupported',
  'wurfl-cache-size': 'unsupported',
};

/** Global keywords HAProxy removed. */
export const REMOVED_GLOBAL_KEYWORDS: Readonly<Record<string, string>> = {
  nbproc: "'nbproc' was removed in HAProxy 2.5: threads are used instead (see 'nbthread')",
  'tune.chksize': "'tune.chksize' was removed: 'tune.bufsize' is used instead",
};

/** Keywords of a `peers` section. */
export const PEERS_KEYWORDS = ['peer', 'bind', 'server', 'disabled', 'enabled', 'default-server', 'secret', 'secret-file', 'table'] as const;
export const UNSUPPORTED_PEERS_KEYWORDS = ['log', 'default-bind', 'shards'] as const;

/** Keywords of a `cache` section (HAProxy 2.6). */
export const CACHE_KEYWORDS = ['total-max-size', 'max-object-size', 'max-age', 'process-vary', 'max-secondary-entries'] as const;

/**
 * Keywords of a `vrrp` section (Hawser's own). The first group is parsed
 * into the model; the others are checked lightly and kept in `entries` for
 * the VRRP issue.
 */
export const VRRP_KEYWORDS = [
  'interface',
  'virtual-router-id',
  'priority',
  'advert-interval',
  'version',
  'virtual-ipaddress',
] as const;
export const VRRP_ENTRY_KEYWORDS = [
  'track-backend',
  'track-interface',
  'track-script',
  'preempt',
  'nopreempt',
  'preempt-delay',
  'unicast-source',
  // keepalived's name for it (unicast_src_ip), accepted for operators' habits
  'unicast-src-ip',
  'unicast-peer',
  'track-file',
  'notify-stop',
  'v3-checksum',
  'authentication',
  'sync-group',
  'garp-master-delay',
  'garp-master-repeat',
  'garp-master-refresh',
  'notify',
  'notify-master',
  'notify-backup',
  'notify-fault',
  'accept',
  'no-accept',
  'transport',
  'description',
  'disabled',
  'enabled',
] as const;

/** Keywords of a `mailers` section. */
export const MAILERS_KEYWORDS: readonly string[] = ['mailer', 'timeout'];

/** Keywords of a `resolvers` section. */
export const RESOLVERS_KEYWORDS: readonly string[] = ['nameserver', 'parse-resolv-conf', 'accepted_payload_size', 'resolve_retries', 'hold', 'timeout'];
