// redis-check against a real redis-server started for the test.

import test from 'ava';
import net from 'node:net';
import { runScript, scriptFor } from '../../../src/checks/index.ts';
import { daemon, freePort, requireBinary, tempDir, waitForOutput } from './servers.ts';

const timing = { inter: 2000, timeoutConnect: 1000, timeoutCheck: 300 };

async function redis(t: import('ava').ExecutionContext, extra: string[] = []): Promise<number> {
  const bin = requireBinary('redis-server', 'redis-server');
  const port = await freePort();
  const dir = tempDir(t, 'redis');
  const child = daemon(t, bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra]);
  // No probe connection: with --maxclients 1 it could still count when the test's client arrives.
  await waitForOutput(child, /Ready to accept connections/);
  return port;
}

test('a running redis passes: "Redis server is ok"', async (t) => {
  const port = await redis(t);
  t.like(await runScript(scriptFor({ kind: 'redis' }), { host: '127.0.0.1', port }, timing),
    { ok: true, status: 'L7OK', code: 0, info: 'Redis server is ok' });
});

test('a redis asking for a password fails (HAProxy waits for +PONG until the check timeout)', async (t) => {
  const port = await redis(t, ['--requirepass', 'secret']);
  t.like(await runScript(scriptFor({ kind: 'redis' }), { host: '127.0.0.1', port }, timing),
    { ok: false, status: 'L7TOUT' });
});

test('a full redis answers an error line and closes: wrong status with its text', async (t) => {
  const port = await redis(t, ['--maxclients', '1']);
  const holder = net.connect({ host: '127.0.0.1', port });
  holder.on('error', () => {});
  t.teardown(() => holder.destroy());
  // Once it has answered, redis counts this client: the next one is one too many.
  holder.write('PING\r\n');
  const first = await new Promise<Buffer>((resolve) => holder.once('data', resolve));
  t.is(first.toString(), '+PONG\r\n', 'the first client is served');
  t.like(await runScript(scriptFor({ kind: 'redis' }), { host: '127.0.0.1', port }, timing),
    { ok: false, status: 'L7STS', code: 0, info: '-ERR max number of clients reached' });
});

test('a stopped redis is a layer 4 connection problem', async (t) => {
  const port = await freePort();
  t.like(await runScript(scriptFor({ kind: 'redis' }), { host: '127.0.0.1', port }, timing),
    { ok: false, status: 'L4CON', info: 'Connection refused' });
});
