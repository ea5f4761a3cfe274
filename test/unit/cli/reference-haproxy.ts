// Runs the installed haproxy 2.6, the reference Hawser's command line must
// match. Missing haproxy is a test failure with an install hint, never a skip.

import { execFile } from 'node:child_process';

export const INSTALL_HINT = 'haproxy 2.6 is the reference for these tests: install it (apt-get install haproxy)';

export interface HaproxyRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `haproxy ...args` with exactly `env` (plus PATH), bounded to 10 s. */
export function runHaproxy(args: string[], env: Record<string, string> = {}): Promise<HaproxyRun> {
  return new Promise((resolve, reject) => {
    execFile('haproxy', args, { env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin', ...env }, timeout: 10_000 },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new Error(INSTALL_HINT));
          return;
        }
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}

/** The text of haproxy's "[ALERT] (pid) : config : ..." line, if any. */
export function alertText(stderr: string): string | undefined {
  const line = stderr.split('\n').find((l) => l.startsWith('[ALERT]'));
  return line?.replace(/^\[ALERT\]\s+\(\d+\) : (config : )?/, '');
}
