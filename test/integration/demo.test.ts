// `npm run demo` as the README promises it: two web servers behind hawser,
// the URL printed, requests alternating between the servers.

import test from 'ava';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../support/ports.ts';
import { httpRequest } from '../support/http-client.ts';

test('the demo prints its URL and balances two servers', async (t) => {
  const port = await freePort();
  const demo = spawn(process.execPath, [resolve(import.meta.dirname, '../../demo/demo.ts')], {
    env: { ...process.env, HAWSER_DEMO_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((r) => demo.on('exit', r));
  t.teardown(() => {
    demo.kill('SIGINT');
  });
  let out = '';
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no URL printed: ${out}`)), 15_000);
    demo.stdout.on('data', (d) => {
      out += d;
      if (out.includes(`Open http://127.0.0.1:${port}/`)) {
        clearTimeout(timer);
        ok();
      }
    });
  });
  const a = JSON.parse((await httpRequest(port, '/')).text).server;
  const b = JSON.parse((await httpRequest(port, '/')).text).server;
  t.deepEqual([a, b].sort(), ['web1', 'web2']);
  demo.kill('SIGINT');
  await exited;
});
