// The operator's way to the runtime API: `socat stdio unix:SOCK` with the
// commands on stdin, answered on stdout.

import { execFile } from 'node:child_process';

export function socat(sock: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('socat', ['-t', '2', 'stdio', `unix:${sock}`], { timeout: 5000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin!.end(input);
  });
}
