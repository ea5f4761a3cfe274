// hawser's command line, read as haproxy 2.6 reads its own: what each flag
// records, what is refused, and (against the real haproxy) which command
// lines are accepted at all.

import test from 'ava';
import { parseArgs, usageText } from '../../../src/cli/args.ts';
import type { CliErrorCode, CliOptions, ParseResult } from '../../../src/cli/args.ts';
import { memoryDebugHelpText } from '../../../src/cli/debug-memory.ts';
import { runHaproxy } from './reference-haproxy.ts';

const HOST = { hostname: 'lb1' };

function options(...argv: string[]): CliOptions {
  const r = parseArgs(argv, HOST);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(argv)} to parse, got ${r.code}: ${r.message}`);
  return r.options;
}

function failure(...argv: string[]): Extract<ParseResult, { ok: false }> {
  const r = parseArgs(argv, HOST);
  if (r.ok) throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
  return r;
}

test('-f takes a file or a directory, several times, in order, plus everything after --', (t) => {
  t.deepEqual(options('-f', 'a.cfg', '-f', '/etc/hawser/conf.d', '--', 'b.cfg', '-c').configFiles,
    ['a.cfg', '/etc/hawser/conf.d', 'b.cfg', '-c']);
  // The value is always the next argument, even when it starts with '-'.
  t.deepEqual(options('-f', '-weird.cfg').configFiles, ['-weird.cfg']);
});

test('-f has no joined form: like haproxy, letters after -f are ignored and the next argument is the file', (t) => {
  t.deepEqual(options('-fXYZ', 'real.cfg').configFiles, ['real.cfg']);
  t.is(failure('-f/etc/hawser.cfg').code, 'HAWSER_CLI_MISSING_ARGUMENT');
});

test('the default action is to run; -c checks; -cc evaluates and wins over -c', (t) => {
  t.is(options('-f', 'a.cfg').action, 'run');
  t.is(options('-c', '-f', 'a.cfg').action, 'check');
  t.is(options('-cfoo', '-f', 'a.cfg').action, 'check');
  const cc = options('-c', '-cc', 'version_atleast(2.4)');
  t.is(cc.action, 'check-condition');
  t.is(cc.condition, 'version_atleast(2.4)');
  // The condition is taken whatever it looks like.
  t.is(options('-cc', '-1').condition, '-1');
});

test('-v and -vv answer at once, whatever follows', (t) => {
  t.is(options('-v').action, 'version');
  t.is(options('-vv').action, 'full-version');
  t.is(options('-vfoo').action, 'version');
  t.is(options('-v', '--bogus', 'stray').action, 'version');
  t.is(failure('--bogus', '-v').code, 'HAWSER_CLI_UNKNOWN_OPTION');
});

test('-d, -db, -D, -W, -Ws, -q, -V record their modes', (t) => {
  const none = options('-f', 'a');
  t.false(none.debug || none.foreground || none.daemon || none.masterWorker || none.systemd || none.quiet || none.verbose);
  t.true(options('-d', '-f', 'a').debug);
  const db = options('-db', '-f', 'a');
  t.true(db.foreground);
  t.false(db.debug);
  t.true(options('-D', '-f', 'a').daemon);
  const w = options('-W', '-f', 'a');
  t.true(w.masterWorker);
  t.false(w.systemd);
  const ws = options('-Ws', '-f', 'a');
  t.true(ws.masterWorker && ws.systemd && ws.foreground);
  t.true(options('-q', '-f', 'a').quiet);
  t.true(options('-V', '-f', 'a').verbose);
});

test('the -d debug flags are recorded; an unknown -dX means -d, as in haproxy', (t) => {
  const o = options('-de', '-dp', '-dS', '-dG', '-dR', '-dV', '-dr', '-dL', '-dW', '-dD', '-dKcfg,acl', '-f', 'a');
  t.deepEqual(o.disabled, { epoll: true, poll: true, splice: true, getaddrinfo: true, reuseport: true });
  t.true(o.sslVerifyNone && o.resolveDontFail && o.dumpLibs && o.zeroWarning && o.diagnostic);
  t.is(o.dumpKeywords, 'cfg,acl');
  t.false(o.debug);
  t.is(options('-dK', '-f', 'a').dumpKeywords, '');
  t.true(options('-dZ', '-f', 'a').debug);
  t.true(options('-dk', '-f', 'a').debug);
});

test('-dM is checked like haproxy\'s and recorded; -dMhelp answers at once', (t) => {
  t.deepEqual(options('-dM', '-dM0x41', '-dM0,no-cache,caller', '-f', 'a').memoryDebug, ['', '0x41', '0,no-cache,caller']);
  const bad = failure('-dMzz', '-f', 'a');
  t.is(bad.code, 'HAWSER_CLI_BAD_DEBUG_MEMORY');
  t.is(bad.exitCode, 1);
  t.regex(bad.message, /-dM: unknown pool debugging feature <zz>/);
  t.is(options('-dMno-cache,help', 'ignored').action, 'memory-debug-help');
  t.regex(memoryDebugHelpText(), /no effect/);
  t.regex(memoryDebugHelpText(), /no-cache/);
});

test('-L names the local node, defaulting to the host name', (t) => {
  const d = options('-f', 'a');
  t.is(d.localPeer, 'lb1');
  t.false(d.localPeerFromCommandLine);
  const l = options('-L', 'lb2', '-f', 'a');
  t.is(l.localPeer, 'lb2');
  t.true(l.localPeerFromCommandLine);
});

test('-p, -C, -n, -N, -m record their values', (t) => {
  const o = options('-p', '/run/hawser.pid', '-C', '/etc/hawser', '-n', '20000', '-N', '3000', '-m', '512', '-f', 'a');
  t.is(o.pidFile, '/run/hawser.pid');
  t.is(o.changeDir, '/etc/hawser');
  t.is(o.maxconn, 20000);
  t.is(o.maxpconn, 3000);
  t.is(o.memoryLimitMegs, 512);
});

test('-n, -N and -m refuse what is not a number (haproxy would read 0)', (t) => {
  for (const flag of ['-n', '-N', '-m']) {
    const r = failure(flag, 'lots', '-f', 'a');
    t.is(r.code, 'HAWSER_CLI_BAD_NUMBER');
    t.is(r.exitCode, 1);
    t.regex(r.message, new RegExp(`${flag} expects a number, not 'lots'`));
  }
});

test('-sf and -st take every following argument up to the next option', (t) => {
  const sf = options('-f', 'a', '-sf', '101', '102 ', '-d');
  t.deepEqual(sf.oldPids, [101, 102]);
  t.is(sf.oldPidsSignal, 'SIGUSR1');
  t.true(sf.debug);
  const st = options('-sf', '7', '-st', '8', '-f', 'a');
  t.deepEqual(st.oldPids, [7, 8]);
  t.is(st.oldPidsSignal, 'SIGTERM');
  t.deepEqual(options('-sf', '-f', 'a').oldPids, []);
  t.is(options('-sfx', '5', '-f', 'a').oldPidsSignal, 'SIGUSR1');
});

test('-sf refuses what is not a process id', (t) => {
  const bytes = failure('-sf', '12', '3x', '-f', 'a');
  t.is(bytes.code, 'HAWSER_CLI_BAD_PID');
  t.regex(bytes.message, /-sf option: some bytes unconsumed in PID list \{x\}/);
  t.false(bytes.showVersion);
  // haproxy's usage screen for 0, like for a negative number (which ends the list, then is an unknown option).
  t.true(failure('-st', '0', '-f', 'a').showVersion);
  t.is(failure('-sf', '99999999999', '-f', 'a').code, 'HAWSER_CLI_BAD_PID');
  // The file after -sf is read as a PID: in haproxy too, PIDs come last.
  t.is(failure('-sf', '12', 'a.cfg').code, 'HAWSER_CLI_BAD_PID');
});

test('-x and -S take the next argument; -x twice warns', (t) => {
  const o = options('-x', '/run/old.sock', '-S', '/run/master.sock,mode,600', '-S', '127.0.0.1:9999', '-f', 'a');
  t.is(o.socketTransfer, '/run/old.sock');
  t.deepEqual(o.masterCli, ['/run/master.sock,mode,600', '127.0.0.1:9999']);
  t.deepEqual(o.warnings, []);
  const twice = options('-x', 'a', '-x', 'b', '-f', 'c');
  t.is(twice.socketTransfer, 'b');
  t.deepEqual(twice.warnings, ['-x option already set, overwriting the value']);
  t.regex(failure('-f', 'a', '-x').message, /Unix socket path expected with the -x flag/);
  t.regex(failure('-f', 'a', '-S').message, /Socket and optional bind parameters expected with the -S flag/);
});

test('unknown flags, stray arguments and a missing configuration get the usage screen and exit 1', (t) => {
  const table: [string[], CliErrorCode][] = [
    [['-zz', '-f', 'a'], 'HAWSER_CLI_UNKNOWN_OPTION'],
    [['--config', 'a'], 'HAWSER_CLI_UNKNOWN_OPTION'],
    [['-'], 'HAWSER_CLI_UNKNOWN_OPTION'],
    [['-sx'], 'HAWSER_CLI_UNKNOWN_OPTION'],
    [['a.cfg'], 'HAWSER_CLI_UNEXPECTED_ARGUMENT'],
    [[''], 'HAWSER_CLI_UNEXPECTED_ARGUMENT'],
    [['-h'], 'HAWSER_CLI_USAGE'],
    [['--help'], 'HAWSER_CLI_USAGE'],
    [[], 'HAWSER_CLI_NO_CONFIG'],
    [['-c'], 'HAWSER_CLI_NO_CONFIG'],
    [['-d', '-L', 'x'], 'HAWSER_CLI_NO_CONFIG'],
    [['-cc'], 'HAWSER_CLI_MISSING_ARGUMENT'],
    [['-f'], 'HAWSER_CLI_MISSING_ARGUMENT'],
    [['-f', 'a', '-L'], 'HAWSER_CLI_MISSING_ARGUMENT'],
  ];
  for (const [argv, code] of table) {
    const r = failure(...argv);
    t.is(r.code, code, argv.join(' '));
    t.is(r.exitCode, 1);
    t.true(r.showVersion);
    t.true(r.message.endsWith(usageText()), argv.join(' '));
  }
  t.regex(failure('-zz', '-f', 'a').message, /^HAWSER_CLI_UNKNOWN_OPTION unknown option '-zz'\n/);
  t.is(failure('-h').message, usageText());
});

test('the usage screen has haproxy\'s layout and lists every flag hawser accepts', async (t) => {
  const ref = await runHaproxy(['-h']);
  const refLines = ref.stderr.trimEnd().split('\n');
  const ours = usageText().trimEnd().split('\n');
  t.is(ours.length, refLines.length);
  t.is(ours[0], refLines[0]!.replace('haproxy', 'hawser'));
  // Same flags, in the same order, each line starting at the same column.
  const flagOf = (l: string): string => l.trim().split(/[ [{]/)[0]!;
  t.deepEqual(ours.slice(2).map(flagOf), refLines.slice(2).map(flagOf));
  t.deepEqual(ours.map((l) => l.search(/\S/)), refLines.map((l) => l.search(/\S/)));
});

// Command lines whose acceptance haproxy decides at parse time. With "-cc 1"
// in front, haproxy exits 0 when it accepts the rest and 1 when it does not.
const ACCEPTANCE = [
  [], ['-f', 'x'], ['-fabc', 'x'], ['-fabc'], ['-c'], ['-cx'], ['-d'], ['-dZ'], ['-db'],
  ['-de', '-dp', '-dS', '-dG', '-dR', '-dV', '-dr', '-dL', '-dW', '-dD'], ['-dK'], ['-dKcfg'],
  ['-dM'], ['-dM0x41'], ['-dM0,no-cache,caller'], ['-dMzz'], ['-dMhelp'], ['-dMno-cache,help'], ['-dMzz,help'],
  ['-D'], ['-W'], ['-Ws'], ['-Wx'], ['-q'], ['-V'], ['-Vx'], ['-x'], ['-x', 's'], ['-x', 's', '-x', 't'],
  ['-S'], ['-S', '/tmp/hawser-test-unused.sock'], ['-sf'], ['-sf', '12', '34'], ['-st', '12'], ['-sf', '12', 'ab'],
  ['-sf', '0'], ['-sf', '-12'], ['-sfx', '1'], ['-sx'], ['-'], ['--'], ['--', 'a', '-b'], ['--x'],
  ['-n', '100'], ['-N', '10'], ['-m', '64'], ['-L', 'node1'], ['-Lfoo', 'bar'], ['-L'], ['-p', '/tmp/p'],
  ['-h'], ['--help'], ['foo'], [''], ['-v', '-zz'], ['-zz', '-v'], ['-vx'], ['-n'],
];

test('hawser accepts and refuses the same command lines as haproxy 2.6', async (t) => {
  const runs = await Promise.all(ACCEPTANCE.map((argv) => runHaproxy(['-cc', '1', ...argv])));
  ACCEPTANCE.forEach((argv, i) => {
    const r = parseArgs(['-cc', '1', ...argv], HOST);
    const ours = r.ok ? 0 : r.exitCode;
    t.is(ours, runs[i]!.code, `-cc 1 ${argv.join(' ')}`);
  });
});
