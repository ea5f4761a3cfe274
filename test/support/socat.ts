// The operator's way to the runtime API: `socat stdio ADDR` with the
// commands on stdin, answered on stdout. ADDR is socat's (`unix:PATH`,
// `tcp:HOST:PORT`); a bare path means the UNIX socket at that path.

import { execFile } from 'node:child_process';

export function socat(addr: string, input: string): Promise<string> {
  const target = addr.startsWith('/') ? `unix:${addr}` : addr;
  return new Promise((resolve, reject) => {
    const child = execFile('socat', ['-t', '2', 'stdio', target], { timeout: 5000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    // socat may be gone already (the server refused): its exit status says so, not an EPIPE crash.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);
  });
}
