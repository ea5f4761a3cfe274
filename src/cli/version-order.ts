// How HAProxy orders version strings, for the version_atleast(),
// version_before() and openssl_version_*() condition predicates. Scripts
// written for HAProxy rely on its exact rules ("2.4" equals "2.4.0", "-dev"
// sorts before "-rc" before a release, a trailing "-N" is a commit count),
// so they are reproduced, quirks included.

import { strtol, toUint32 } from './c-number.ts';

/** HAProxy's tag weights: dev < rc = pre < release. */
const TAG_DEV = 1;
const TAG_RC = 2;
const TAG_RELEASE = 3;

/**
 * Splits "a.b.c.d-tagN-commit" into seven numbers [a, b, c, d, tag, tagNumber,
 * commit]; undefined when HAProxy would refuse the string. Examples:
 * "1.2.1-pre2" -> [1,2,1,0,2,2,0]; "1.5-dev18-43" -> [1,5,0,0,1,18,43];
 * "2.6.12-1+deb12u4" -> [2,6,12,0,3,0,0].
 */
export function splitVersion(version: string): number[] | undefined {
  const v = [0, 0, 0, 0, TAG_RELEASE, 0, 0];
  if (version === '') return undefined;

  let p = 0;
  let atTag = false;
  for (let n = 0; n < 4; n++) {
    const num = strtol(version, p, 10);
    v[n] = toUint32(num.value);
    if (num.end >= version.length) return v;
    const sep = version[num.end];
    p = num.end + 1;
    if (sep === '-') {
      atTag = true;
      break;
    }
    if (sep !== '.' || n === 3) return undefined;
  }
  if (!atTag) return undefined;

  let atCommit = version[p] !== undefined && version[p]! >= '0' && version[p]! <= '9';
  if (!atCommit) {
    if (version.startsWith('dev', p)) {
      v[4] = TAG_DEV;
      p += 3;
    } else if (version.startsWith('rc', p)) {
      v[4] = TAG_RC;
      p += 2;
    } else if (version.startsWith('pre', p)) {
      v[4] = TAG_RC;
      p += 3;
    } else {
      atCommit = true;
    }
  }
  if (!atCommit) {
    const num = strtol(version, p, 10);
    v[5] = toUint32(num.value);
    if (num.end >= version.length) return v;
    if (version[num.end] !== '-') return undefined;
    p = num.end + 1;
  }

  // The commit count is whatever follows the last '-', when it is a plain number.
  const dash = version.lastIndexOf('-');
  const from = dash >= p ? dash + 1 : p;
  if (dash >= p && from >= version.length) return undefined;
  const commit = strtol(version, from, 10);
  v[6] = commit.end === version.length ? toUint32(commit.value) : 0;
  return v;
}

/**
 * Compares `other` with `current` the way HAProxy compares a version given in
 * a condition with its own: -1 when `other` is older, 0 when equal, 1 when
 * newer; -2 when `current` cannot be parsed, -3 when `other` cannot.
 */
export function compareVersions(current: string, other: string): -3 | -2 | -1 | 0 | 1 {
  const cur = splitVersion(current);
  if (!cur) return -2;
  const oth = splitVersion(other);
  if (!oth) return -3;
  for (let i = 0; i < cur.length; i++) {
    if (oth[i]! < cur[i]!) return -1;
    if (oth[i]! > cur[i]!) return 1;
  }
  return 0;
}

/**
 * OpenSSL's numeric version (0xMNNFFPPS) from its text form, as HAProxy reads
 * the argument of openssl_version_atleast(): "1.1.1k" -> 0x101010bf,
 * "3.0.0-beta2" -> 0x30000002. 0 when the text is not a version.
 */
export function opensslVersionNumber(version: string): number {
  if (version === '') return 0;
  const major = strtol(version, 0, 10);
  const majorValue = toUint32(major.value);
  if (version[major.end] !== '.' || majorValue > 0xf) return 0;
  const minor = strtol(version, major.end + 1, 10);
  const minorValue = toUint32(minor.value);
  if (version[minor.end] !== '.' || minorValue > 0xff) return 0;
  const fix = strtol(version, minor.end + 1, 10);
  const fixValue = toUint32(fix.value);
  if (fixValue > 0xff) return 0;

  let p = fix.end;
  let patch = 0;
  let status = 0;
  if (p >= version.length) {
    status = 0xf;
  } else if (version[p] === '-') {
    // Only betas count; alphas and other pre-releases are "development" (0).
    p++;
    if (version.startsWith('beta', p)) {
      status = toUint32(strtol(version, p + 4, 10).value);
      if (status > 14) return 0;
    }
  } else {
    // Letter patch releases: 1.0.2u is the 21st patch after 1.0.2.
    patch = 1;
    for (; p < version.length; p++) patch = (patch + ((version.charCodeAt(p) & ~0x20) - 0x41)) >>> 0;
    status = 0xf;
  }
  return (((majorValue & 0xf) << 28) | ((minorValue & 0xff) << 20) | ((fixValue & 0xff) << 12) |
    ((patch & 0xff) << 4) | (status & 0xf)) >>> 0;
}

/**
 * OPENSSL_VERSION_NUMBER of a library whose version text is `version` (e.g.
 * process.versions.openssl without its "+quic" suffix). OpenSSL 3 dropped the
 * old layout for 0xMNN00PP0, which HAProxy's parser above does not know: so,
 * as in haproxy built against OpenSSL 3, openssl_version_atleast(3.0.0) is
 * true and openssl_version_atleast(3.0.1) false whatever the 3.0.x.
 */
export function opensslLibraryVersionNumber(version: string): number {
  const major = strtol(version, 0, 10);
  if (major.value < 3n) return opensslVersionNumber(version);
  const minor = strtol(version, major.end + 1, 10);
  const patch = strtol(version, minor.end + 1, 10);
  return ((Number(major.value & 0xfn) << 28) | (Number(minor.value & 0xffn) << 20) | (Number(patch.value & 0xffn) << 4)) >>> 0;
}
