// Backend switching as operators write it: acl lines, use_backend with
// if/unless, anonymous conditions, pattern files and maps, dynamic backend
// names, in http and tcp mode; and errors reported like every config error.

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect } from 'node:net';
import { echoServers, tcpServer } from '../support/backends.ts';
import { runHawser, startHawser, writeConfig } from '../support/hawser-process.ts';
import { freePort } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

async function who(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return JSON.parse((await httpRequest(port, path, { headers })).text).server;
}

test('acl + use_backend if/unless, anonymous conditions, || and !', async (t) => {
  const [api, web, admin, eu] = await echoServers(t, ['api', 'web', 'admin', 'eu']);
  const port = await freePort();
  await startHawser(
    t,
    `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}
    acl is_api path_beg /api/
    acl is_admin path_beg /admin
    acl from_lo src 127.0.0.0/8
    use_backend admin if is_admin from_lo !{ hdr(x-deny) -m found }
    use_backend eu if { hdr(host) -i eu.example.com } || { req.hdr(x-region) -i eu }
    use_backend api if is_api
    default_backend web
backend api
    server s 127.0.0.1:${api.port}
backend web
    server s 127.0.0.1:${web.port}
backend admin
    server s 127.0.0.1:${admin.port}
backend eu
    server s 127.0.0.1:${eu.port}
`,
  );
  t.is(await who(port, '/api/users'), 'api');
  t.is(await who(port, '/index.html'), 'web');
  t.is(await who(port, '/admin/panel'), 'admin');
  t.is(await who(port, '/admin/panel', { 'x-deny': '1' }), 'web', '! of an anonymous condition');
  t.is(await who(port, '/', { host: 'EU.example.com' }), 'eu', '-i on hdr(host)');
  t.is(await who(port, '/', { 'x-region': 'eu' }), 'eu', 'the other side of ||');
});

test('pattern files (-f) with CIDRs, and use_backend %[req.hdr(host),lower,map(FILE)]', async (t) => {
  const [blocked, a, b, fallback] = await echoServers(t, ['blocked', 'a', 'b', 'fallback']);
  const port = await freePort();
  const cfgFile = writeConfig(
    t,
    `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${port}
    acl blocked src -f BLOCKLIST
    use_backend blocked if blocked { path_beg /private }
    use_backend %[req.hdr(host),lower,map(HOSTMAP)]
    default_backend fallback
backend blocked
    server s 127.0.0.1:${blocked.port}
backend site_a
    server s 127.0.0.1:${a.port}
backend site_b
    server s 127.0.0.1:${b.port}
backend fallback
    server s 127.0.0.1:${fallback.port}
`,
  );
  const dir = dirname(cfgFile);
  writeFileSync(join(dir, 'blocklist.acl'), '# networks not allowed on /private\n10.0.0.0/8\n127.0.0.0/8\n');
  writeFileSync(join(dir, 'hosts.map'), 'a.example.com site_a\nb.example.com site_b\n');
  const text = (await import('node:fs')).readFileSync(cfgFile, 'utf8');
  writeFileSync(cfgFile, text.replace('BLOCKLIST', join(dir, 'blocklist.acl')).replace('HOSTMAP', join(dir, 'hosts.map')));
  const p = runHawser(t, ['-f', cfgFile]);
  await p.waitFor((_l, e) => e?.event === 'ready');
  t.is(await who(port, '/private/x'), 'blocked');
  t.is(await who(port, '/', { host: 'A.Example.com' }), 'a');
  t.is(await who(port, '/', { host: 'b.example.com' }), 'b');
  t.is(await who(port, '/', { host: 'c.example.com' }), 'fallback', 'a map miss names no backend: the rule is skipped');
});

test('tcp mode: route by source address', async (t) => {
  const local = await tcpServer(t, (s) => s.end('local'));
  const other = await tcpServer(t, (s) => s.end('other'));
  const port = await freePort();
  await startHawser(
    t,
    `defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    use_backend local if { src 127.0.0.1 }
    default_backend other
backend local
    server s 127.0.0.1:${local.port}
backend other
    server s 127.0.0.1:${other.port}
`,
  );
  const got = await new Promise<string>((resolve) => {
    let out = '';
    const s = connect({ host: '127.0.0.1', port });
    s.on('data', (d) => (out += d));
    s.on('close', () => resolve(out));
    s.on('error', () => {});
  });
  t.is(got, 'local');
});

test('bad ACLs and rules: file:line, a code, and a did-you-mean, from -c', async (t) => {
  const file = writeConfig(
    t,
    `${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:1
    acl api path_bge /api/
    use_backend app if nosuchacl
    default_backend app
    http-request auth if !{ http_auth(nosuchlist) }
backend app
    server s 127.0.0.1:2
`,
  );
  const p = runHawser(t, ['-c', '-f', file]);
  t.is(await p.exited, 1);
  const err = p.stderr.join('\n');
  t.regex(err, new RegExp(`HAWSER_ACL_\\w+ ${file}:8: error detected while parsing ACL 'api' : .*path_bge.*did you mean 'path_beg'`));
  t.regex(err, new RegExp(`HAWSER_ACL_\\w+ ${file}:9: error detected while parsing switching rule : .*nosuchacl`));
  t.regex(err, new RegExp(`HAWSER_ACL_UNKNOWN_REFERENCE ${file}:11: .*unable to find userlist 'nosuchlist' referenced in arg 1 of ACL keyword 'http_auth'`));
});
