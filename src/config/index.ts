// Public surface of the configuration front end: haproxy.cfg-style text in,
// a typed and validated Config (model.ts) out, or every problem found as a
// Diagnostic with a stable code and `file:line`.
//
// @example
//   const { config, diagnostics } = await loadConfig(['/etc/hawser/hawser.cfg'], {
//     env: process.env,
//     localName: os.hostname(),
//   });
//   for (const d of diagnostics) console.error(formatDiagnostic(d));
//   if (config === undefined) process.exit(1);

import { parseSources, type ParseOptions, type ParseResult } from './parser.ts';

export type * from './model.ts';
export { type Diagnostic, CfgCode, formatDiagnostic } from './diagnostics.ts';
export { parseTime, parseSize, MAX_TIME_MS, MAX_SIZE, type TimeUnit, type UnitResult } from './units.ts';
export { loadConfig, expandConfigPaths, isConfigFileName } from './load.ts';
export { suggestion, didYouMean } from './suggest.ts';
export { parseSources, type ParseOptions, type ParseResult, type SourceText } from './parser.ts';
export type { ConditionEvaluator } from './conditional.ts';
export { applyTlsWord, applyBindVerify, tlsVersionRange, TLS_VERSIONS, CRT_LIST_WORDS } from './tls.ts';
export { cookieSettings } from './cookie.ts';
export { hostPort } from './address.ts';

/** Parses one configuration text; `file` is the name used in diagnostics. */
export function parseConfigText(text: string, file: string, opts: ParseOptions): ParseResult {
  return parseSources([{ file, text }], opts);
}
