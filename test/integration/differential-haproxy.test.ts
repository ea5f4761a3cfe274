// The same configuration file given to hawser and to haproxy 2.6, the same
// real servers behind both, the same requests sent to each in the same
// order: the test compares which server answered, the status, every field
// the client got (Date aside), what the server saw (method, target, fields
// in order, names lower-cased: HAProxy lower-cases them, Hawser keeps the
// case they were written in, a difference listed in the README) and the
// bodies the proxies wrote themselves. Each step also states a few facts
// of its own, so two proxies agreeing on a wrong answer still fail.

import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tcpServer } from '../support/backends.ts';
import { startHaproxy } from '../support/haproxy-process.ts';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { parseResponse } from '../support/raw-http.ts';

/** What a step is: an HTTP request (lower-case field names), or raw bytes. */
interface Step {
  name: string;
  /** Index of the frontend port (default 0). */
  fe?: number;
  method?: string;
  path?: string;
  host?: string;
  headers?: Array<[string, string]>;
  body?: string;
  /** Raw bytes instead of an HTTP request (tcp mode). */
  raw?: string;
  /** Connect from this loopback address. */
  from?: string;
  /** Facts hawser's answer must show (checked besides the comparison). */
  want?: { status?: number | 'closed'; server?: string | null; fields?: string[]; saw?: string[]; body?: RegExp };
}

interface Seen {
  status: number | 'closed';
  /** The server that answered, null when the proxy answered itself. */
  server: string | null;
  /** Response fields as "name: value", in order, without Date. */
  fields: string[];
  /** The body, when the proxy wrote it (the servers' JSON is summarised by `saw`). */
  body: string | null;
  /** What the server received. */
  saw: { method: string; url: string; fields: string[] } | null;
}

interface Ports {
  fe: number[];
  srv: Record<string, number>;
  /** A loopback port nothing listens on. */
  closed: number;
  dir: string;
}

interface Scenario {
  servers: string[];
  /** How many frontend ports the configuration binds. */
  frontends?: number;
  files?: (dir: string) => void;
  config: (p: Ports) => string;
  /** Runs against each proxy before the steps (waits for health checks...). */
  ready?: (fe: number[]) => Promise<void>;
  steps: Step[];
}

const DEFAULTS = `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
`;

/**
 * A real server: answers JSON with its name and what it received; `?rh=Name:Value`
 * (repeatable) adds response fields and `?st=N` sets the status.
 */
function appHandler(name: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    req.on('end', () => {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      for (const rh of q.getAll('rh')) {
        const c = rh.indexOf(':');
        res.appendHeader(rh.slice(0, c), rh.slice(c + 1));
      }
      res.statusCode = Number(q.get('st') ?? 200);
      res.setHeader('content-type', 'application/json');
      const fields: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) fields.push(`${req.rawHeaders[i]!.toLowerCase()}: ${req.rawHeaders[i + 1]}`);
      res.end(JSON.stringify({ server: name, method: req.method, url: req.url, fields }));
    });
  };
}

async function appServers(t: ExecutionContext, names: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const server = createServer({ keepAliveTimeout: 30_000 }, appHandler(name));
    await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    t.teardown(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const a = server.address();
    out[name] = typeof a === 'object' && a !== null ? a.port : 0;
  }
  return out;
}

/** Sends `data`, collects everything until the proxy closes; 'closed' when it refused or reset. */
function exchange(port: number, data: string, from: string | undefined): Promise<Buffer | 'closed'> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, localAddress: from });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => s.destroy(), 5000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve(chunks.length === 0 ? 'closed' : Buffer.concat(chunks));
    });
    s.write(data);
  });
}

function requestText(s: Step): string {
  let text = `${s.method ?? 'GET'} ${s.path ?? '/'} HTTP/1.1\r\nhost: ${s.host ?? 'www.example.com'}\r\n`;
  for (const [n, v] of s.headers ?? []) text += `${n}: ${v}\r\n`;
  if (s.body !== undefined) text += `content-length: ${Buffer.byteLength(s.body)}\r\n`;
  return text + 'connection: close\r\n\r\n' + (s.body ?? '');
}

