// The log sinks on real sockets and real processes: UDP syslog datagrams on
// 127.0.0.1, and stdout batching / dropping in a child Node process.
process.env.TZ = 'UTC';

import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { createAccessLogger, LogError, UdpLineSink, type AccessLogTarget } from '../../../src/log/index.ts';

const CHILD = fileURLToPath(new URL('./fixtures/stdout-logger.ts', import.meta.url));
const pos = { file: 'hawser.cfg', line: 3 };

interface Receiver {
  socket: Socket;
  port: number;
  messages: string[];
  /** Resolves once `n` datagrams arrived (rejects after 5 s). */
  waitFor(n: number): Promise<string[]>;
}

async function receiver(t: ExecutionContext): Promise<Receiver> {
  const socket = createSocket('udp4');
  t.teardown(() => socket.close());
  const messages: string[] = [];
  let wake: (() => void) | undefined;
  socket.on('message', (m) => {
    messages.push(m.toString('latin1'));
    wake?.();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    socket,
    port,
    messages,
    waitFor(n: number) {
      return new Promise((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`got ${messages.length} of ${n} datagrams`)), 5000);
        const check = (): void => {
          if (messages.length >= n) {
            clearTimeout(timeout);
            resolve(messages);
          }
        };
        wake = check;
        check();
      });
    },
  };
}

function udpTarget(port: number, extra: Partial<AccessLogTarget>): AccessLogTarget {
  return {
    pos,
    kind: 'udp',
    address: { kind: 'inet', host: '127.0.0.1', port, family: 4 },
    format: 'raw',
    facility: 'local0',
    ...extra,
  };
}

test('the UDP sink sends one newline-terminated datagram per line', async (t) => {
  const rx = await receiver(t);
  const sink = new UdpLineSink('127.0.0.1', rx.port);
  for (let i = 0; i < 5; i++) sink.write(`line ${i}`);
  const got = await rx.waitFor(5);
  t.deepEqual([...got].sort(), ['line 0\n', 'line 1\n', 'line 2\n', 'line 3\n', 'line 4\n']);
  await sink.flush();
  t.is(sink.written, 5);
  t.is(sink.dropped, 0);
  await sink.close();
  sink.write('after close');
  t.is(sink.dropped, 1, 'a closed sink drops');
});

test('the UDP sink resolves a host name once', async (t) => {
  const rx = await receiver(t);
  const sink = new UdpLineSink('localhost', rx.port);
  sink.write('by name');
  const got = await rx.waitFor(1).catch(() => rx.messages);
  // localhost may resolve to ::1 first on some hosts; then nothing reaches the IPv4 receiver.
  if (got.length === 1) t.deepEqual(got, ['by name\n']);
  else t.is(sink.written + sink.dropped, 1);
  await sink.close();
});

test('the access logger fans out with each target\'s header, level filter, level cap and length', async (t) => {
  const [all, filtered, short] = [await receiver(t), await receiver(t), await receiver(t)];
  const now = Date.UTC(2026, 10, 24, 9, 3, 2, 319) + 0.901;
  const logger = createAccessLogger(
    [
      udpTarget(all.port, { format: 'rfc5424', facility: 'local3' }),
      // `log ADDR format short daemon notice err`: info is filtered, emerg is sent as err.
      udpTarget(filtered.port, { format: 'short', facility: 'daemon', level: 'notice', minLevel: 'err' }),
      udpTarget(short.port, { format: 'raw', length: 100 }),
    ],
    { tag: 'hawser', pid: 4242, now: () => now },
  );
  const long = 'L'.repeat(200);
  t.true(logger.accepts('debug'));
  logger.log('info', 'hello');
  logger.log('emerg', 'boom');
  logger.log('warning', long);
  const iso = '2026-11-24T09:03:02.319901+00:00';
  t.deepEqual(await all.waitFor(3), [
    `<158>1 ${iso} - hawser 4242 - - hello\n`,
    `<152>1 ${iso} - hawser 4242 - - boom\n`,
    `<156>1 ${iso} - hawser 4242 - - ${long}\n`,
  ]);
  t.deepEqual(await filtered.waitFor(2), ['<3>boom\n', `<4>${long}\n`]);
  t.deepEqual(await short.waitFor(3), ['hello\n', 'boom\n', 'L'.repeat(100) + '\n'], 'len 100: 100 bytes plus the newline');
  await logger.flush();
  t.is(logger.dropped, 0);
  await logger.close();
});

test('log global stands for the global targets', async (t) => {
  const rx = await receiver(t);
  const logger = createAccessLogger([{ pos, kind: 'global', format: 'raw', facility: 'local0' }], {
    tag: 'hawser',
    pid: 1,
    globalTargets: [udpTarget(rx.port, { format: 'priority' })],
  });
  logger.log('info', 'via global');
  t.deepEqual(await rx.waitFor(1), ['<134>via global\n']);
  await logger.close();
});

