// hatop (Debian's, unchanged) on Hawser's stats socket, in a real terminal
// (tmux): it enters prompt mode, shows the process and every server with
// its state, and its embedded CLI changes a server, which its status view
// and the socket both show. The screen is read with `tmux capture-pane`.

import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHawser } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { socat } from '../support/socat.ts';
import { namedServer } from '../support/backends.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

/** A tmux server of our own (-L), so the test never touches a user's sessions. */
function terminal(t: ExecutionContext, command: string[]) {
  const server = `hawser-test-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', server, ...args], { encoding: 'utf8', timeout: 5000 });
  tmux('new-session', '-d', '-s', 'main', '-x', '160', '-y', '40', ...command);
  t.teardown(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });
  const screen = (): string => tmux('capture-pane', '-p', '-t', 'main');
  return {
    screen,
    keys: (...keys: string[]) => tmux('send-keys', '-t', 'main', ...keys),
    /** Polls the screen (at most 10 s) until `pred` holds; returns the last screen. */
    async until(pred: (s: string) => boolean): Promise<string> {
      let s = '';
      for (let i = 0; i < 100; i++) {
        s = screen();
        if (pred(s)) return s;
        await new Promise((r) => setTimeout(r, 100));
      }
      return s;
    },
  };
}

/** The screen line of server `name` as hatop draws it: name, weight, status, check... */
function serverLine(screen: string, name: string): string[] {
  const line = screen.split('\n').find((l) => l.startsWith(name + ' '));
  return line === undefined ? [] : line.trim().split(/\s+/);
}

test('hatop shows the process and the servers, and its CLI puts a server in maintenance', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-hatop-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'admin.sock');
  const [webPort] = await freePorts(1);
  const a = await namedServer(t, 'a');
  const b = await namedServer(t, 'b');
  const hawser = await startHawser(
    t,
    `global
    stats socket ${sock} mode 600 level admin
    node lb-hatop
${HTTP_DEFAULTS}frontend www
    bind 127.0.0.1:${webPort}
    default_backend app
backend app
    server alpha 127.0.0.1:${a} check inter 300ms
    server beta 127.0.0.1:${b} weight 7
    server gamma 127.0.0.1:1 check inter 300ms fall 1
`,
  );
  const term = terminal(t, ['hatop', '-s', sock, '-i', '1']);
  const first = await term.until((s) => s.includes('>>> app') && serverLine(s, 'gamma')[2] === 'DOWN');
  t.regex(first, /Hawser Version: 0\.1\.0/);
  t.regex(first, new RegExp(`PID: ${hawser.child.pid} `));
  t.regex(first, /Node: lb-hatop /);
  t.regex(first, />>> www\nFRONTEND +0 OPEN/);
  t.deepEqual(serverLine(first, 'alpha').slice(0, 4), ['alpha', '1', 'UP', 'L4OK']);
  // beta has no check: HAProxy's "no check", which hatop draws as "-" and "none".
  t.deepEqual(serverLine(first, 'beta').slice(0, 4), ['beta', '7', '-', 'none']);
  t.deepEqual(serverLine(first, 'gamma').slice(0, 4), ['gamma', '1', 'DOWN', 'L4CON']);

  // hatop's embedded CLI (mode 5) sends the line over the same socket.
  term.keys('5');
  await term.until((s) => s.includes('haproxy command line'));
  term.keys('set server app/alpha state maint', 'Enter');
  await term.until((s) => /> set server app\/alpha state maint\n/.test(s));
  term.keys('Escape', '1');
  const after = await term.until((s) => serverLine(s, 'alpha')[2] === 'MAINT');
  t.deepEqual(serverLine(after, 'alpha').slice(0, 3), ['alpha', '1', 'MAINT']);
  t.regex(await socat(sock, 'show stat\n'), /\napp,alpha,(?:[^,]*,){15}MAINT,/);
  term.keys('q');
});
