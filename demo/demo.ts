// `npm run demo`: two demo web servers and Hawser in front of them, all on
// 127.0.0.1, with the configuration an operator would write. Prints the URL
// to open; Ctrl-C stops everything.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEchoServer } from './echo-server.ts';

const port = Number(process.env.HAWSER_DEMO_PORT ?? 8080);
const backends = await Promise.all([startEchoServer('web1'), startEchoServer('web2')]);
const dir = mkdtempSync(join(tmpdir(), 'hawser-demo-'));
const cfg = join(dir, 'hawser.cfg');
writeFileSync(
  cfg,
  `# Written by npm run demo: the same language as haproxy.cfg.
global
    log stdout format raw local0

defaults
    mode http
    log global
    option httplog
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend www
    bind 127.0.0.1:${port}
    option forwardfor
    default_backend web

backend web
    balance roundrobin
    option httpchk GET /health
    server web1 127.0.0.1:${backends[0].port} check inter 2s
    server web2 127.0.0.1:${backends[1].port} check inter 2s
`,
);

const hawser = spawn(process.execPath, [resolve(import.meta.dirname, '../bin/hawser.ts'), '-f', cfg], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let announced = false;
hawser.stdout.setEncoding('utf8');
hawser.stdout.on('data', (d: string) => {
  process.stdout.write(d);
  if (!announced && d.includes('"event":"ready"')) {
    announced = true;
    process.stdout.write(
      `\nHawser is balancing two web servers (web1, web2).\n` +
        `Open http://127.0.0.1:${port}/ (reload: the "server" field alternates), or: curl -s http://127.0.0.1:${port}/\n` +
        `Configuration: ${cfg}\nCtrl-C to stop.\n\n`,
    );
  }
});

const cleanup = async (code: number): Promise<void> => {
  hawser.kill('SIGINT');
  await Promise.all(backends.map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
};
hawser.on('exit', (code) => void cleanup(code ?? 1));
process.on('SIGINT', () => void cleanup(0));
process.on('SIGTERM', () => void cleanup(0));
