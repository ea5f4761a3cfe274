// Finds the end of a chunked body (RFC 9112 7.1) while the bytes stream
// through untouched: the proxy forwards chunks as they are and only needs to
// know where the message ends and whether the framing is valid.

const CR = 0x0d;
const LF = 0x0a;

const S_SIZE = 0;
const S_EXT = 1;
const S_SIZE_LF = 2;
const S_DATA = 3;
const S_DATA_CR = 4;
const S_DATA_LF = 5;
const S_TRAILER_START = 6;
const S_TRAILER = 7;
const S_TRAILER_LF = 8;
const S_END_LF = 9;
const S_DONE = 10;

/** Chunk sizes above this are refused (a 2^53 overflow guard, far above any real body). */
const MAX_CHUNK = 2 ** 48;
/** Bound on one chunk-extension or trailer line, so a peer cannot make us scan forever. */
const MAX_LINE = 8192;

/** Receives the chunk data (the body without its framing) when the caller needs it decoded. */
export interface ChunkSink {
  chunkData(buf: Buffer, start: number, end: number): void;
  /**
   * The trailer section's bytes as they pass (field lines with their CRLF,
   * not the final empty line), for a sink that carries trailers on (HTTP/2).
   */
  trailerData?(buf: Buffer, start: number, end: number): void;
}

export class ChunkedScanner {
  private state = S_SIZE;
  private size = 0;
  private digits = 0;
  private remaining = 0;
  private lineLen = 0;
  /** Set when the framing is invalid; the message must be aborted. */
  error = '';

  get done(): boolean {
    return this.state === S_DONE;
  }

  reset(): void {
    this.state = S_SIZE;
    this.size = 0;
    this.digits = 0;
    this.remaining = 0;
    this.lineLen = 0;
    this.error = '';
  }

  /**
   * Scan buf[start, end). Returns the offset just past the body when its end
   * lies in this range, -1 when more bytes are needed, -2 on a framing error.
   * `sink`, when given, is handed each run of chunk data as it is passed.
   */
  scan(buf: Buffer, start: number, end: number, sink: ChunkSink | null = null): number {
    let i = start;
    // Where the trailer line in progress starts in this buffer (-1: none), when the sink wants trailers.
    const trailers = sink?.trailerData !== undefined;
    let t0 = trailers && (this.state === S_TRAILER || this.state === S_TRAILER_LF) ? start : -1;
    while (i < end) {
      switch (this.state) {
        case S_DATA: {
          const n = Math.min(this.remaining, end - i);
          if (sink !== null && n > 0) sink.chunkData(buf, i, i + n);
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.state = S_DATA_CR;
          break;
        }
        case S_SIZE: {
          const c = buf[i];
          const h = hexValue(c);
          if (h >= 0) {
            this.size = this.size * 16 + h;
            this.digits++;
            if (this.size > MAX_CHUNK) return this.fail('chunk size too large');
            i++;
          } else if (this.digits === 0) {
            return this.fail('invalid chunk size');
          } else if (c === CR) {
            this.state = S_SIZE_LF;
            i++;
          } else if (c === 0x3b /* ; */ || c === 0x20 || c === 0x09) {
            this.state = S_EXT;
            this.lineLen = 0;
            i++;
          } else {
            return this.fail('invalid chunk size');
          }
          break;
        }
        case S_EXT: {
          const c = buf[i];
          if (c === CR) this.state = S_SIZE_LF;
          else if (c === LF || ++this.lineLen > MAX_LINE) return this.fail('invalid chunk extension');
          i++;
          break;
        }
        case S_SIZE_LF: {
          if (buf[i] !== LF) return this.fail('invalid chunk size line ending');
          i++;
          if (this.size === 0) {
            this.state = S_TRAILER_START;
          } else {
            this.remaining = this.size;
            this.state = S_DATA;
          }
          this.size = 0;
          this.digits = 0;
          break;
        }
        case S_DATA_CR:
          if (buf[i] !== CR) return this.fail('missing CRLF after chunk data');
          this.state = S_DATA_LF;
          i++;
          break;
        case S_DATA_LF:
          if (buf[i] !== LF) return this.fail('missing CRLF after chunk data');
          this.state = S_SIZE;
          i++;
          break;
        case S_TRAILER_START:
          if (buf[i] === CR) {
            this.state = S_END_LF;
          } else {
            this.state = S_TRAILER;
            this.lineLen = 0;
            if (trailers) t0 = i;
          }
          i++;
          break;
        case S_TRAILER: {
          const c = buf[i];
          if (c === CR) this.state = S_TRAILER_LF;
          else if (c === LF || ++this.lineLen > MAX_LINE) return this.fail('invalid trailer');
          i++;
          break;
        }
        case S_TRAILER_LF:
          if (buf[i] !== LF) return this.fail('invalid trailer line ending');
          this.state = S_TRAILER_START;
          i++;
          if (t0 >= 0) {
            sink!.trailerData!(buf, t0, i);
            t0 = -1;
          }
          break;
        case S_END_LF:
          if (buf[i] !== LF) return this.fail('invalid end of chunked body');
          this.state = S_DONE;
          return i + 1;
        default:
          return i;
      }
    }
    // A trailer line continues in the next buffer.
    if (t0 >= 0 && end > t0) sink!.trailerData!(buf, t0, end);
    return -1;
  }

  private fail(msg: string): number {
    this.error = msg;
    return -2;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}
