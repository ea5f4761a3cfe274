// `crt-list FILE`: one certificate per line, with its own TLS settings in
// brackets and its SNI filters, as HAProxy 2.6 reads it:
//
//   <crtfile> [\[<sslbindconf> ...\]] [[!]<snifilter> ...]
//
// Empty lines and lines starting with `#` are skipped. Pure: the file's text
// in, entries (or the first problem of each bad line) out.

import { applyBindVerify, applyTlsWord, CRT_LIST_WORDS, type BindTls, type TlsSettings } from '../config/index.ts';

export interface CrtListEntry {
  line: number;
  path: string;
  /** Settings from the brackets; they override the bind line's for this certificate. */
  settings: TlsSettings & Pick<BindTls, 'verify'>;
  /** SNI filters as written (`*.example.com`, `!www.example.com`); empty: the certificate's own names. */
  filters: string[];
}

export interface CrtListProblem {
  line: number;
  message: string;
}

export function parseCrtList(text: string): { entries: CrtListEntry[]; problems: CrtListProblem[] } {
  const entries: CrtListEntry[] = [];
  const problems: CrtListProblem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!.replace(/\r$/, '');
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const r = parseLine(trimmed);
    if (typeof r === 'string') problems.push({ line: n + 1, message: r });
    else entries.push({ line: n + 1, ...r });
  }
  return { entries, problems };
}

function parseLine(text: string): Omit<CrtListEntry, 'line'> | string {
  // `[` and `]` may touch the words next to them: `[alpn h2]`.
  const words = text.replace(/\[/g, ' [ ').replace(/\]/g, ' ] ').split(/\s+/).filter((w) => w !== '');
  const path = words[0]!;
  if (path === '[' || path === ']') return 'the line must start with a certificate file name';
  const settings: CrtListEntry['settings'] = {};
  const filters: string[] = [];
  let i = 1;
  if (words[i] === '[') {
    i++;
    const close = words.indexOf(']', i);
    if (close < 0) return "missing ']' after the certificate's settings";
    while (i < close) {
      const w = words[i]!;
      const argc = CRT_LIST_WORDS[w];
      if (argc === undefined) return `unknown keyword '${w}' in the certificate's settings`;
      const v = argc > 0 ? words[i + 1] : undefined;
      if (argc > 0 && (v === undefined || i + 1 >= close)) return `'${w}' expects an argument`;
      const err = w === 'verify' ? applyBindVerify(v, settings as BindTls) : applyTlsWord(w, v, settings);
      if (err !== undefined) return err;
      i += 1 + argc;
    }
    i = close + 1;
  }
  for (; i < words.length; i++) {
    const f = words[i]!;
    if (f === '[' || f === ']') return `unexpected '${f}' among the SNI filters`;
    filters.push(f.toLowerCase());
  }
  return { path, settings, filters };
}
