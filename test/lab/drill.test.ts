// The failover drill as an operator runs it: `hawser drill` builds its own
// cluster in namespaces, breaks it and prints a report. A short drill here
// (graceful stop and SIGKILL of the master, 2 nodes) fails on a regression
// of any verdict, and leaves no namespace behind.

import test from 'ava';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const HAWSER = resolve(import.meta.dirname, '../../bin/hawser.ts');

function runDrill(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [HAWSER, 'drill', ...args], { timeout: 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      res({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

async function namespaces(): Promise<string[]> {
  const r = await new Promise<string>((res) => execFile('ip', ['netns', 'list'], (_e, out) => res(out)));
  return r.split('\n').filter((l) => /^hd[0-9a-f]{6}/.test(l));
}

test('a short drill passes every verdict and cleans up', async (t) => {
  t.timeout(150_000);
  const before = await namespaces();
  const r = await runDrill(['--scenarios', 'graceful,kill', '--settle', '1000', '--json']);
  const report = JSON.parse(r.stdout) as { results: Array<{ name: string; verdict: string; why: string[]; firstOkMs: number | null; failed: number }> };
  t.deepEqual(report.results.map((s) => s.name), ['graceful', 'kill']);
  for (const s of report.results) t.is(s.verdict, 'pass', `${s.name}: ${s.why.join('; ')}`);
  const graceful = report.results[0]!;
  t.is(graceful.failed, 0);
  t.true(graceful.firstOkMs !== null && graceful.firstOkMs <= 200, `graceful takeover ${graceful.firstOkMs} ms`);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(await namespaces(), before, 'the drill removed its namespaces');
});

test('a bad flag is refused with the usage', async (t) => {
  const r = await runDrill(['--scenarios', 'meteor']);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown scenario 'meteor'/);
  t.regex(r.stderr, /Usage: hawser drill/);
});
