// The node:zlib streams behind each algorithm (a thin adapter). Levels are
// HAProxy's default (tune.comp.maxlevel 1: fast, most of the gain) and a
// brotli quality of comparable cost. A flush after each burst of input lets
// a slow or streaming response (server-sent events) reach the client at
// once, as HAProxy flushes after each block it compresses.

import { constants, createBrotliCompress, createDeflate, createDeflateRaw, createGzip, type BrotliCompress, type Deflate, type DeflateRaw, type Gzip } from 'node:zlib';
import type { CompressionAlgo } from '../config/index.ts';

export type Encoder = Gzip | Deflate | DeflateRaw | BrotliCompress;

const ZLIB_OPTS = { level: 1, memLevel: 8 };
const BROTLI_OPTS = { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_LGWIN]: 18 } };

/** A fresh encoder, or null for `identity` (no transformation). */
export function createEncoder(algo: CompressionAlgo): Encoder | null {
  switch (algo) {
    case 'gzip':
      return createGzip(ZLIB_OPTS);
    case 'deflate':
      return createDeflate(ZLIB_OPTS);
    case 'raw-deflate':
      return createDeflateRaw(ZLIB_OPTS);
    case 'br':
      return createBrotliCompress(BROTLI_OPTS);
    case 'identity':
      return null;
  }
}

/** The flush that emits everything compressed so far without ending the stream. */
export function syncFlushKind(algo: CompressionAlgo): number {
  return algo === 'br' ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH;
}
