// Pattern files (`-f FILE`: one pattern per line) and map files (`map(FILE)`:
// key and value per line), read through a loader the caller provides (the
// file's text in, so this stays pure), parsed with HAProxy's line rules, and
// shared: a file used by many ACLs or maps is read once and each distinct
// index over it (match method, flags) is built once.

import { AclCode, AclError } from './errors.ts';

/** Returns the text of a file; throws (any Error) when it cannot be read. */
export type FileLoader = (path: string) => string;

export interface PatternLine {
  text: string;
  line: number;
}

export interface MapLine {
  key: string;
  value: string;
  line: number;
}

function isSpTab(c: number): boolean {
  return c === 32 || c === 9;
}

/** One pattern per line: '#' in the first column comments the line, leading blanks go, the rest (trailing blanks too) is the pattern. */
export function parsePatternLines(content: string): PatternLine[] {
  const out: PatternLine[] = [];
  const lines = content.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    if (raw.charCodeAt(0) === 35) continue;
    let s = 0;
    while (s < raw.length && isSpTab(raw.charCodeAt(s))) s++;
    let e = s;
    while (e < raw.length && raw.charCodeAt(e) !== 13) e++;
    if (e === s) continue;
    out.push({ text: raw.slice(s, e), line: n + 1 });
  }
  return out;
}

/** Key, blanks, value (to the end of the line, trailing blanks removed); '#' in the first column comments. */
export function parseMapLines(content: string): MapLine[] {
  const out: MapLine[] = [];
  const lines = content.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    if (raw.charCodeAt(0) === 35) continue;
    let i = 0;
    while (i < raw.length && isSpTab(raw.charCodeAt(i))) i++;
    if (i === raw.length || raw.charCodeAt(i) === 13) continue;
    const k0 = i;
    while (i < raw.length && !isSpTab(raw.charCodeAt(i)) && raw.charCodeAt(i) !== 13) i++;
    const key = raw.slice(k0, i);
    while (i < raw.length && isSpTab(raw.charCodeAt(i))) i++;
    const v0 = i;
    while (i < raw.length && raw.charCodeAt(i) !== 13) i++;
    let v1 = i;
    while (v1 > v0 && isSpTab(raw.charCodeAt(v1 - 1))) v1--;
    out.push({ key, value: raw.slice(v0, v1), line: n + 1 });
  }
  return out;
}

/**
 * The files of one configuration: each read once, parsed as one or two
 * columns (a file cannot be both, as in HAProxy), and a cache for whatever
 * is built over them.
 */
export class PatternFiles {
  private readonly loader: FileLoader;
  private readonly one = new Map<string, PatternLine[]>();
  private readonly two = new Map<string, MapLine[]>();
  private readonly built = new Map<string, unknown>();

  constructor(loader: FileLoader) {
    this.loader = loader;
  }

  private read(path: string, where: { file?: string; line?: number }): string | AclError {
    try {
      return this.loader(path);
    } catch {
      return new AclError(AclCode.BAD_FILE, `failed to open pattern file <${path}>`, where);
    }
  }

  /** The patterns of a one-column file. */
  patterns(path: string, where: { file?: string; line?: number }): PatternLine[] | AclError {
    const have = this.one.get(path);
    if (have !== undefined) return have;
    if (this.two.has(path)) {
      return new AclError(AclCode.BAD_FILE, `The file "${path}" is already used as two column file and cannot be used by as one column file.`, where);
    }
    const text = this.read(path, where);
    if (text instanceof AclError) return text;
    const lines = parsePatternLines(text);
    this.one.set(path, lines);
    return lines;
  }

  /** The entries of a two-column (map) file. */
  entries(path: string, where: { file?: string; line?: number }): MapLine[] | AclError {
    const have = this.two.get(path);
    if (have !== undefined) return have;
    if (this.one.has(path)) {
      return new AclError(AclCode.BAD_FILE, `The file "${path}" is already used as one column file and cannot be used by as two column file.`, where);
    }
    const text = this.read(path, where);
    if (text instanceof AclError) return text;
    const lines = parseMapLines(text);
    this.two.set(path, lines);
    return lines;
  }

  /** Something built from a file once (an index, a map), under `key`. */
  cached<T>(key: string, build: () => T | AclError): T | AclError {
    if (this.built.has(key)) return this.built.get(key) as T;
    const v = build();
    if (!(v instanceof AclError)) this.built.set(key, v);
    return v;
  }
}
