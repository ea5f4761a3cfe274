// HAProxy's word fingerprints, with which its CLI picks the commands to
// propose after an unknown one. A fingerprint counts the transitions between
// character classes (letters, digits, other, begin, end); the distance of two
// is the sum of their differences. Reproduced so that a mistyped command gets
// the same kind of proposals as from HAProxy 2.6 (config's "did you mean"
// answers a different question and keeps its own edit distance).

/** 32 classes x 32 classes: index 32*from+to; 1..26 letters, 27 digit, 28 other/begin/end. */
const SIZE = 1024;
const EDGE = 28;

function classOf(code: number): number {
  if (code >= 97 && code <= 122) return code - 96;
  if (code >= 65 && code <= 90) return code - 64;
  if (code >= 48 && code <= 57) return 27;
  return EDGE;
}

export function emptyFingerprint(): Uint8Array {
  return new Uint8Array(SIZE);
}

/** Adds `word` to `fp` (HAProxy's update_word_fingerprint; counters wrap at 256 as its uint8_t do). */
export function addToFingerprint(fp: Uint8Array, word: string): void {
  let from = EDGE;
  for (let i = 0; i < word.length; i++) {
    const to = classOf(word.charCodeAt(i));
    fp[to] = 1;
    fp[32 * from + to]++;
    from = to;
  }
  fp[32 * from + EDGE]++;
}

export function fingerprintDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < SIZE; i++) d += Math.abs(a[i] - b[i]);
  return d;
}
