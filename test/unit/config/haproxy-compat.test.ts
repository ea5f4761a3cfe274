// Hawser's reading of configurations against HAProxy 2.6's own (`haproxy -c`,
// a real process) where haproxy is installed: the good files are valid for
// both, and the bad corpus is refused by both.

import test from 'ava';
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfigText } from '../../../src/config/index.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
const have = haproxy.status === 0 && /version 2\.6\./.test(haproxy.stdout);
const maybe = have ? test : test.skip;

function haproxyCheck(files: string[]): Promise<{ code: number; output: string }> {
  const args = ['-c', ...files.flatMap((f) => ['-f', f])];
  return new Promise((resolve) => {
    execFile('haproxy', args, { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, output: stdout + stderr });
    });
  });
}

const GOOD: string[][] = [
  ['good/full.cfg'],
  ['seeds/01-boilerplate.cfg', 'seeds/02-good-stuff.cfg'],
  ['seeds/01-boilerplate.cfg', 'seeds/05-smtp.cfg'],
];

for (const files of GOOD) {
  maybe(`valid for HAProxy and for Hawser: ${files.join(' + ')}`, async (t) => {
    const paths = files.map((f) => fixtures + f);
    const [h, r] = await Promise.all([haproxyCheck(paths), loadConfig(paths, { env: {}, localName: 'lb1' })]);
    t.is(h.code, 0, h.output);
    t.deepEqual(r.diagnostics, []);
    t.truthy(r.config);
  });
}

/** Bad only for Hawser: warnings HAProxy does not give, made fatal by zero-warning. */
const HAWSER_ONLY = new Set(['zero-warning.cfg']);

maybe('every file of the bad corpus is refused by HAProxy too', async (t) => {
  const names = readdirSync(fixtures + 'bad').filter((n) => n.endsWith('.cfg') && !HAWSER_ONLY.has(n));
  const results = await Promise.all(names.map((n) => haproxyCheck([`${fixtures}bad/${n}`])));
  const accepted = names.filter((_, i) => results[i]!.code === 0);
  t.deepEqual(accepted, []);
  // And Hawser refuses the files HAProxy accepts only because of its own rules.
  for (const n of HAWSER_ONLY) {
    t.is(parseConfigText(readFileSync(`${fixtures}bad/${n}`, 'utf8'), n, { env: {}, localName: 'lb1' }).config, undefined);
  }
});
