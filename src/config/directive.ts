// One configuration line being parsed: its words, where it came from, and
// typed readers for its arguments that report a diagnostic (and return
// undefined) instead of throwing, so parsing goes on to the next problem.

import type { SourcePos } from './model.ts';
import { CfgCode, type DiagnosticList } from './diagnostics.ts';
import { parseSize, parseTime, type TimeUnit } from './units.ts';

export type Env = Record<string, string | undefined>;

export class Directive {
  readonly words: string[];
  readonly pos: SourcePos;
  readonly diags: DiagnosticList;
  /** The environment as it stands on this line (setenv changes it as parsing goes). */
  readonly env: Env;
  /** `no` or `default` written before the keyword, already removed from `words`. */
  readonly modifier: 'no' | 'default' | undefined;

  constructor(words: string[], pos: SourcePos, diags: DiagnosticList, env: Env, modifier: 'no' | 'default' | undefined) {
    this.words = words;
    this.pos = pos;
    this.diags = diags;
    this.env = env;
    this.modifier = modifier;
  }

  get keyword(): string {
    return this.words[0]!;
  }

  get length(): number {
    return this.words.length;
  }

  arg(i: number): string | undefined {
    return this.words[i];
  }

  /** Words from index i to the end joined by spaces (for free text like `description`). */
  rest(i: number): string {
    return this.words.slice(i).join(' ');
  }

  error(code: CfgCode, message: string): void {
    this.diags.error(code, this.pos, message);
  }

  warn(code: CfgCode, message: string): void {
    this.diags.warning(code, this.pos, message);
  }

  unsupported(what: string): void {
    this.diags.error(CfgCode.UNSUPPORTED, this.pos, `${what} is not supported yet`);
  }

  /** Reports and returns false unless words[i] exists and is not empty. */
  need(i: number, label: string, usage: string): boolean {
    const w = this.words[i];
    if (w === undefined || w === '') {
      this.error(CfgCode.BAD_ARGUMENT, `'${label}' expects ${usage}`);
      return false;
    }
    return true;
  }

  /** Reports and returns false when there are words after index `last`. */
  noMoreThan(last: number, label: string): boolean {
    if (this.words.length > last + 1) {
      this.error(CfgCode.BAD_ARGUMENT, `'${label}' does not take argument '${this.words[last + 1]}' (too many arguments)`);
      return false;
    }
    return true;
  }

  /** A decimal integer within [min, max]. */
  int(i: number, label: string, min: number, max: number): number | undefined {
    const w = this.words[i];
    if (w === undefined || w === '') {
      this.error(CfgCode.BAD_ARGUMENT, `'${label}' expects an integer`);
      return undefined;
    }
    return this.intValue(w, label, min, max);
  }

  /** `prefix` names the object in messages, e.g. "server app/s1: ". */
  intValue(w: string, label: string, min: number, max: number, prefix = ''): number | undefined {
    if (!/^-?\d+$/.test(w)) {
      this.error(CfgCode.BAD_VALUE, `${prefix}'${label}' expects an integer, not '${w}'`);
      return undefined;
    }
    const v = Number(w);
    if (v < min || v > max) {
      this.error(CfgCode.BAD_VALUE, `${prefix}'${label}' must be between ${min} and ${max}, not ${w}`);
      return undefined;
    }
    return v;
  }

  time(i: number, label: string, unit: TimeUnit = 'ms'): number | undefined {
    const w = this.words[i];
    if (w === undefined || w === '') {
      this.error(CfgCode.BAD_ARGUMENT, `'${label}' expects a time (e.g. 5s)`);
      return undefined;
    }
    return this.timeValue(w, label, unit);
  }

  timeValue(w: string, label: string, unit: TimeUnit = 'ms', prefix = ''): number | undefined {
    const r = parseTime(w, unit);
    if (r.error !== undefined) {
      this.error(CfgCode.BAD_VALUE, `${prefix}'${label}': ${r.error}`);
      return undefined;
    }
    return r.value;
  }

  size(i: number, label: string): number | undefined {
    const w = this.words[i];
    if (w === undefined || w === '') {
      this.error(CfgCode.BAD_ARGUMENT, `'${label}' expects a size (e.g. 16k)`);
      return undefined;
    }
    const r = parseSize(w);
    if (r.error !== undefined) {
      this.error(CfgCode.BAD_VALUE, `'${label}': ${r.error}`);
      return undefined;
    }
    return r.value;
  }
}

/** HAProxy's invalid_char(): names may hold letters, digits, '.', '-', '_' and ':'. */
export function badNameChar(name: string): string | undefined {
  const m = /[^A-Za-z0-9._:-]/.exec(name);
  return m === null ? undefined : m[0];
}
