// Under systemd, journald reads a `<N>` at the start of each line as its
// priority; Hawser adds it when its stdout/stderr is the stream named by
// JOURNAL_STREAM, and only then. Here the "journal stream" is a file whose
// device:inode the test puts in JOURNAL_STREAM, as systemd does with its
// socket: the real hawser runs, its events and diagnostics are read back.

import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HAWSER_BIN } from '../support/hawser-process.ts';
import { freePorts } from '../support/ports.ts';
import { HTTP_DEFAULTS } from '../support/configs.ts';

interface Run {
  out: () => string[];
  err: () => string[];
  exited: Promise<number | string>;
  kill(sig: NodeJS.Signals): void;
}

/** Runs hawser with stdout and stderr in files; JOURNAL_STREAM names `journal` ('out', 'err', or a stranger file). */
function runWithJournal(t: ExecutionContext, args: string[], journal: 'out' | 'err' | 'other'): Run {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-journal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const outFd = openSync(join(dir, 'out'), 'w');
  const errFd = openSync(join(dir, 'err'), 'w');
  const otherFd = openSync(join(dir, 'other'), 'w');
  const id = fstatSync(journal === 'out' ? outFd : journal === 'err' ? errFd : otherFd);
  const child = spawn(process.execPath, [HAWSER_BIN, ...args], {
    env: { ...process.env, JOURNAL_STREAM: `${id.dev}:${id.ino}`, NOTIFY_SOCKET: '' },
    stdio: ['ignore', outFd, errFd],
  });
  for (const fd of [outFd, errFd, otherFd]) closeSync(fd);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const read = (name: string) => () => readFileSync(join(dir, name), 'utf8').split('\n').filter((l) => l !== '');
  return {
    out: read('out'),
    err: read('err'),
    exited: new Promise((r) => child.on('exit', (code, sig) => r(code ?? sig ?? -1))),
    kill: (sig) => child.kill(sig),
  };
}

async function waitForLine(lines: () => string[], pred: (l: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const hit = lines().find(pred);
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`no ${what} within 10 s; got:\n${lines().join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function configFile(t: ExecutionContext, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hawser-journal-cfg-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'hawser.cfg'), text);
  return join(dir, 'hawser.cfg');
}

const runningConfig = (listen: number, dead: number) => `global
    log stdout format raw local0
${HTTP_DEFAULTS}
frontend www
    bind 127.0.0.1:${listen}
    default_backend app

backend app
    server s1 127.0.0.1:${dead} check inter 100ms fall 1
`;

test('events on a journal stdout carry their priority: ready <6>, server down <4>, backend down <3>', async (t) => {
  const [listen, dead] = await freePorts(2);
  const run = runWithJournal(t, ['-f', configFile(t, runningConfig(listen!, dead!))], 'out');
  const ready = await waitForLine(run.out, (l) => l.includes('"event":"ready"'), 'ready event');
  t.true(ready.startsWith('<6>{'), ready);
  const down = await waitForLine(run.out, (l) => l.includes('"event":"server-down"'), 'server-down event');
  t.true(down.startsWith('<4>{'), down);
  const backendDown = await waitForLine(run.out, (l) => l.includes('"event":"backend-down"'), 'backend-down event');
  t.true(backendDown.startsWith('<3>{'), backendDown);
  // What follows the prefix is the same JSON line as without systemd.
  t.is((JSON.parse(down.slice(3)) as { level: string }).level, 'warn');
  run.kill('SIGTERM');
  t.is(await run.exited, 0);
  t.true(run.out().every((l) => /^<[2-7]>\{/.test(l)), run.out().join('\n'));
});

test('hawser -c on a journal stderr: each diagnostic at its own priority, the fatal line at err', async (t) => {
  const cfg = configFile(t, `global
    log stdout format raw local0
frontend www
    mode \\
        http
    balanse roundrobin
`);
  const run = runWithJournal(t, ['-c', '-f', cfg], 'err');
  t.is(await run.exited, 1);
  const err = run.err();
  t.regex(err.find((l) => l.includes('HAWSER_CFG_UNKNOWN_KEYWORD')) ?? '', /^<3>HAWSER_CFG_UNKNOWN_KEYWORD .*hawser\.cfg:6: /, err.join('\n'));
  t.regex(err.find((l) => l.includes('warning:')) ?? '', /^<4>HAWSER_/, err.join('\n'));
  t.regex(err.find((l) => l.includes('Fatal errors')) ?? '', /^<3>\[ALERT\]/, err.join('\n'));
});

test('no prefix when JOURNAL_STREAM names another stream (output redirected away from journald)', async (t) => {
  const [listen, dead] = await freePorts(2);
  const run = runWithJournal(t, ['-f', configFile(t, runningConfig(listen!, dead!))], 'other');
  const down = await waitForLine(run.out, (l) => l.includes('"event":"server-down"'), 'server-down event');
  t.true(down.startsWith('{'), down);
  run.kill('SIGTERM');
  t.is(await run.exited, 0);
  const bad = runWithJournal(t, ['-c', '-f', configFile(t, 'frontend f\n    balanse x\n')], 'other');
  t.is(await bad.exited, 1);
  t.true(bad.err().length > 0 && bad.err().every((l) => !l.startsWith('<')), bad.err().join('\n'));
});
