// Framing of the peers protocol: each Frame is preceded by its length as a
// varint (protobuf's delimited form). The decoder takes the byte stream in
// whatever chunks the socket gives and hands back whole frames. It never
// throws: a bad length, a frame over the maximum size (refused from its
// length alone, before its bytes are buffered) or bytes that are not a
// Frame come back as a PeersError, and the decoder stays failed, because
// nothing after a framing error can be trusted. The session that owns it
// closes; no other session and no table is touched.

import { PeersCode, PeersError } from './peers-error.ts';
import { FrameType, type FrameMsg } from './schema.ts';

/** Largest frame accepted or sent by default (1 MiB); batches aim far below. */
export const DEFAULT_MAX_FRAME = 1 << 20;

/** The frame's bytes with their length prefix. */
export function encodeFrame(msg: FrameMsg): Uint8Array {
  return FrameType.encodeDelimited(msg as Record<string, unknown>).finish();
}

export class FrameDecoder {
  readonly maxFrame: number;
  #chunks: Buffer[] = [];
  /** Bytes held in #chunks. */
  #held = 0;
  /** Body length of the frame being read, once its prefix is complete; -1 before. */
  #need = -1;
  #failed: PeersError | undefined;
  /** Frames decoded so far (for `show peers`). */
  frames = 0;

  constructor(maxFrame = DEFAULT_MAX_FRAME) {
    this.maxFrame = maxFrame;
  }

  get failed(): PeersError | undefined {
    return this.#failed;
  }

  /** Bytes received and not yet handed back as frames. */
  get buffered(): number {
    return this.#held;
  }

  push(chunk: Buffer): void {
    if (this.#failed !== undefined || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#held += chunk.length;
  }

  /** The next whole frame, a PeersError (then always the same one), or undefined until more bytes come. */
  next(): FrameMsg | PeersError | undefined {
    if (this.#failed !== undefined) return this.#failed;
    if (this.#need < 0) {
      const r = this.#readLength();
      if (r !== undefined) return r;
      if (this.#need < 0) return undefined;
    }
    if (this.#held < this.#need) return undefined;
    const body = this.#take(this.#need);
    this.#need = -1;
    let msg: FrameMsg;
    try {
      msg = FrameType.decode(body) as unknown as FrameMsg;
    } catch (err) {
      return this.#fail(PeersCode.MALFORMED, `malformed frame (${body.length} bytes): ${(err as Error).message}`);
    }
    this.frames++;
    return msg;
  }

  /** Reads the varint prefix when complete; returns an error, or undefined (then #need is set or more bytes are needed). */
  #readLength(): PeersError | undefined {
    let n = 0;
    let shift = 0;
    let used = 0;
    for (const c of this.#chunks) {
      for (let i = 0; i < c.length; i++) {
        const b = c[i]!;
        used++;
        n += (b & 0x7f) * 2 ** shift;
        if ((b & 0x80) === 0) {
          if (n > this.maxFrame) return this.#fail(PeersCode.OVERSIZE, `frame of ${n} bytes over the maximum of ${this.maxFrame}`);
          this.#take(used);
          this.#need = n;
          return undefined;
        }
        shift += 7;
        if (used >= 5) return this.#fail(PeersCode.BAD_LENGTH, 'frame length prefix longer than 5 bytes');
      }
    }
    // An incomplete prefix that already says "too big" need not wait for its end.
    if (n > this.maxFrame) return this.#fail(PeersCode.OVERSIZE, `frame of more than ${this.maxFrame} bytes`);
    return undefined;
  }

  /** Removes and returns the first `n` held bytes (a view when they sit in one chunk). */
  #take(n: number): Buffer {
    this.#held -= n;
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.#chunks[0]!;
      const k = Math.min(c.length, n - at);
      c.copy(out, at, 0, k);
      at += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
    return out;
  }

  #fail(code: PeersCode, message: string): PeersError {
    this.#failed = new PeersError(code, message);
    this.#chunks = [];
    this.#held = 0;
    return this.#failed;
  }
}