async function observe(ports: number[], s: Step): Promise<Seen> {
  const got = await exchange(ports[s.fe ?? 0]!, s.raw ?? requestText(s), s.from);
  if (got === 'closed') return { status: 'closed', server: null, fields: [], body: null, saw: null };
  if (s.raw !== undefined && !got.toString('latin1').startsWith('HTTP/')) {
    return { status: 0, server: null, fields: [], body: got.toString('latin1'), saw: null };
  }
  const r = parseResponse(got, s.method === 'HEAD');
  // maxidle/maxlife put the current time in the cookie: its shape is compared, not the seconds
  // keep-alive is hop-by-hop: hawser drops the server's (a difference listed in the README)
  const fields = r.fields.filter(([n]) => n !== 'date' && n !== 'keep-alive').map(([n, v]) => `${n}: ${n === 'set-cookie' ? v.replace(/^([^=]+=[^|;]*)\|[^;]*/, '$1|<dates>') : v}`);
  const text = r.body.toString('latin1');
  if (r.get('content-type') === 'application/json' && text.startsWith('{"server":')) {
    const j = JSON.parse(text) as { server: string; method: string; url: string; fields: string[] };
    // the length of the JSON depends on what the server saw, compared on its own
    const kept = fields.filter((f) => !f.startsWith('content-length: '));
    return { status: r.status, server: j.server, fields: kept, body: null, saw: { method: j.method, url: j.url, fields: j.fields } };
  }
  return { status: r.status, server: null, fields, body: text, saw: null };
}

/** What hawser's answer to `s` gets wrong against the step's own facts. */
function unmet(s: Step, seen: Seen): string[] {
  const w = s.want;
  if (w === undefined) return [];
  const out: string[] = [];
  if (w.status !== undefined && seen.status !== w.status) out.push(`status ${seen.status}, wanted ${w.status}`);
  if (w.server !== undefined && seen.server !== w.server) out.push(`server ${seen.server}, wanted ${w.server}`);
  for (const f of w.fields ?? []) if (!seen.fields.includes(f)) out.push(`the client does not get "${f}"`);
  const all = [...(seen.saw?.fields ?? []), `method: ${seen.saw?.method}`, `url: ${seen.saw?.url}`];
  for (const f of w.saw ?? []) {
    const ok = f.startsWith('!') ? !all.some((x) => x.startsWith(f.slice(1))) : all.includes(f);
    if (!ok) out.push(`the server ${f.startsWith('!') ? 'sees' : 'does not see'} "${f.replace(/^!/, '')}"`);
  }
  if (w.body !== undefined && !w.body.test(seen.body ?? '')) out.push(`body ${JSON.stringify(seen.body)} does not match ${w.body}`);
  return out.map((m) => `${s.name}: ${m} (${JSON.stringify(seen)})`);
}

