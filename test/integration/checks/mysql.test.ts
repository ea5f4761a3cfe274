// mysql-check against a real MariaDB server made for the test
// (mariadb-install-db into a temp dir, its own port and socket), with a
// check user that has no password, as HAProxy's manual asks.

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScript, scriptFor } from '../../../src/checks/index.ts';
import { daemon, freePort, requireBinary, run, tempDir, waitForOutput, waitForPort } from './servers.ts';

const timing = { inter: 2000, timeoutConnect: 1000, timeoutCheck: 1000 };

test('mysql-check: handshake, authentication as the check user, errors with their MySQL codes', async (t) => {
  const install = requireBinary('mariadb-install-db', 'mariadb-server');
  const mariadbd = requireBinary('mariadbd', 'mariadb-server');
  const dir = tempDir(t, 'mariadb');
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  run(install, ['--no-defaults', `--datadir=${data}`, ...asRoot, '--auth-root-authentication-method=normal', '--skip-test-db']);
  const init = join(dir, 'init.sql');
  writeFileSync(init, "CREATE USER 'haproxy'@'127.0.0.1';\nCREATE USER 'haproxy'@'localhost';\n");
  const port = await freePort();
  const child = daemon(t, mariadbd, [
    '--no-defaults', `--datadir=${data}`, `--socket=${join(dir, 'sock')}`, `--port=${port}`, '--bind-address=127.0.0.1',
    ...asRoot, `--init-file=${init}`, '--skip-log-bin', '--innodb-buffer-pool-size=16M',
  ]);
  await waitForOutput(child, /ready for connections/, 30_000);
  await waitForPort(port, child);
  const mycheck = (user?: string, post41 = true) =>
    runScript(scriptFor({ kind: 'mysql', user, post41 }), { host: '127.0.0.1', port }, timing);

  const ok = await mycheck('haproxy');
  t.like(ok, { ok: true, status: 'L7OK', code: 0 });
  t.regex(ok.info, /^5\.5\.5-10\.[0-9]+\.[0-9]+-MariaDB/, 'the server version from the handshake');
  t.like(await mycheck('haproxy', false), { ok: true, status: 'L7OK' }, 'pre-41 packet');
  t.like(await mycheck(), { ok: true, status: 'L7OK' }, 'no user: the handshake alone');
  const denied = await mycheck('nobody');
  t.like(denied, { ok: false, status: 'L7STS', code: 1045 });
  t.regex(denied.info, /^#28000Access denied for user 'nobody'@'(localhost|127\.0\.0\.1)' \(using password: NO\)$/);
});
