// Slices of a check's input buffer as HAProxy's sample fetches give them to
// its protocol checks: `res.payload(N,0),cut_crlf`, `ltrim(' ')`, and the
// three-digit `status-code`. Bytes stay bytes (latin1 strings).

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;

/** The bytes from `offset` up to the first CR or LF (`res.payload(offset,0),cut_crlf`). */
export function firstLine(input: Buffer, offset: number): string {
  let e = offset;
  while (e < input.length && input[e] !== CR && input[e] !== LF) e++;
  return offset < input.length ? input.toString('latin1', offset, e) : '';
}

/** `res.payload(offset,0),ltrim(' '),cut_crlf` */
export function trimmedLine(input: Buffer, offset: number): string {
  let s = offset;
  while (s < input.length && input[s] === SP) s++;
  return firstLine(input, s);
}

/** `res.payload(0,3)` read as an integer: a reply code, 0 when not digits. */
export function replyCode(input: Buffer): number {
  if (input.length < 3) return 0;
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const c = input[i]! - 0x30;
    if (c < 0 || c > 9) return 0;
    n = n * 10 + c;
  }
  return n;
}