async function differential(t: ExecutionContext, sc: Scenario): Promise<void> {
  const srv = await appServers(t, sc.servers);
  const n = sc.frontends ?? 1;
  const [closed, ...fePorts] = await freePorts(1 + 2 * n);
  const dir = mkdtempSync(join(tmpdir(), 'hawser-diff-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  sc.files?.(dir);
  const ours = fePorts.slice(0, n);
  const theirs = fePorts.slice(n);
  const cfg = (fe: number[]): string => sc.config({ fe, srv, closed: closed!, dir });
  await Promise.all([startHawser(t, cfg(ours)), startHaproxy(t, cfg(theirs), theirs[0]!)]);
  if (sc.ready !== undefined) await Promise.all([sc.ready(ours), sc.ready(theirs)]);
  const differ: string[] = [];
  const wrong: string[] = [];
  for (const s of sc.steps) {
    // haproxy first, then hawser: both see the same sequence, so balancing state evolves alike
    const ref = await observe(theirs, s);
    const mine = await observe(ours, s);
    wrong.push(...unmet(s, mine));
    if (JSON.stringify(ref) !== JSON.stringify(mine)) {
      differ.push(`${s.name}\n  haproxy: ${JSON.stringify(ref)}\n  hawser:  ${JSON.stringify(mine)}`);
    }
  }
  t.deepEqual(wrong, [], wrong.join('\n'));
  t.deepEqual(differ, [], differ.join('\n'));
}

/**
 * `n` networks of every prefix length, IPv4 and IPv6, none covering
 * 127.0.0.0/8 but one: 127.0.0.1/32 sits among them.
 */
function bigNetworkList(n: number): string {
  const lines: string[] = [];
  let x = 0x9e3779b9;
  const next = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < n; i++) {
    if (i === n >> 1) lines.push('127.0.0.1/32');
    else if (i % 4 === 3) lines.push(`2001:db8:${(next() & 0xffff).toString(16)}:${(next() & 0xffff).toString(16)}::/${32 + (next() % 97)}`);
    else {
      const a = 1 + (next() % 126); // 1..126: never 127
      lines.push(`${a}.${next() & 255}.${next() & 255}.${next() & 255}/${8 + (next() % 25)}`);
    }
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------

test.serial('routing by host, path, ACLs, pattern files, maps and server state', async (t) => {
  // both proxies are started with this environment
  process.env.HAWSER_DIFF_MARK = 'on';
  t.teardown(() => delete process.env.HAWSER_DIFF_MARK);
  await differential(t, {
    servers: ['api', 'static', 'v2', 'web1', 'web2', 'shop', 'blog', 'fallback', 'm'],
    files: (dir) => {
      writeFileSync(join(dir, 'hosts.map'), '# host -> backend\nshop.example.com shop\nblog.example.com blog\n');
      writeFileSync(join(dir, 'private.acl'), '10.0.0.0/8\n127.0.0.0/8\n::1\n');
      writeFileSync(join(dir, 'paths.map'), '/shop/ shop\n/blog/ blog\n');
      writeFileSync(join(dir, 'domains.map'), 'example.org api\n');
      writeFileSync(join(dir, 'agents.map'), '^curl/[0-9.]+$ static\n');
      writeFileSync(join(dir, 'big.acl'), bigNetworkList(100_000));
    },
    config: (p) => `${DEFAULTS}frontend www
    bind 127.0.0.1:${p.fe[0]}
    option http-buffer-request
    acl host_api hdr(host) -i api.example.com
    acl is_static path_beg /static/ /images/
    acl is_img path_end .png .jpg
    acl private src -f ${p.dir}/private.acl
    acl wants_v2 url_param(v) -m str 2
    acl many_x hdr_cnt(x-multi) ge 2
    acl has_session req.cook(session) -m found
    use_backend api if host_api
    use_backend static if is_static || is_img
    use_backend v2 if wants_v2 METH_GET
    use_backend v2 if many_x
    use_backend v2 if has_session { path_dir app }
    use_backend fallback if private { path_beg /private }
    use_backend static if { path_beg /big } { src -f ${p.dir}/big.acl }
    use_backend fallback if { path /maint } { nbsrv(maint) eq 0 }
    use_backend api if { path /web1-up } { srv_is_up(web/web1) }
    use_backend v2 if METH_POST { req.body -m sub magic-word }
    use_backend api if { path /env } { env(HAWSER_DIFF_MARK) -m str on }
    use_backend %[req.hdr(host),map_dom(${p.dir}/domains.map)] if { req.hdr(host),map_dom(${p.dir}/domains.map) -m found }
    use_backend %[req.hdr(user-agent),map_reg(${p.dir}/agents.map)] if { req.hdr(user-agent),map_reg(${p.dir}/agents.map) -m found }
    use_backend %[req.hdr(host),lower,map(${p.dir}/hosts.map)] if { req.hdr(host),lower,map(${p.dir}/hosts.map) -m found }
    use_backend %[path,map_beg(${p.dir}/paths.map)]
    use_backend api if { path_beg /after-miss }
    default_backend web
${['api', 'static', 'v2', 'shop', 'blog', 'fallback'].map((n) => `backend ${n}\n    server s 127.0.0.1:${p.srv[n]}\n`).join('')}backend web
    balance roundrobin
    server web1 127.0.0.1:${p.srv.web1}
    server web2 127.0.0.1:${p.srv.web2}
backend maint
    server s 127.0.0.1:${p.srv.m} disabled
`,
    steps: [
      { name: 'host ACL, -i', host: 'API.example.com', path: '/x', want: { server: 'api' } },
      { name: 'path_beg list', path: '/images/a.gif', want: { server: 'static' } },
      { name: 'path_end after ||', path: '/a/b.png', want: { server: 'static' } },
      { name: 'url_param and METH_GET', path: '/p?a=1&v=2', want: { server: 'v2' } },
      { name: 'url_param, not GET', method: 'POST', path: '/p?v=2', body: 'x=1', want: { server: 'web1' } },
      { name: 'req.body', method: 'POST', path: '/form', body: 'a=1&b=magic-word&c=3', want: { server: 'v2' } },
      { name: 'env()', path: '/env', want: { server: 'api' } },
      { name: 'map_dom', host: 'www.shop.example.org', path: '/', want: { server: 'api' } },
      { name: 'map_reg', path: '/', headers: [['user-agent', 'curl/8.5.0']], want: { server: 'static' } },
      { name: 'hdr_cnt', path: '/', headers: [['x-multi', 'a'], ['x-multi', 'b']], want: { server: 'v2' } },
      { name: 'req.cook and path_dir', path: '/my/app/page', headers: [['cookie', 'a=b; session=42']], want: { server: 'v2' } },
      { name: 'req.cook absent', path: '/my/app/page', want: { server: 'web2' } },
      { name: 'src -f file', path: '/private/doc', want: { server: 'fallback' } },
      { name: 'src -f with 100k networks', path: '/big/x', want: { server: 'static' } },
      { name: 'nbsrv of a backend in maintenance', path: '/maint', want: { server: 'fallback' } },
      { name: 'srv_is_up', path: '/web1-up', want: { server: 'api' } },
      { name: 'map(host,lower)', host: 'Shop.Example.COM', path: '/', want: { server: 'shop' } },
      { name: 'map miss, map_beg(path) hit', host: 'other.example.com', path: '/blog/post/1', want: { server: 'blog' } },
      { name: 'both maps miss: default_backend', host: 'other.example.com', path: '/', want: { server: 'web1' } },
      { name: 'a dynamic name that names no backend ends the rules', path: '/after-miss', want: { server: 'web2' } },
      { name: 'round robin goes on', path: '/rr', want: { server: 'web1' } },
      { name: 'src -f with 100k networks: a miss', path: '/big/x', from: '127.0.0.2', want: { server: 'web2' } },
    ],
  });
});

test.serial('deny, return, redirect, tarpit, errorfile and http-error replies, http-after-response on them', async (t) => {
  await differential(t, {
    servers: ['app'],
    files: (dir) => {
      writeFileSync(join(dir, '503.http'), 'HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\nx-errorfile: yes\r\ncontent-length: 14\r\n\r\nsorry, custom\n');
      writeFileSync(join(dir, 'teapot.txt'), 'short and stout\n');
    },
    config: (p) => `${DEFAULTS}frontend www
    bind 127.0.0.1:${p.fe[0]}
    timeout tarpit 300ms
    errorfile 503 ${p.dir}/503.http
    http-error status 429 content-type text/plain string "slow down"
    errorloc303 502 /oops
    http-error status 403 content-type text/plain lf-string "no entry for %[src]" hdr x-denied-by hawser
    http-request deny if { path /deny }
    http-request deny deny_status 429 if { path /limit }
    http-request deny status 451 content-type text/plain string "gone for legal reasons" hdr x-reason legal if { path /legal }
    http-request return status 200 content-type application/x-test string "ok" hdr x-answered-by proxy if { path /health }
    http-request return status 418 content-type text/plain file ${p.dir}/teapot.txt if { path /teapot }
    http-request return status 204 if { path /empty }
    http-request return status 200 content-type text/plain lf-string "you are %[src] asking %[path]" if { path /whoami }
    http-request redirect location /new code 301 if { path /old }
    http-request redirect prefix /v2 drop-query if { path_beg /v1/ }
    http-request redirect scheme https code 308 if { path_beg /secure }
    http-request redirect location /login set-cookie SEEN=1 if { path /go-login }
    http-request redirect prefix https://www.example.com code 303 append-slash if { path /dir }
    http-request tarpit if { path /tarpit }
    use_backend empty if { path /nobody }
    http-after-response set-header x-after yes
    http-response set-header x-resp yes
    http-response deny if { status 410 }
    default_backend app
backend app
    server app 127.0.0.1:${p.srv.app}
backend empty
`,
    steps: [
      { name: 'deny with http-error lf-string', path: '/deny', want: { status: 403, fields: ['x-after: yes', 'x-denied-by: hawser'], body: /^no entry for 127\.0\.0\.1$/ } },
      { name: 'deny deny_status with http-error', path: '/limit', want: { status: 429, body: /^slow down$/ } },
      { name: 'deny with a payload and hdr', path: '/legal', want: { status: 451, fields: ['x-reason: legal'] } },
      { name: 'return string with hdr', path: '/health', want: { status: 200, fields: ['x-answered-by: proxy', 'x-after: yes'], body: /^ok$/ } },
      { name: 'return file', path: '/teapot', want: { status: 418, body: /short and stout/ } },
      { name: 'return 204', path: '/empty', want: { status: 204 } },
      { name: 'return lf-string', path: '/whoami', want: { body: /^you are 127\.0\.0\.1 asking \/whoami$/ } },
      { name: 'redirect location 301', path: '/old', want: { status: 301, fields: ['location: /new'] } },
      { name: 'redirect prefix drop-query', path: '/v1/items?page=2', want: { status: 302, fields: ['location: /v2/v1/items'] } },
      { name: 'redirect scheme 308', path: '/secure/a?b=1', want: { status: 308, fields: ['location: https://www.example.com/secure/a?b=1'] } },
      { name: 'redirect set-cookie', path: '/go-login', want: { fields: ['set-cookie: SEEN=1; path=/;'] } },
      { name: 'redirect append-slash 303', path: '/dir', want: { status: 303, fields: ['location: https://www.example.com/dir/'] } },
      { name: 'tarpit', path: '/tarpit', want: { status: 500 } },
      { name: 'errorfile 503 for a backend without servers', path: '/nobody', want: { status: 503, fields: ['x-errorfile: yes', 'x-after: yes'] } },
      { name: 'to the server: response and after-response rules', path: '/page', want: { server: 'app', fields: ['x-resp: yes', 'x-after: yes'] } },
      { name: 'http-response deny with errorloc303', path: '/page?st=410', want: { status: 303, fields: ['location: /oops', 'x-after: yes'] } },
    ],
  });
});

test.serial('header, path, query, method rewrites both ways, variables and converters', async (t) => {
  await differential(t, {
    servers: ['app'],
    config: (p) => `${DEFAULTS}frontend www
    bind 127.0.0.1:${p.fe[0]}
    option forwardfor
    http-request set-var(txn.host) req.hdr(host),lower
    http-request set-header x-host %[var(txn.host)]
    http-request add-header x-added one
    http-request add-header x-added two
    http-request del-header x-drop
    http-request replace-header x-path-info ^/old/(.*) /new/\\1
    http-request replace-value x-list ^b$ B
    http-request set-path /rewritten%[path] if { path_beg /sp/ }
    http-request replace-path /rp/(.*) /replaced/\\1
    http-request set-query q=1&%[query] if { path_beg /sq }
    http-request set-uri /uri-set?x=1 if { path /su }
    http-request set-method PUT if { path /sm }
    http-request set-header x-conv "%[req.hdr(x-in),upper]|%[req.hdr(x-in),base64]|%[req.hdr(x-in),field(2,-)]|%[req.hdr(x-in),word(1,-)]|%[req.hdr(x-in),regsub(a,A,g)]|%[req.hdr(x-in),length]" if { req.hdr(x-in) -m found }
    http-request set-header x-net %[src,ipmask(24)]
    http-request set-header x-first-ua %[req.fhdr(user-agent)]
    http-request set-header x-json %[req.hdr(x-q),json]
    http-request set-header x-num "%[req.hdr(x-n),bool] %[req.hdr(x-n),add(3)] %[req.hdr(x-n),mul(2)]" if { req.hdr(x-n) -m found }
    http-response set-header x-frame-options DENY
    http-response add-header x-resp-added a
    http-response del-header x-internal
    http-response replace-header x-loc ^http://internal(.*) https://public\\1
    http-response set-status 299 reason Custom if { res.hdr(x-make-299) -m found }
    http-response set-header x-status %[status]
    http-after-response set-header strict-transport-security "max-age=31536000"
    http-after-response del-header x-resp-added if { status 299 }
    default_backend app
backend app
    http-request set-header x-backend app
    http-response set-header x-backend-resp app
    server app 127.0.0.1:${p.srv.app}
`,
    steps: [
      {
        name: 'request headers',
        path: '/h',
        host: 'WWW.Example.com',
        headers: [['x-drop', 'secret'], ['x-path-info', '/old/a/b'], ['x-list', 'a, b, c'], ['user-agent', 'first, ua'], ['x-in', 'abc-def'], ['x-q', 'say "hi"\\ now'], ['x-n', '7']],
        want: {
          saw: [
            'x-host: www.example.com', 'x-added: one', 'x-added: two', '!x-drop', 'x-path-info: /new/a/b', 'x-list: a,B, c',
            'x-conv: ABC-DEF|YWJjLWRlZg==|def|abc|Abc-def|7', 'x-net: 127.0.0.0', 'x-first-ua: first, ua', 'x-num: 1 10 14', 'x-backend: app', 'x-forwarded-for: 127.0.0.1',
          ],
        },
      },
      { name: 'set-path', path: '/sp/x?k=v', want: { saw: ['url: /rewritten/sp/x?k=v'] } },
      { name: 'replace-path', path: '/rp/deep/er?k=v', want: { saw: ['url: /replaced/deep/er?k=v'] } },
      { name: 'set-query', path: '/sq?k=v', want: { saw: ['url: /sq?q=1&k=v'] } },
      { name: 'set-uri', path: '/su', want: { saw: ['url: /uri-set?x=1'] } },
      { name: 'set-method', path: '/sm', want: { saw: ['method: PUT'] } },
      {
        name: 'response headers',
        path: '/r?rh=x-internal:1&rh=x-loc:http://internal/where',
        want: { fields: ['x-frame-options: DENY', 'x-resp-added: a', 'x-loc: https://public/where', 'x-status: 200', 'strict-transport-security: max-age=31536000', 'x-backend-resp: app'] },
      },
      { name: 'set-status and after-response on it', path: '/r?rh=x-make-299:1', want: { status: 299, fields: ['x-status: 299'] } },
      { name: 'a server error goes through the response rules', path: '/r?st=404', want: { status: 404, fields: ['x-status: 404'] } },
    ],
  });
});

/** Until every probe of the `path` goes to `server` four times in a row (a health check took the other down). */
async function settle(fe: number[], path: string, server: string): Promise<void> {
  const deadline = Date.now() + 8000;
  let inARow = 0;
  while (inARow < 4) {
    if (Date.now() > deadline) throw new Error(`${path} never settled on ${server}`);
    const s = await observe(fe, { name: 'probe', path });
    inARow = s.server === server ? inARow + 1 : 0;
    if (inARow === 0) await new Promise((r) => setTimeout(r, 100));
  }
}

test.serial('cookie persistence: insert, prefix, rewrite, postonly, option persist, force-persist, ignore-persist, redispatch', async (t) => {
  await differential(t, {
    servers: ['a', 'b', 't1', 't2'],
    config: (p) => `${DEFAULTS}frontend www
    bind 127.0.0.1:${p.fe[0]}
    use_backend ins if { path_beg /ins }
    use_backend pre if { path_beg /pre }
    use_backend rw if { path_beg /rw }
    use_backend post if { path_beg /post }
    use_backend persist if { path_beg /persist }
    use_backend force if { path_beg /force }
    use_backend redis if { path_beg /redis }
    use_backend life if { path_beg /life }
backend ins
    cookie SRV insert indirect nocache httponly secure domain .example.com
    server a 127.0.0.1:${p.srv.a} cookie A
    server b 127.0.0.1:${p.srv.b} cookie B
backend pre
    cookie JSESSIONID prefix
    server tomcat1 127.0.0.1:${p.srv.t1} cookie tomcat1
    server tomcat2 127.0.0.1:${p.srv.t2} cookie tomcat2
backend rw
    cookie SRV rewrite
    server a 127.0.0.1:${p.srv.a} cookie A
    server b 127.0.0.1:${p.srv.b} cookie B
backend post
    cookie SRV insert postonly
    server a 127.0.0.1:${p.srv.a} cookie A
    server b 127.0.0.1:${p.srv.b} cookie B
backend persist
    option persist
    cookie SRV insert
    server a 127.0.0.1:${p.srv.a} cookie A check port ${p.closed} inter 100ms fall 1 rise 1
    server b 127.0.0.1:${p.srv.b} cookie B
backend force
    cookie SRV insert
    force-persist if { hdr(x-force) -m found }
    ignore-persist if { path_beg /force/static }
    server a 127.0.0.1:${p.srv.a} cookie A check port ${p.closed} inter 100ms fall 1 rise 1
    server b 127.0.0.1:${p.srv.b} cookie B
backend redis
    retries 1
    option redispatch
    cookie SRV insert indirect
    server gone 127.0.0.1:${p.closed} cookie G
    server b 127.0.0.1:${p.srv.b} cookie B
backend life
    cookie SRV insert indirect preserve maxidle 30m maxlife 2h
    server a 127.0.0.1:${p.srv.a} cookie A
    server b 127.0.0.1:${p.srv.b} cookie B
`,
    ready: async (fe) => {
      await settle(fe, '/persist/probe', 'b');
      await settle(fe, '/force/probe', 'b');
    },
    steps: [
      { name: 'insert: first visit', path: '/ins/1', want: { server: 'a', fields: ['set-cookie: SRV=A; path=/; domain=.example.com; HttpOnly; Secure'] } },
      { name: 'insert: the cookie wins, indirect hides it', path: '/ins/2', headers: [['cookie', 'x=1; SRV=A; y=2']], want: { server: 'a', saw: ['cookie: x=1; y=2'] } },
      { name: 'insert: an unknown value is replaced', path: '/ins/3', headers: [['cookie', 'SRV=Z']], want: { server: 'b', fields: ['set-cookie: SRV=B; path=/; domain=.example.com; HttpOnly; Secure'] } },
      { name: 'nocache: private on what a cache would keep (max-age)', path: '/ins/c?rh=cache-control:max-age%3D60', want: { server: 'a', fields: ['cache-control: private'] } },
      { name: 'nocache: private on what a cache would keep (ETag)', path: '/ins/c?rh=etag:"v1"', want: { server: 'b', fields: ['cache-control: private'] } },
      { name: 'nocache: not on what says public without a lifetime', path: '/ins/c?rh=cache-control:public', want: { server: 'a', fields: ['cache-control: public'] } },
      { name: 'prefix: out', path: '/pre/login?rh=set-cookie:JSESSIONID=abc;%20Path=/', want: { server: 't1', fields: ['set-cookie: JSESSIONID=tomcat1~abc; Path=/'] } },
      { name: 'prefix: back', path: '/pre/cart', headers: [['cookie', 'JSESSIONID=tomcat2~xyz']], want: { server: 't2', saw: ['cookie: JSESSIONID=xyz'] } },
      { name: 'rewrite: the server sets it', path: '/rw/1?rh=set-cookie:SRV=app-value', want: { fields: ['set-cookie: SRV=A'] } },
      { name: 'rewrite: persistence on it', path: '/rw/2', headers: [['cookie', 'SRV=B']], want: { server: 'b', saw: ['cookie: SRV=B'] } },
      { name: 'postonly: GET gets no cookie', path: '/post/1', want: { server: 'a' } },
      { name: 'postonly: POST does', method: 'POST', path: '/post/2', body: 'x', want: { server: 'b', fields: ['set-cookie: SRV=B; path=/'] } },
      { name: 'option persist: to the down server', path: '/persist/1', headers: [['cookie', 'SRV=A']], want: { server: 'a' } },
      { name: 'no option persist: redispatched from the down server', path: '/force/1', headers: [['cookie', 'SRV=A']], want: { server: 'b', fields: ['set-cookie: SRV=B; path=/'] } },
      { name: 'force-persist', path: '/force/2', headers: [['cookie', 'SRV=A'], ['x-force', '1']], want: { server: 'a' } },
      { name: 'force-persist comes first', path: '/force/static/x', headers: [['cookie', 'SRV=A'], ['x-force', '1']], want: { server: 'a' } },
      { name: 'ignore-persist', path: '/force/static/x', headers: [['cookie', 'SRV=A']], want: { server: 'b' } },
      { name: 'redispatch: the cookie follows', path: '/redis/1', headers: [['cookie', 'SRV=G']], want: { status: 200, server: 'b', fields: ['set-cookie: SRV=B; path=/'] } },
      { name: 'maxidle/maxlife: dates in the cookie', path: '/life/1', want: { server: 'a', fields: ['set-cookie: SRV=A|<dates>; path=/'] } },
      { name: 'maxidle/maxlife: a cookie without dates is taken, and dated', path: '/life/2', headers: [['cookie', 'SRV=B']], want: { server: 'b', fields: ['set-cookie: SRV=B|<dates>; path=/'] } },
    ].map((s) => s as Step),
  });
});

test.serial('tcp-request connection and content rules, in http and tcp mode', async (t) => {
  const backend = await tcpServer(t, (s) => s.once('data', (d) => s.end(`tcp got ${d.toString('latin1')}`)));
  await differential(t, {
    servers: ['app'],
    frontends: 2,
    config: (p) => `${DEFAULTS}frontend www
    bind 127.0.0.1:${p.fe[0]}
    tcp-request inspect-delay 1s
    tcp-request connection reject if { src 127.0.0.2 }
    tcp-request content reject if { req.hdr(x-evil) -m found }
    tcp-request content accept if HTTP
    default_backend app
backend app
    server app 127.0.0.1:${p.srv.app}
frontend tcpfe
    mode tcp
    bind 127.0.0.1:${p.fe[1]}
    tcp-request inspect-delay 2s
    tcp-request content reject if { req.payload(0,4) -m str EVIL }
    tcp-request content accept if { req.len ge 4 }
    default_backend tcpbe
backend tcpbe
    mode tcp
    server t 127.0.0.1:${backend.port}
`,
    steps: [
      { name: 'http: accepted', path: '/ok', want: { server: 'app' } },
      { name: 'http: connection reject by source', path: '/ok', from: '127.0.0.2', want: { status: 'closed' } },
      { name: 'http: content reject on a header', path: '/ok', headers: [['x-evil', '1']], want: { status: 'closed' } },
      { name: 'tcp: forwarded', fe: 1, raw: 'GOOD data', want: { body: /^tcp got GOOD data$/ } },
      { name: 'tcp: content reject', fe: 1, raw: 'EVIL data', want: { status: 'closed' } },
    ],
  });
});

function passwd(flag: string, salt: string, pass: string): string {
  return execFileSync('openssl', ['passwd', flag, '-salt', salt, pass], { encoding: 'utf8' }).trim();
}

test.serial('http-request auth with userlists: SHA-512, SHA-256, MD5 crypt and insecure passwords, groups', async (t) => {
  const basic = (u: string, p: string): [string, string] => ['authorization', `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`];
  await differential(t, {
    servers: ['app'],
    config: (p) => `${DEFAULTS}userlist L
    group admin users carol
    group ops users bob
    user alice password ${passwd('-6', 'NaClNaCl', 'wonderland')} groups admin
    user bob password ${passwd('-5', 'pepper', 'builder')}
    user carol password ${passwd('-1', 'md5salt', 'carol-pw')}
    user dave insecure-password plain groups admin,ops
frontend www
    bind 127.0.0.1:${p.fe[0]}
    acl authed http_auth(L)
    acl admins http_auth_group(L) admin
    http-request auth realm Private if { path_beg /private } !authed
    http-request auth if { path_beg /admin } !admins
    http-request set-header x-user %[http_auth_user] if authed
    http-request del-header authorization
    default_backend app
backend app
    server app 127.0.0.1:${p.srv.app}
`,
    steps: [
      { name: 'no credentials', path: '/private/x', want: { status: 401, fields: ['www-authenticate: Basic realm="Private"'] } },
      { name: '$6$', path: '/private/x', headers: [basic('alice', 'wonderland')], want: { server: 'app', saw: ['x-user: alice', '!authorization'] } },
      { name: '$6$, wrong password', path: '/private/x', headers: [basic('alice', 'Wonderland')], want: { status: 401 } },
      { name: '$5$', path: '/private/x', headers: [basic('bob', 'builder')], want: { server: 'app' } },
      { name: '$1$', path: '/private/x', headers: [basic('carol', 'carol-pw')], want: { server: 'app' } },
      { name: 'insecure-password', path: '/private/x', headers: [basic('dave', 'plain')], want: { server: 'app' } },
      { name: 'unknown user', path: '/private/x', headers: [basic('eve', 'plain')], want: { status: 401 } },
      { name: 'group: member', path: '/admin/', headers: [basic('alice', 'wonderland')], want: { server: 'app' } },
      { name: 'group: not a member, default realm is the proxy', path: '/admin/', headers: [basic('bob', 'builder')], want: { status: 401, fields: ['www-authenticate: Basic realm="www"'] } },
      { name: 'group through `group users`', path: '/admin/', headers: [basic('carol', 'carol-pw')], want: { server: 'app' } },
      { name: 'not Basic', path: '/private/x', headers: [['authorization', 'Bearer abc']], want: { status: 401 } },
    ],
  });
});
