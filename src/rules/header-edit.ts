// Header edits on the parsed head's flat [name, value, name, value, ...]
// array, in place: names match case-insensitively, the order of the other
// fields is kept, new fields go at the end (as HAProxy appends them).

import { replaceWhole } from './regex-replace.ts';

/** How del-header compares names (`-m`); names are compared lower-cased, as HAProxy's HTX stores them. */
export type NameMatch = 'str' | 'beg' | 'end' | 'sub' | 'reg';

function sameName(a: string, lower: string): boolean {
  return a.length === lower.length && a.toLowerCase() === lower;
}

/** Removes the fields whose name is `lower` (already lower case); returns how many. */
export function removeFields(h: string[], lower: string): number {
  let w = 0;
  for (let r = 0; r < h.length; r += 2) {
    if (sameName(h[r]!, lower)) continue;
    if (w !== r) {
      h[w] = h[r]!;
      h[w + 1] = h[r + 1]!;
    }
    w += 2;
  }
  const removed = (h.length - w) / 2;
  h.length = w;
  return removed;
}

/** del-header with -m: `pattern` is lower case for str/beg/end/sub. */
export function removeMatchingFields(h: string[], how: NameMatch, pattern: string, re: RegExp | null): void {
  if (how === 'str') {
    removeFields(h, pattern);
    return;
  }
  let w = 0;
  for (let r = 0; r < h.length; r += 2) {
    const n = h[r]!.toLowerCase();
    const hit =
      how === 'beg' ? n.startsWith(pattern) : how === 'end' ? n.endsWith(pattern) : how === 'sub' ? n.includes(pattern) : re!.test(n);
    if (hit) continue;
    if (w !== r) {
      h[w] = h[r]!;
      h[w + 1] = h[r + 1]!;
    }
    w += 2;
  }
  h.length = w;
}

export function setField(h: string[], name: string, lower: string, value: string): void {
  removeFields(h, lower);
  h.push(name, value);
}

/** replace-header: each occurrence of the field whose whole value `re` matches is replaced. */
export function replaceFieldValues(h: string[], lower: string, re: RegExp, subst: string): void {
  for (let i = 0; i < h.length; i += 2) {
    if (!sameName(h[i]!, lower)) continue;
    const v = replaceWhole(re, h[i + 1]!, subst);
    if (v !== undefined) h[i + 1] = v;
  }
}

/**
 * replace-value: each comma-separated value of the field, trimmed, is
 * replaced when `re` matches it; separators and spacing stay as they were.
 */
export function replaceListValues(h: string[], lower: string, re: RegExp, subst: string): void {
  for (let i = 0; i < h.length; i += 2) {
    if (!sameName(h[i]!, lower)) continue;
    const v = h[i + 1]!;
    let out = '';
    let start = 0;
    let quoted = false;
    for (let j = 0; j <= v.length; j++) {
      const c = v[j];
      if (c === '"') quoted = !quoted;
      if (j < v.length && (c !== ',' || quoted)) continue;
      const seg = v.slice(start, j);
      let a = 0;
      let b = seg.length;
      while (a < b && (seg[a] === ' ' || seg[a] === '\t')) a++;
      while (b > a && (seg[b - 1] === ' ' || seg[b - 1] === '\t')) b--;
      const r = replaceWhole(re, seg.slice(a, b), subst);
      // HAProxy replaces the value with the blanks around it
      out += r === undefined ? seg : r;
      if (j < v.length) out += ',';
      start = j + 1;
    }
    h[i + 1] = out;
  }
}
