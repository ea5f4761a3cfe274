// Splits configuration text into lines and lines into words, following
// HAProxy 2.6's rules (doc/configuration.txt 2.2 and 2.3, parse_line()):
//
// - `#` starts a comment outside quotes; spaces and tabs separate words;
// - "double quotes" keep spaces and `#`, and expand `$VAR`, `${VAR}`,
//   `${VAR-default}` (default only when unset, not when empty) and
//   `${VAR[*]}` (one word per space-separated item) from the environment;
// - 'single quotes' keep everything literally;
// - outside single quotes a backslash escapes ` `, `\`, `#`, `'`, `"`, and
//   writes `\t`, `\n`, `\r`, `\xHH`; `\$` only inside double quotes; any other
//   backslash is kept as is (so regexes like `\d` survive);
// - `$` outside double quotes is a plain character (HAProxy expands
//   addresses once more on their own; see address.ts).
//
// One extension: a line ending in a lone ` \` continues on the next line.
// HAProxy reads that `\` as an argument (and fails on the next line); the
// parser warns about it. The environment comes in as an argument: the lexer
// never reads process.env.

export interface SourceLine {
  /** Number of the (first) physical line, 1-based. */
  line: number;
  text: string;
  /** True when this logical line was joined from several with ` \`. */
  continued: boolean;
}

export interface LexContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Values of the pseudo-variables `${.FILE}`, `${.LINE}`, `${.SECTION}`. */
  file: string;
  line: number;
  section: string;
}

export interface LexError {
  message: string;
  /** 1-based column in the line where the problem starts. */
  column: number;
}

export interface LexResult {
  words: string[];
  /** Variables referenced in double quotes that were not set and had no default. */
  unset: string[];
  error?: LexError;
}

/**
 * Splits a file into lines, joining ` \`-continued lines. Line numbers are
 * those of the file; `\r\n` endings are accepted.
 */
export function splitLines(text: string): SourceLine[] {
  // A byte order mark some editors write is not part of the first keyword.
  const physical = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  // A final newline does not start another line.
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  const out: SourceLine[] = [];
  let pending: SourceLine | undefined;
  for (let i = 0; i < physical.length; i++) {
    let t = physical[i]!;
    if (t.endsWith('\r')) t = t.slice(0, -1);
    const cont = endsWithContinuation(t);
    if (cont) t = t.slice(0, -1);
    if (pending !== undefined) {
      pending.text += ' ' + t;
      pending.continued = true;
    } else {
      pending = { line: i + 1, text: t, continued: false };
    }
    if (!cont) {
      out.push(pending);
      pending = undefined;
    }
  }
  if (pending !== undefined) out.push(pending);
  return out;
}

/** A lone backslash at the very end, outside quotes and comments. */
function endsWithContinuation(t: string): boolean {
  const n = t.length;
  if (n < 2 || t[n - 1] !== '\\' || (t[n - 2] !== ' ' && t[n - 2] !== '\t')) return false;
  let squote = false;
  let dquote = false;
  for (let i = 0; i < n - 1; i++) {
    const c = t[i];
    if (c === '\\' && !squote) {
      // An escaped blank before the final backslash is part of a word, not a separator.
      if (i + 1 === n - 2) return false;
      i++;
      continue;
    }
    if (c === '#' && !squote && !dquote) return false;
    if (c === '"' && !squote) dquote = !dquote;
    else if (c === "'" && !dquote) squote = !squote;
  }
  return !squote && !dquote;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\v' || c === '\f';
}

