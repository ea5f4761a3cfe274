// What `hawser -v` and `hawser -vv` print: haproxy's layout, line for line
// and section for section, with Hawser's name and only what Hawser really
// has, so scripts that read `haproxy -vv` ("Feature list :", "Available
// services :", ...) read hawser's output the same way.

import pkg from '../../package.json' with { type: 'json' };
import type { FeatureSet } from './features.ts';

export const HAWSER_VERSION: string = pkg.version;

/** Release date shown by -v, in haproxy's YYYY/MM/DD form. Update it with the version in package.json. */
export const HAWSER_RELEASE_DATE = '2026/11/24';

/**
 * The HAProxy version whose configuration language Hawser implements, which
 * version_atleast() / version_before() compare against (`-cc`, `.if`).
 *
 * Why not Hawser's own version: configurations test the HAProxy version to
 * choose syntax (`.if version_atleast(2.4)` -> use 2.4 keywords), and
 * comparing them with "0.1.0" would take every pre-1.0 branch. Why "2.6" and
 * not a patch release: Hawser follows the 2.6 branch's language, not the
 * bug-for-bug behaviour of one 2.6.x release, so version_atleast(2.6) is
 * true and version_atleast(2.6.1) and version_atleast(2.7) are false.
 */
export const COMPAT_VERSION = '2.6';

/** uname(2)'s fields, for the "Running on:" line. */
export interface RunningOn {
  sysname: string;
  release: string;
  version: string;
  machine: string;
}

/** What -vv reports about the runtime (buildInfo() in build-info.ts reads it from Node). */
export interface BuildInfo {
  runningOn?: RunningOn;
  /** process.version, e.g. "v24.21.0". */
  node: string;
  /** process.platform and process.arch, e.g. "linux" and "x64". */
  platform: string;
  arch: string;
  /** The SSL library's full name ("OpenSSL 3.0.13 30 Jan 2024"), reported once FEATURES has +OPENSSL. */
  sslName?: string;
  /** process.versions.zlib, reported once FEATURES has +ZLIB. */
  zlib?: string;
}

const STATUS = 'Status: development branch - not safe for use in production.';

/**
 * `hawser -v`:
 *
 *   Hawser version 0.1.0 2026/11/24 - HAProxy 2.6 compatible
 *   Status: development branch - not safe for use in production.
 *   Running on: Linux 6.1.0 #1 SMP x86_64
 */
export function versionText(runningOn?: RunningOn): string {
  let text = `Hawser version ${HAWSER_VERSION} ${HAWSER_RELEASE_DATE} - HAProxy ${COMPAT_VERSION} compatible\n` +
    `${STATUS}\n`;
  if (runningOn) {
    text += `Running on: ${runningOn.sysname} ${runningOn.release} ${runningOn.version} ${runningOn.machine}\n`;
  }
  return text;
}

function has(features: FeatureSet, name: string): boolean {
  return features.flags.includes(`+${name}`);
}

/**
 * `hawser -vv`: versionText() then haproxy's build report sections. Pass
 * buildInfo() (build-info.ts) for the "Running on:" line.
 */
export function fullVersionText(
  features: FeatureSet,
  build: BuildInfo = { node: process.version, platform: process.platform, arch: process.arch },
): string {
  const options = features.flags.filter((f) => f.startsWith('+')).map((f) => `USE_${f.slice(1)}=1`).join(' ');
  const lines: string[] = [
    'Build options :',
    `  TARGET  = node-${build.platform}`,
    `  CPU     = ${build.arch}`,
    '  CC      = none (TypeScript run by Node.js type stripping)',
    `  OPTIONS = ${options}`,
    '',
    `Feature list : ${features.flags.join(' ')}`,
    '',
    'Default settings :',
    `  bufsize = ${features.defaults.bufsize}, maxrewrite = ${features.defaults.maxrewrite}, ` +
      `maxpollevents = ${features.defaults.maxpollevents}`,
    '',
    ...builtWith(features, build),
    '',
    ...pollerLines(features),
    '',
    ...muxLines(features),
    '',
  ];
  // haproxy ends "Available services" with its list on the same line, and
  // with " none" plus an extra newline when there is none.
  let text = versionText(build.runningOn) + lines.join('\n') + '\n';
  text += features.services.length === 0
    ? 'Available services : none\n\n'
    : `Available services : ${features.services.join(' ')}\n`;
  text += 'Available filters :\n';
  for (const f of features.filters) text += `\t[${f.tag.padStart(4)}] ${f.name}\n`;
  return text + '\n';
}

function builtWith(features: FeatureSet, build: BuildInfo): string[] {
  const lines = [`Running on Node.js version : ${build.node}`];
  lines.push(has(features, 'THREAD')
    ? 'Built with multi-threading support.'
    : 'Built without multi-threading support (USE_THREAD not set).');
  if (has(features, 'OPENSSL') && build.sslName) {
    lines.push(`Built with OpenSSL version : ${build.sslName}`, `Running on OpenSSL version : ${build.sslName}`);
  }
  if (has(features, 'PROMEX')) lines.push('Built with the Prometheus exporter as a service');
  if (has(features, 'NS')) lines.push('Built with network namespace support.');
  if (has(features, 'ZLIB')) {
    lines.push(
      `Built with zlib version : ${build.zlib ?? 'unknown'}`,
      `Running on zlib version : ${build.zlib ?? 'unknown'}`,
      'Compression algorithms supported : identity("identity"), deflate("deflate"), raw-deflate("deflate"), gzip("gzip"), br("br")',
    );
  } else {
    lines.push('Built without compression support (neither USE_ZLIB nor USE_SLZ are set).', 'Compression algorithms supported : none');
  }
  lines.push(
    "Built without PCRE or PCRE2 support (using JavaScript's RegExp instead)",
    'Encrypted password support via crypt(3): no',
  );
  return lines;
}

function pollerLines(features: FeatureSet): string[] {
  const pollers = [...features.pollers].sort((a, b) => b.pref - a.pref);
  const lines = ['Available polling systems :'];
  for (const p of pollers) lines.push(` ${p.name.padStart(10)} : pref=${String(p.pref).padStart(3)},  test result OK`);
  lines.push(`Total: ${pollers.length} (${pollers.length} usable), will use ${pollers[0]?.name ?? 'none'}.`);
  return lines;
}

function muxLines(features: FeatureSet): string[] {
  const lines = [
    'Available multiplexer protocols :',
    "(protocols marked as <default> cannot be specified using 'proto' keyword)",
  ];
  for (const m of features.muxes) {
    const proto = m.token === '' ? '<default>' : m.token;
    lines.push(` ${proto.padStart(10)} : mode=${m.mode.padEnd(5)} side=${m.side.padEnd(6)} mux=${m.mux.padEnd(5)} flags=${m.flags.join('|')}`);
  }
  return lines;
}
