// The configurations the bench runs. The proxy configuration is one text,
// read unchanged by haproxy 2.6 and by hawser, so both do the same work.
// The origin is a second haproxy answering from memory: far faster than
// either proxy, so it is not what is measured.

export interface Ports {
  /** The origin haproxy answering HTTP (small and 64 KiB bodies). */
  origin: number;
  /** The node:net stream source of the bulk transfer. */
  source: number;
  /** The proxy's listeners: HTTP (mode http), TCP to the origin, TCP to the source. */
  l7: number;
  l4: number;
  stream: number;
}

export const SMALL_BODY = 'hello';
export const BIG_PATH = '/64k';
export const BIG_BODY_BYTES = 64 * 1024;

/**
 * `http-request return` must fit its payload in one buffer; the default
 * tune.bufsize (16 KiB) is too small for 64 KiB, so the origin gets 128 KiB.
 */
export function originConfig(ports: Ports, bigBodyFile: string): string {
  return `global
    nbthread 1
    tune.bufsize 131072

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend origin
    bind 127.0.0.1:${ports.origin}
    http-request return status 200 content-type application/octet-stream file "${bigBodyFile}" if { path ${BIG_PATH} }
    http-request return status 200 content-type text/plain string "${SMALL_BODY}"
`;
}

export function proxyConfig(ports: Ports): string {
  return `# The same file is given to haproxy 2.6 and to hawser.
global
    nbthread 1
    maxconn 4096

defaults
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend l7
    mode http
    bind 127.0.0.1:${ports.l7}
    default_backend origin_http

backend origin_http
    mode http
    server origin 127.0.0.1:${ports.origin}

listen l4
    mode tcp
    bind 127.0.0.1:${ports.l4}
    server origin 127.0.0.1:${ports.origin}

listen stream
    mode tcp
    bind 127.0.0.1:${ports.stream}
    server source 127.0.0.1:${ports.source}
`;
}
