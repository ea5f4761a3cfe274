// pgsql-check against a real PostgreSQL 15 cluster made for the test
// (initdb into a temp dir, its own port and socket dir), with pg_hba.conf
// rules for each case: trust, md5, scram-sha-256 and reject.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScript, scriptFor } from '../../../src/checks/index.ts';
import { daemon, freePort, requireBinary, run, tempDir, waitForOutput } from './servers.ts';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const timing = { inter: 2000, timeoutConnect: 1000, timeoutCheck: 1000 };

/** PostgreSQL refuses to run as root: run it as the postgres account then. */
function account(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(run('id', ['-u', 'postgres']).trim());
  const gid = Number(run('id', ['-g', 'postgres']).trim());
  return { uid, gid };
}

test('pgsql-check follows pg_hba.conf: trust, md5 and scram pass, reject fails', async (t) => {
  const initdb = requireBinary(`${PG_BIN}/initdb`, 'postgresql-15');
  const postgres = requireBinary(`${PG_BIN}/postgres`, 'postgresql-15');
  const owner = account();
  const dir = tempDir(t, 'pg');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const r = spawnSync(initdb, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions'],
    { encoding: 'utf8', ...owner, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`);
  writeFileSync(join(data, 'pg_hba.conf'), [
    'local all all trust',
    'host all postgres 127.0.0.1/32 trust',
    'host all md5user 127.0.0.1/32 md5',
    'host all scramuser 127.0.0.1/32 scram-sha-256',
    'host all all 127.0.0.1/32 reject',
    '',
  ].join('\n'));
  const port = await freePort();
  const child = daemon(t, postgres, ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  // The port opens before the cluster is ready ("the database system is starting up").
  await waitForOutput(child, /database system is ready to accept connections/);
  const pgcheck = (user: string) => runScript(scriptFor({ kind: 'pgsql', user }), { host: '127.0.0.1', port }, timing);

  t.like(await pgcheck('postgres'), { ok: true, status: 'L7OK', code: 0, info: 'PostgreSQL server is ok' });
  t.like(await pgcheck('md5user'), { ok: true, info: 'PostgreSQL server is ok' }, 'an MD5 password request means the server is up');
  t.like(await pgcheck('scramuser'), { ok: true, info: 'PostgreSQL server is ok' }, 'so does a SCRAM request (haproxy 2.6.12)');
  t.like(await pgcheck('nobody'), { ok: false, status: 'L7RSP', info: 'FATAL' }, 'pg_hba.conf rejects: an ErrorResponse');
});