function isAlpha(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && (isAlpha(c) || (c >= '0' && c <= '9'));
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/** Cuts one logical line into words, expanding variables inside double quotes. */
export function lexLine(text: string, ctx: LexContext): LexResult {
  const words: string[] = [];
  const unset: string[] = [];
  let cur = '';
  let inWord = false;
  let squote = false;
  let dquote = false;
  let quoteAt = 0;
  let i = 0;
  const n = text.length;

  const fail = (message: string, at: number): LexResult => ({
    words,
    unset,
    error: { message, column: at + 1 },
  });

  while (i < n && isSpace(text[i]!)) i++;

  while (i < n) {
    const c = text[i]!;
    if (c === '\r' || c === '\n') break;
    if (c === '\0') return fail('stray NUL character', i);
    if (c === '#' && !squote && !dquote) break;
    if (c === '"' && !squote) {
      dquote = !dquote;
      quoteAt = i;
      inWord = true;
      i++;
      continue;
    }
    if (c === "'" && !dquote) {
      squote = !squote;
      quoteAt = i;
      inWord = true;
      i++;
      continue;
    }
    if (c === '\\' && !squote) {
      const next = text[i + 1];
      inWord = true;
      switch (next) {
        case ' ':
        case '\\':
        case '#':
        case "'":
        case '"':
          cur += next;
          i += 2;
          continue;
        case 't':
          cur += '\t';
          i += 2;
          continue;
        case 'n':
          cur += '\n';
          i += 2;
          continue;
        case 'r':
          cur += '\r';
          i += 2;
          continue;
        case '$':
          if (dquote) {
            cur += '$';
            i += 2;
            continue;
          }
          cur += '\\';
          i += 1;
          continue;
        case 'x': {
          const h1 = text[i + 2];
          const h2 = text[i + 3];
          if (!isHex(h1) || !isHex(h2)) return fail('truncated or invalid hexadecimal sequence (\\xHH needs two hex digits)', i);
          cur += String.fromCharCode(parseInt(h1! + h2!, 16));
          i += 4;
          continue;
        }
        default:
          cur += '\\';
          i += 1;
          continue;
      }
    }
    if (isSpace(c) && !squote && !dquote) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      while (i < n && isSpace(text[i]!)) i++;
      continue;
    }
    if (c === '$' && dquote) {
      const start = i;
      i++;
      let brace = false;
      if (text[i] === '{') {
        brace = true;
        i++;
      }
      const first = text[i];
      if (!isAlpha(first) && first !== '_' && first !== '.') {
        return fail('forbidden first character in environment variable name (use a letter or _)', i);
      }
      const nameStart = i;
      if (first === '.') i++;
      while (i < n && (isAlnum(text[i]) || text[i] === '_')) i++;
      const name = text.slice(nameStart, i);
      let value: string | undefined;
      if (name.startsWith('.')) {
        if (name === '.LINE') value = String(ctx.line);
        else if (name === '.FILE') value = ctx.file;
        else if (name === '.SECTION') value = ctx.section;
        else return fail(`unknown pseudo-variable '${name}' (known: .FILE, .LINE, .SECTION)`, nameStart);
      } else {
        value = ctx.env[name];
      }
      let expandWords = false;
      if (brace && text[i] === '[') {
        if (text[i + 1] !== '*' || text[i + 2] !== ']') return fail("invalid word expansion (only '[*]' is allowed)", i);
        expandWords = true;
        i += 3;
      }
      if (brace) {
        if (text[i] === '-') {
          const close = text.indexOf('}', i);
          if (close < 0) return fail('unmatched brace in environment variable name', start + 1);
          if (value === undefined) value = text.slice(i + 1, close);
          i = close + 1;
        } else if (text[i] === '}') {
          i++;
        } else {
          return fail('unmatched brace in environment variable name', start + 1);
        }
      }
      if (value === undefined) {
        if (!name.startsWith('.')) unset.push(name);
        value = '';
      }
      inWord = true;
      if (expandWords) {
        const parts = value.split(/[ \t\n\r\v\f]+/);
        for (let p = 0; p < parts.length; p++) {
          if (p > 0) {
            words.push(cur);
            cur = '';
          }
          cur += parts[p];
        }
      } else {
        cur += value;
      }
      continue;
    }
    cur += c;
    inWord = true;
    i++;
  }

  if (squote || dquote) {
    return fail(`unmatched ${squote ? 'single' : 'double'} quote`, quoteAt);
  }
  if (inWord) words.push(cur);
  return { words, unset };
}
