// Where a response body goes when it is compressed or stored in a cache on
// its way to the client (an I/O adapter between the session and the client
// socket). Server bytes come in with their framing; chunked framing is
// decoded when the body must be seen as data. Stored bodies are copied into
// the cache writer; compressed bodies go through a zlib stream whose output
// is sent chunked. Memory stays bounded: a client that reads slowly pauses
// the encoder, a full encoder pauses the source (the server connection).

import type { Socket } from 'node:net';
import { ChunkedScanner, type ChunkSink } from '../http/index.ts';
import { createEncoder, syncFlushKind, type Encoder } from '../compression/index.ts';
import type { CompressionAlgo } from '../config/index.ts';
import type { CacheWriter } from '../cache/index.ts';

export interface ResponsePipeOwner {
  /** The pipe takes input again: resume the source. */
  pipeDrained(): void;
  /** After end(): the last byte went to the client. */
  pipeEnded(): void;
  /** The encoder failed; the response cannot be completed. */
  pipeFailed(err: Error): void;
}

/** Counters that count bytes sent to the client (the transaction's and the frontend's). */
interface BytesOut {
  bytesOut: number;
}

export interface ResponsePipeOptions {
  /** The source body carries chunked framing. */
  chunked: boolean;
  /** Compress with this algorithm (identity: send the data chunked, unchanged), or null to pass the bytes through. */
  algo: CompressionAlgo | null;
  /** Stores the decoded body, or null. */
  writer: CacheWriter | null;
  /** Input buffers are reused by their producer once write() returns (server reads): copy what is kept. */
  copyInput: boolean;
}

const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');

export class ResponsePipe implements ChunkSink {
  private readonly client: Socket;
  private readonly owner: ResponsePipeOwner;
  private readonly counters: readonly BytesOut[];
  private readonly scanner: ChunkedScanner | null;
  private readonly encoder: Encoder | null;
  /** Compressing (or re-framing for identity): the body is sent chunked by us. */
  private readonly transform: boolean;
  private readonly flushKind: number;
  private readonly copyInput: boolean;
  private writer: CacheWriter | null;
  /** The encoder's input is full: the source must wait for 'drain'. */
  private inputBlocked = false;
  private wroteSinceFlush = false;
  private ending = false;
  private done = false;

  constructor(client: Socket, owner: ResponsePipeOwner, counters: readonly BytesOut[], o: ResponsePipeOptions) {
    this.client = client;
    this.owner = owner;
    this.counters = counters;
    this.writer = o.writer;
    this.copyInput = o.copyInput;
    this.transform = o.algo !== null;
    this.encoder = o.algo !== null ? createEncoder(o.algo) : null;
    this.flushKind = o.algo !== null ? syncFlushKind(o.algo) : 0;
    this.scanner = o.chunked && (this.transform || this.writer !== null) ? new ChunkedScanner() : null;
    const e = this.encoder;
    if (e !== null) {
      e.on('data', this.onEncoded);
      e.on('drain', this.onEncoderDrain);
      e.on('end', this.onEncoderEnd);
      e.on('error', this.onEncoderError);
    }
    client.on('close', this.onClientClose);
  }

  /**
   * Body bytes buf[start, end) as the source framed them. False when the
   * source should pause until the owner's pipeDrained().
   */
  write(buf: Buffer, start: number, end: number): boolean {
    if (this.done || this.ending) return true;
    if (this.scanner !== null) this.scanner.scan(buf, start, end, this);
    else this.chunkData(buf, start, end);
    if (!this.transform) {
      this.count(end - start);
      return this.client.write(start === 0 && end === buf.length ? buf : buf.subarray(start, end));
    }
    if (this.encoder === null) return !this.client.writableNeedDrain;
    if (this.wroteSinceFlush) {
      this.wroteSinceFlush = false;
      this.encoder.flush(this.flushKind);
    }
    return !this.inputBlocked;
  }

  /** Decoded body data (ChunkSink). */
  chunkData(buf: Buffer, start: number, end: number): void {
    if (this.writer !== null && !this.writer.append(buf, start, end)) this.writer = null;
    if (!this.transform || start === end) return;
    const e = this.encoder;
    if (e === null) {
      this.sendChunk(buf.subarray(start, end));
      return;
    }
    const data = this.copyInput ? Buffer.from(buf.subarray(start, end)) : buf.subarray(start, end);
    this.wroteSinceFlush = true;
    if (!e.write(data)) this.inputBlocked = true;
  }

  /**
   * The source's body is complete. True when everything is already with the
   * client; false when the encoder still works (pipeEnded() follows).
   */
  end(): boolean {
    if (this.done) return true;
    if (this.ending) return false;
    this.ending = true;
    this.writer?.finish();
    this.writer = null;
    if (!this.transform) return this.finish();
    if (this.encoder === null) {
      this.send(LAST_CHUNK);
      return this.finish();
    }
    this.encoder.end();
    return false;
  }

  /** The client socket drained (the session forwards its 'drain'). */
  clientDrained(): void {
    // With an encoder the source waits for the encoder's 'drain', not the client's.
    if (this.encoder === null) this.owner.pipeDrained();
    else if (this.encoder.isPaused()) this.encoder.resume();
  }

  private count(n: number): void {
    for (const c of this.counters) c.bytesOut += n;
  }

  private send(b: Buffer): boolean {
    this.count(b.length);
    return this.client.write(b);
  }

  /** One chunk of our own framing around `data`; pauses the encoder when the client is full. */
  private sendChunk(data: Buffer): void {
    const c = this.client;
    c.cork();
    this.send(Buffer.from(data.length.toString(16) + '\r\n', 'latin1'));
    this.send(data);
    const ok = this.send(CRLF);
    c.uncork();
    if (!ok && this.encoder !== null) this.encoder.pause();
  }

  private readonly onEncoded = (out: Buffer): void => {
    if (!this.done && out.length > 0) this.sendChunk(out);
  };

  private readonly onEncoderDrain = (): void => {
    this.inputBlocked = false;
    if (!this.done) this.owner.pipeDrained();
  };

  private readonly onEncoderEnd = (): void => {
    if (this.done) return;
    this.send(LAST_CHUNK);
    this.finish();
    this.owner.pipeEnded();
  };

  private readonly onEncoderError = (err: Error): void => {
    if (this.done) return;
    this.close();
    this.owner.pipeFailed(err);
  };

  private readonly onClientClose = (): void => {
    this.close();
  };

  private finish(): boolean {
    this.done = true;
    this.client.off('close', this.onClientClose);
    return true;
  }

  /** Drop everything (the client left, or the exchange was aborted). */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.client.off('close', this.onClientClose);
    this.writer?.abort();
    this.writer = null;
    this.encoder?.destroy();
  }
}