test('targets the logger cannot serve are refused before anything opens', (t) => {
  const opts = { tag: 'hawser', pid: 1 };
  const unix = t.throws(() =>
    createAccessLogger([{ pos, kind: 'unix', address: { kind: 'unix', path: '/dev/log' }, format: 'local', facility: 'local0' }], opts),
  ) as LogError;
  t.is(unix.code, 'HAWSER_LOG_UNIX_UNSUPPORTED');
  t.regex(unix.message, /'\/dev\/log': unix datagram sockets are not supported yet/);
  const fac = t.throws(() => createAccessLogger([udpTarget(514, { facility: 'local9' })], opts)) as LogError;
  t.is(fac.code, 'HAWSER_LOG_BAD_FACILITY');
  t.regex(fac.message, /hawser\.cfg:3: unknown log facility 'local9'/);
  const lvl = t.throws(() => createAccessLogger([udpTarget(514, { level: 'loud' })], opts)) as LogError;
  t.is(lvl.code, 'HAWSER_LOG_BAD_LEVEL');
  const glob = t.throws(() => createAccessLogger([{ pos, kind: 'global', format: 'raw', facility: 'local0' }], opts)) as LogError;
  t.is(glob.code, 'HAWSER_LOG_GLOBAL_UNRESOLVED');
  const logger = createAccessLogger([], opts);
  t.is((t.throws(() => logger.log('loud', 'x')) as LogError).code, 'HAWSER_LOG_BAD_LEVEL');
  t.false(logger.accepts('emerg'), 'no target: nothing to format');
  const noticeOnly = createAccessLogger([udpTarget(514, { level: 'notice' })], opts);
  t.true(noticeOnly.accepts('err'));
  t.false(noticeOnly.accepts('info'));
  t.false(noticeOnly.accepts('loud'));
  void noticeOnly.close();
});

interface ChildResult {
  stdout: Buffer;
  reports: Array<Record<string, number | string>>;
  code: number | null;
}

function runChild(args: string[], holdStdoutUntilReport: boolean): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const reports: Array<Record<string, number | string>> = [];
    let err = '';
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out; stderr: ${err}`));
    }, 20_000);
    const reading = (): void => {
      child.stdout.on('data', (b: Buffer) => out.push(b));
    };
    if (!holdStdoutUntilReport) reading();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      err += s;
      let nl: number;
      while ((nl = err.indexOf('\n')) >= 0) {
        const line = err.slice(0, nl);
        err = err.slice(nl + 1);
        try {
          reports.push(JSON.parse(line));
        } catch {
          reports.push({ raw: line });
        }
        if (holdStdoutUntilReport && reports.length === 1) reading();
      }
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ stdout: Buffer.concat(out), reports, code });
    });
  });
}

test('stdout: 10k lines from a child arrive complete and in order, written about once per tick', async (t) => {
  const n = 10_000;
  const { stdout, reports, code } = await runChild(['ordered', String(n)], false);
  t.is(code, 0, JSON.stringify(reports));
  const lines = stdout.toString('latin1').split('\n');
  t.is(lines.pop(), '', 'output ends with a newline');
  t.is(lines.length, n);
  for (let i = 0; i < n; i++) {
    if (!lines[i].startsWith(`line ${i} `)) {
      t.fail(`line ${i} is ${JSON.stringify(lines[i])}`);
      return;
    }
  }
  const r = reports[0];
  t.is(r.written, n);
  t.is(r.dropped, 0);
  // 100 lines per event-loop turn: about 100 writes, far from one per line.
  t.true(Number(r.writeCalls) >= 1 && Number(r.writeCalls) <= 150, `write calls: ${r.writeCalls}`);
});

test('stdout: a reader that stalls costs dropped lines, never a blocked event loop', async (t) => {
  const n = 20_000;
  const size = 300;
  const { stdout, reports, code } = await runChild(['flood', String(n), String(size)], true);
  t.is(code, 0, JSON.stringify(reports));
  const logged = reports.find((r) => r.phase === 'logged');
  const flushed = reports.find((r) => r.phase === 'flushed');
  if (!logged || !flushed) {
    t.fail(JSON.stringify(reports));
    return;
  }
  t.true(Number(logged.dropped) > 0, 'the queue filled while nobody read: lines were dropped');
  t.true(Number(logged.worstLag) < 250, `event loop lag ${logged.worstLag} ms`);
  t.is(Number(flushed.written) + Number(flushed.dropped), n, 'every line is either written or counted as dropped');
  const lines = stdout.toString('latin1').split('\n');
  t.is(lines.pop(), '');
  t.is(lines.length, Number(flushed.written));
  let previous = -1;
  for (const line of lines) {
    const seq = Number(line.slice(0, 10));
    if (line.length !== size || !(seq > previous)) {
      t.fail(`bad line after ${previous}: ${JSON.stringify(line.slice(0, 40))} (${line.length} bytes)`);
      return;
    }
    previous = seq;
  }
  t.pass();
});
