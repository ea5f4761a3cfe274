// `hawser ctl [-S SOCKET] COMMAND...`: a friendly client for the local stats
// socket, so operators need not remember socat's syntax. Sends one line,
// prints the answer without its closing blank line.

import { connect } from 'node:net';

export const DEFAULT_CTL_SOCKET = '/run/hawser/admin.sock';

/** Runs the client; resolves with the exit code (0 ok, 1 connection failure, 2 usage). */
export async function runCtl(args: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let path = process.env.HAWSER_SOCKET ?? DEFAULT_CTL_SOCKET;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if ((args[i] === '-S' || args[i] === '--socket') && i + 1 < args.length) path = args[++i];
    else words.push(args[i]);
  }
  if (words.length === 0) {
    err.write('usage: hawser ctl [-S SOCKET] COMMAND... (e.g. hawser ctl show stat)\n');
    return 2;
  }
  const tcp = /^(?:ipv4@)?([\d.]+):(\d+)$/.exec(path);
  return new Promise((resolve) => {
    const sock = tcp ? connect({ host: tcp[1], port: Number(tcp[2]) }) : connect({ path });
    let answer = '';
    sock.setEncoding('latin1');
    sock.setTimeout(30_000, () => sock.destroy(new Error('timed out')));
    sock.on('connect', () => sock.end(words.join(' ') + '\n'));
    sock.on('data', (d: string) => (answer += d));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      err.write(`hawser ctl: ${path}: ${e.code ?? e.message}\n`);
      resolve(1);
    });
    sock.on('close', (hadError) => {
      if (hadError) return;
      out.write(answer.endsWith('\n\n') ? answer.slice(0, -1) : answer);
      resolve(/^(Permission denied|Unknown command|No such|Require )/m.test(answer) ? 1 : 0);
    });
  });
}
