// `hawser -v` and `hawser -vv`: haproxy's layout, line for line, so scripts
// that read haproxy's output read ours; the content limited to what Hawser
// really has.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { buildInfo, runningOn } from '../../../src/cli/build-info.ts';
import { FEATURES } from '../../../src/cli/features.ts';
import type { FeatureSet } from '../../../src/cli/features.ts';
import { COMPAT_VERSION, HAWSER_VERSION, fullVersionText, versionText } from '../../../src/cli/version.ts';
import { runHaproxy } from './reference-haproxy.ts';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const FIRST_LINE = (name: string): RegExp => new RegExp(`^${name} version (\\S+) (\\d{4}/\\d{2}/\\d{2}) - \\S`);

const HEADER = /^(Build options|Feature list|Default settings|Available [a-z ]+) :/;

function headers(text: string): string[] {
  return text.split('\n').flatMap((l) => HEADER.exec(l)?.[1] ?? []);
}

test('-v: haproxy\'s three lines, with the version from package.json', async (t) => {
  const ref = (await runHaproxy(['-v'])).stdout.trimEnd().split('\n');
  const ours = versionText(runningOn()).trimEnd().split('\n');
  t.regex(ref[0]!, FIRST_LINE('HAProxy'));
  const m = FIRST_LINE('Hawser').exec(ours[0]!);
  t.truthy(m, ours[0]);
  t.is(m?.[1], pkg.version);
  t.is(HAWSER_VERSION, pkg.version);
  t.true(ours[0]!.includes(`HAProxy ${COMPAT_VERSION} compatible`));
  t.regex(ours[1]!, /^Status: /);
  // Same machine, same uname: the "Running on:" lines are identical.
  t.is(ours.at(-1), ref.find((l) => l.startsWith('Running on:')));
  t.false(versionText().includes('Running on:'));
});

test('-vv: the same sections as haproxy -vv, in the same order', async (t) => {
  const ref = (await runHaproxy(['-vv'])).stdout;
  const ours = fullVersionText(FEATURES, buildInfo());
  t.true(ours.startsWith(versionText(runningOn())));
  t.deepEqual(headers(ours), headers(ref));
  t.deepEqual(headers(ours), [
    'Build options', 'Feature list', 'Default settings', 'Available polling systems',
    'Available multiplexer protocols', 'Available services', 'Available filters',
  ]);
  // Each section but the filters (which follow the services directly) starts after a blank line, as in haproxy.
  const blankBefore = (text: string): boolean[] => {
    const lines = text.split('\n');
    return lines.flatMap((l, i) => (HEADER.test(l) && !l.startsWith('Build options') && !l.startsWith('Available filters')
      ? [lines[i - 1] === ''] : []));
  };
  t.deepEqual(blankBefore(ours), blankBefore(ref));
  t.true(ours.endsWith('\n\n'));
});

test('-vv: every line shape a script may parse matches haproxy\'s', async (t) => {
  const ref = (await runHaproxy(['-vv'])).stdout.split('\n');
  const ours = fullVersionText(FEATURES, buildInfo()).split('\n');
  const shapes: [string, RegExp][] = [
    ['build option', /^ {2}(TARGET|CPU|CC|OPTIONS) +=/],
    ['feature list', /^Feature list : [+-][A-Z0-9_]+( [+-][A-Z0-9_]+)*$/],
    ['default settings', /^ {2}bufsize = \d+, maxrewrite = \d+, maxpollevents = \d+$/],
    ['poller', /^ {1}[ a-z]{10} : pref=[ \d]{3}, {2}test result OK$/],
    ['poller total', /^Total: \d+ \(\d+ usable\), will use \w+\.$/],
    ['multiplexer', /^ {1}[ <>a-z0-9]{10} : mode=[A-Z|]+ +side=[A-Z|]+ +mux=[A-Z0-9]+ +flags=[A-Z_|]*$/],
  ];
  for (const [what, shape] of shapes) {
    t.true(ref.some((l) => shape.test(l)), `haproxy has a ${what} line`);
    t.true(ours.some((l) => shape.test(l)), `hawser has a ${what} line`);
  }
  const mux = (lines: string[]): string[] => lines.filter((l) => / : mode=/.test(l));
  for (const l of mux(ours)) t.is(l.indexOf('mode='), mux(ref)[0]!.indexOf('mode='), l);
  t.true(ours.includes('Available services : none'));
});

test('-vv lists services and filters in haproxy\'s exact format', async (t) => {
  const ref = (await runHaproxy(['-vv'])).stdout;
  const withAddons: FeatureSet = {
    ...FEATURES,
    services: ['prometheus-exporter'],
    filters: [{ tag: 'COMP', name: 'compression' }, { tag: 'OT', name: 'opentracing' }],
  };
  const ours = fullVersionText(withAddons, buildInfo());
  t.true(ours.endsWith('Available services : prometheus-exporter\nAvailable filters :\n\t[COMP] compression\n\t[  OT] opentracing\n\n'));
  t.true(ref.includes('Available services : prometheus-exporter\nAvailable filters :\n'));
  t.true(ref.includes('\t[COMP] compression\n'));
  t.true(ref.includes('\t[  OT] opentracing\n'));
});

test('the feature list uses haproxy\'s names and order, and claims only what Hawser has', async (t) => {
  const ref = /^Feature list : (.*)$/m.exec((await runHaproxy(['-vv'])).stdout)?.[1]?.trim().split(' ') ?? [];
  const refNames = ref.map((f) => f.slice(1));
  const names = FEATURES.flags.map((f) => f.slice(1));
  for (const n of names) t.true(refNames.includes(n), `${n} is one of haproxy's feature names`);
  t.deepEqual(names, [...names].sort((a, b) => refNames.indexOf(a) - refNames.indexOf(b)));
  // Not there yet: TLS, Prometheus, systemd notify, Lua, threads. Compression is node:zlib's.
  t.true(FEATURES.flags.includes('+ZLIB'));
  for (const absent of ['OPENSSL', 'PROMEX', 'SYSTEMD', 'LUA', 'SLZ', 'THREAD', 'QUIC']) {
    t.true(FEATURES.flags.includes(`-${absent}`), `-${absent}`);
  }
  const vv = fullVersionText(FEATURES, buildInfo());
  const opts = /^ {2}OPTIONS = (.*)$/m.exec(vv)?.[1]?.split(' ').filter(Boolean) ?? [];
  t.deepEqual(opts, FEATURES.flags.filter((f) => f[0] === '+').map((f) => `USE_${f.slice(1)}=1`));
  t.false(vv.includes('Built with OpenSSL'));
  t.false(vv.includes('Prometheus exporter'));
  t.true(vv.includes('mux=H1'));
  t.false(vv.includes('mux=H2'));
});
