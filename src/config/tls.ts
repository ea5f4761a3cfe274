// TLS keywords shared by bind lines, crt-list entries (`[alpn h2 ...]`),
// server lines and the global `ssl-default-*-options`: each word is read
// into a TlsSettings the same way wherever it is written. Pure (no file is
// opened here: certificates are loaded by src/tls, so that `-c` reports
// them with the line that named them).

import type { BindTls, ServerTls, TlsSettings, TlsVersion } from './model.ts';
import { suggestion } from './suggest.ts';

export const TLS_VERSIONS: readonly TlsVersion[] = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

const NO_VERSION: Readonly<Record<string, TlsVersion>> = {
  'no-sslv3': 'SSLv3',
  'no-tlsv10': 'TLSv1.0',
  'no-tlsv11': 'TLSv1.1',
  'no-tlsv12': 'TLSv1.2',
  'no-tlsv13': 'TLSv1.3',
};

const FORCE_VERSION: Readonly<Record<string, TlsVersion>> = {
  'force-sslv3': 'SSLv3',
  'force-tlsv10': 'TLSv1.0',
  'force-tlsv11': 'TLSv1.1',
  'force-tlsv12': 'TLSv1.2',
  'force-tlsv13': 'TLSv1.3',
};

/** Words every TLS place accepts (value: number of arguments). */
export const TLS_COMMON_WORDS: Readonly<Record<string, number>> = {
  ciphers: 1,
  ciphersuites: 1,
  curves: 1,
  ecdhe: 1,
  'ssl-min-ver': 1,
  'ssl-max-ver': 1,
  'no-tls-tickets': 0,
  alpn: 1,
  'ca-file': 1,
  'crl-file': 1,
  ...Object.fromEntries(Object.keys(NO_VERSION).map((k) => [k, 0])),
  ...Object.fromEntries(Object.keys(FORCE_VERSION).map((k) => [k, 0])),
};

/** The crt-list `[...]` options HAProxy 2.6 accepts (and Hawser implements). */
export const CRT_LIST_WORDS: Readonly<Record<string, number>> = {
  ...TLS_COMMON_WORDS,
  verify: 1,
};

/** Words of `ssl-default-bind-options` / `ssl-default-server-options`. */
export const DEFAULT_OPTION_WORDS: Readonly<Record<string, number>> = {
  'ssl-min-ver': 1,
  'ssl-max-ver': 1,
  'no-tls-tickets': 0,
  'prefer-client-ciphers': 0,
  ...Object.fromEntries(Object.keys(NO_VERSION).map((k) => [k, 0])),
  ...Object.fromEntries(Object.keys(FORCE_VERSION).map((k) => [k, 0])),
};

/**
 * Applies one common TLS word (`value` is its argument when it takes one)
 * to `into`. Returns an error text, or undefined when all is well.
 */
export function applyTlsWord(word: string, value: string | undefined, into: TlsSettings): string | undefined {
  switch (word) {
    case 'ciphers':
    case 'ciphersuites':
    case 'curves':
      if (value === undefined || value === '') return `'${word}' expects a colon-separated list`;
      into[word] = value;
      return undefined;
    case 'ecdhe':
      if (value === undefined || value === '') return `'ecdhe' expects a curve name`;
      into.curves = value;
      return undefined;
    case 'ssl-min-ver':
    case 'ssl-max-ver': {
      const v = TLS_VERSIONS.find((x) => x === value);
      if (v === undefined) {
        return `'${word}' expects one of ${TLS_VERSIONS.join(', ')}${value !== undefined ? `, not '${value}'${suggestion(value, TLS_VERSIONS)}` : ''}`;
      }
      if (word === 'ssl-min-ver') into.minVer = v;
      else into.maxVer = v;
      return undefined;
    }
    case 'no-tls-tickets':
      into.noTlsTickets = true;
      return undefined;
    case 'alpn': {
      if (value === undefined || value === '') return `'alpn' expects a comma-separated list of protocol names`;
      const names = value.split(',');
      if (names.some((n) => n === '' || n.length > 255)) return `'alpn': invalid protocol list '${value}'`;
      into.alpn = names;
      return undefined;
    }
    case 'ca-file':
    case 'crl-file':
      if (value === undefined || value === '') return `'${word}' expects a file path`;
      if (word === 'ca-file') into.caFile = value;
      else into.crlFile = value;
      return undefined;
  }
  const off = NO_VERSION[word];
  if (off !== undefined) {
    into.noVersions = [...(into.noVersions ?? []).filter((x) => x !== off), off];
    return undefined;
  }
  const only = FORCE_VERSION[word];
  if (only !== undefined) {
    into.minVer = only;
    into.maxVer = only;
    delete into.noVersions;
    return undefined;
  }
  return `unknown TLS keyword '${word}'`;
}

/** `verify` on a bind line or in a crt-list: none, optional or required. */
export function applyBindVerify(value: string | undefined, into: BindTls): string | undefined {
  if (value === 'none' || value === 'optional' || value === 'required') {
    into.verify = value;
    return undefined;
  }
  return `'verify' expects none, optional or required${value !== undefined ? `, not '${value}'${suggestion(value, ['none', 'optional', 'required'])}` : ''}`;
}

/** `verify` on a server line: none or required. */
export function applyServerVerify(value: string | undefined, into: ServerTls): string | undefined {
  if (value === 'none' || value === 'required') {
    into.verify = value;
    return undefined;
  }
  return `'verify' expects none or required${value !== undefined ? `, not '${value}'${suggestion(value, ['none', 'required'])}` : ''}`;
}

/**
 * The versions a TLS endpoint allows, from `ssl-min-ver`/`ssl-max-ver` and
 * `no-*` / `force-*`, the same way HAProxy folds them: the range is the
 * enabled versions' hull, TLSv1.2 to TLSv1.3 when nothing is said. Undefined
 * when nothing is left enabled.
 */
export function tlsVersionRange(s: TlsSettings, fallback: TlsSettings = {}): { min: TlsVersion; max: TlsVersion } | undefined {
  const min = s.minVer ?? fallback.minVer ?? 'TLSv1.2';
  const max = s.maxVer ?? fallback.maxVer ?? 'TLSv1.3';
  const off = new Set(s.noVersions ?? fallback.noVersions ?? []);
  const lo = TLS_VERSIONS.indexOf(min);
  const hi = TLS_VERSIONS.indexOf(max);
  const on = TLS_VERSIONS.filter((v, i) => i >= lo && i <= hi && !off.has(v));
  if (on.length === 0) return undefined;
  return { min: on[0]!, max: on[on.length - 1]! };
}
