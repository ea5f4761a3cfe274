// The hash of a node's whole configuration, as the nodes compare it to
// notice drift: one file is meant to be identical on every node (per-node
// values such as `priority lb1 150 lb2 100` are keyed by node name inside
// it), so any difference is an edit that reached some nodes and not others.
// Comments, blank lines and spacing are not differences; the text that
// remains is hashed file after file, in the order the files were read.
// Pure: the caller reads the files.

import { createHash } from 'node:crypto';

/**
 * A configuration's text as compared: each line without its comment (a `#`
 * at the start or after a blank, outside quotes and not escaped), its
 * blanks collapsed; empty lines dropped.
 */
export function normalisedConfig(texts: readonly string[]): string {
  const out: string[] = [];
  for (const text of texts) {
    for (const raw of text.split('\n')) {
      const line = withoutComment(raw).replace(/[ \t\r\f\v]+/g, ' ').trim();
      if (line !== '') out.push(line);
    }
  }
  return out.join('\n');
}

/** SHA-256 of normalisedConfig(texts). */
export function configFileHash(texts: readonly string[]): Buffer {
  return createHash('sha256').update(normalisedConfig(texts)).digest();
}

function withoutComment(line: string): string {
  let quote = '';
  /** The previous character was an unescaped blank (or this is the line's start). */
  let afterBlank = true;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      i++;
      afterBlank = false;
      continue;
    }
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && afterBlank) return line.slice(0, i);
    afterBlank = quote === '' && (c === ' ' || c === '\t');
  }
  return line;
}
