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
  /** The same, through 20 ACLs and 10 header rules (issue 3's cost of rules). */
  l7rules: number;
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

/** The head of the mode http files that h2.ts and tls.ts give both proxies. */
export const HTTP_PROXY_HEAD = `# The same file is given to haproxy 2.6 and to hawser.
global
    nbthread 1
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
`;

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

# Issue 3's load: 10 switching rules, each ORing two ACLs that are false for
# the benchmark's "GET /", so all 20 ACLs run on every request, then 5
# request and 5 response header rules.
frontend l7rules
    mode http
    bind 127.0.0.1:${ports.l7rules}
    acl a01 path_beg /api/
    acl a02 path_beg /static/
    acl a03 path_end .php
    acl a04 path_end .jpg .png .gif
    acl a05 path_sub /admin
    acl a06 hdr(host) -i api.example.com
    acl a07 hdr(host) -i static.example.com
    acl a08 hdr_sub(user-agent) -i curl
    acl a09 hdr_beg(host) -i internal.
    acl a10 src 10.0.0.0/8 192.168.0.0/16
    acl a11 method POST PUT DELETE
    acl a12 url_param(debug) -m found
    acl a13 req.hdr(x-tenant) -m found
    acl a14 query -m sub token=
    acl a15 path_reg ^/v[0-9]+/
    acl a16 hdr(x-forwarded-proto) -i https
    acl a17 path_dir images
    acl a18 src_port lt 1024
    acl a19 hdr_cnt(cookie) gt 5
    acl a20 path_len gt 512
    http-request set-header X-Forwarded-Proto http
    http-request add-header X-Client-IP %[src]
    http-request del-header X-Debug
    http-request set-header X-Frontend l7rules
    http-request replace-value X-Trace ^old$ new
    use_backend origin_http if a01 || a02
    use_backend origin_http if a03 || a04
    use_backend origin_http if a05 || a06
    use_backend origin_http if a07 || a08
    use_backend origin_http if a09 || a10
    use_backend origin_http if a11 || a12
    use_backend origin_http if a13 || a14
    use_backend origin_http if a15 || a16
    use_backend origin_http if a17 || a18
    use_backend origin_http if a19 || a20
    http-response set-header Strict-Transport-Security "max-age=31536000"
    http-response set-header X-Content-Type-Options nosniff
    http-response set-header X-Frame-Options DENY
    http-response del-header X-Powered-By
    http-response set-header Referrer-Policy no-referrer
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
