// Test helper: parse a configuration text the way `hawser -c` would, and
// look at the result as an operator would (formatted diagnostics).

import { formatDiagnostic, parseConfigText, type Config, type Diagnostic } from '../../../src/config/index.ts';

export interface Parsed {
  config?: Config;
  diagnostics: Diagnostic[];
  /** Formatted errors, `CODE file:line: message`. */
  errors: string[];
  warnings: string[];
}

export function parse(text: string, opts: { env?: Record<string, string | undefined>; localName?: string; file?: string } = {}): Parsed {
  const r = parseConfigText(text, opts.file ?? 't.cfg', { env: opts.env ?? {}, localName: opts.localName ?? 'lb1' });
  return {
    ...r,
    errors: r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic),
    warnings: r.diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic),
  };
}

/** The minimal boilerplate that silences missing-timeout warnings. */
export const DEFAULTS = `defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
`;

/** Parses and requires success without any diagnostic; returns the config. */
export function parseClean(text: string, opts: Parameters<typeof parse>[1] = {}): Config {
  const r = parse(text, opts);
  if (r.config === undefined || r.diagnostics.length > 0) {
    throw new Error(`expected a clean parse, got:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  }
  return r.config;
}
