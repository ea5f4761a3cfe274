// What this build of Hawser can do, in the vocabulary of `haproxy -vv`: the
// "Feature list", services, filters, multiplexers and pollers. `hawser -vv`
// prints it and the feature() condition predicate (`-cc`, `.if`) reads it,
// so a configuration written for HAProxy can test for what it needs.
//
// Honesty rule: a feature is listed with '+' only once Hawser really has it.
// Flip the sign here in the same change that lands the feature (OPENSSL with
// TLS, PROMEX with the Prometheus exporter, SYSTEMD with sd_notify).

/** One line of "Available multiplexer protocols". */
export interface MuxProtocol {
  /** The `proto` keyword name, or '' for a <default> entry. */
  token: string;
  mode: 'TCP' | 'HTTP' | 'TCP|HTTP';
  side: 'FE' | 'BE' | 'FE|BE';
  mux: string;
  flags: readonly string[];
}

/** One line of "Available filters", e.g. { tag: 'COMP', name: 'compression' }. */
export interface FilterKind {
  tag: string;
  name: string;
}

/** One line of "Available polling systems". */
export interface Poller {
  name: string;
  pref: number;
}

export interface FeatureSet {
  /** `+NAME` when present, `-NAME` when known to be absent, in HAProxy's alphabetical order. */
  flags: readonly string[];
  services: readonly string[];
  filters: readonly FilterKind[];
  muxes: readonly MuxProtocol[];
  pollers: readonly Poller[];
  /** "Default settings" line values. */
  defaults: { bufsize: number; maxrewrite: number; maxpollevents: number };
}

/**
 * Hawser today. Flags use HAProxy's names so `.if feature(OPENSSL)` means the
 * same thing in both; Hawser-only capabilities are not invented here.
 *
 * Present: EPOLL (libuv's event loop on Linux), GETADDRINFO (node:dns lookup
 * uses getaddrinfo(3)). Absent: the rest, each for a plain reason: no TLS yet
 * (OPENSSL, QUIC), no Lua/OpenTracing/device detection, compression by
 * node:zlib (ZLIB, not SLZ), JavaScript RegExp instead of PCRE, one event-loop thread
 * (THREAD, CPU_AFFINITY), no splice/transparent proxy/netfilter/namespaces/
 * TCP Fast Open from Node, no systemd notify or Prometheus exporter yet.
 */
export const FEATURES: FeatureSet = {
  flags: [
    '-51DEGREES', '-CPU_AFFINITY', '-DEVICEATLAS', '+EPOLL', '-EVPORTS', '+GETADDRINFO', '-KQUEUE',
    '-LINUX_SPLICE', '-LINUX_TPROXY', '-LUA', '-MEMORY_PROFILING', '-NETFILTER', '-NS', '-OPENSSL',
    '-OT', '-PCRE', '-PCRE2', '-PCRE2_JIT', '-PCRE_JIT', '-POLL', '-PROMEX', '-QUIC', '-SLZ',
    '-SYSTEMD', '-TFO', '-THREAD', '-TPROXY', '-WURFL', '+ZLIB',
  ],
  services: [],
  filters: [{ tag: 'CACHE', name: 'cache' }, { tag: 'COMP', name: 'compression' }],
  // HTTP/1 on both sides, and plain TCP forwarding. No h2, no fcgi.
  muxes: [
    { token: '', mode: 'HTTP', side: 'FE|BE', mux: 'H1', flags: [] },
    { token: 'h1', mode: 'HTTP', side: 'FE|BE', mux: 'H1', flags: ['NO_UPG'] },
    { token: '', mode: 'TCP', side: 'FE|BE', mux: 'PASS', flags: [] },
    { token: 'none', mode: 'TCP', side: 'FE|BE', mux: 'PASS', flags: ['NO_UPG'] },
  ],
  // libuv drives epoll and reads up to 1024 events per wait.
  pollers: [{ name: 'epoll', pref: 300 }],
  // The HTTP head parser accepts bufsize - maxrewrite bytes, as HAProxy does.
  defaults: { bufsize: 16384, maxrewrite: 1024, maxpollevents: 1024 },
};
