// Compression and cache for one HTTP transaction: what the request chose
// (the content coding, the cache key, a cache hit) and what the response
// then gets (compressed or not, stored or not), in HAProxy 2.6's order:
// cache-use runs with the request rules, the coding is chosen once the
// backend is known, compression is decided on the response head before
// the response rules, cache-store stores the head as the rules left it so
// far and the body as the server sent it. A session creates this only when
// its frontend or backend compresses or a cache rule ran, so a plain proxy
// pays nothing.

import type { Socket } from 'node:net';
import { cacheRequest, type CacheHit, type CacheRequest, type CacheWriter, type HttpCache } from '../cache/index.ts';
import { chooseAlgorithm, compressedHead, compressible, effectiveCompression, type EffectiveCompression } from '../compression/index.ts';
import type { CompressionAlgo, CompressionSettings } from '../config/index.ts';
import { HttpHead, removeHeader } from '../http/index.ts';
import type { CacheAction } from '../rules/index.ts';
import { ResponsePipe, type ResponsePipeOwner } from './response-pipe.ts';

/** How the response body is framed on the source side. */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close';

export class HttpFilters {
  private comp: EffectiveCompression | null = null;
  /** The coding the client accepts and we offer, from the request. */
  private algo: CompressionAlgo | null = null;
  /** The response will be compressed with `algo`. */
  private compressing = false;
  /** Set by the frontend's compression (it runs before a backend's cache filter in HAProxy). */
  private frontendCompresses = false;
  private cacheReq: CacheRequest | null = null;
  /** What cache-use found; the session serves it instead of asking a server. */
  hit: CacheHit | null = null;
  private hitCache: HttpCache | null = null;
  private writer: CacheWriter | null = null;

  /** `http-request cache-use`: compute the key and look the response up (the first hit wins). */
  cacheUse(cache: HttpCache, req: HttpHead): void {
    if (this.hit !== null) return;
    const r = cacheRequest(req.method, req.versionMinor, req.target, req.headers, cache.settings.processVary);
    if (r === undefined) return;
    this.cacheReq = r;
    this.hit = cache.lookup(r, req.headers);
    if (this.hit !== null) this.hitCache = cache;
  }

  /**
   * Once the backend is known: the coding for this request, and with
   * `compression offload` the Accept-Encoding the server must not see.
   */
  negotiate(fe: CompressionSettings | undefined, be: CompressionSettings | undefined, req: HttpHead): void {
    this.comp = effectiveCompression(fe, be);
    if (this.comp === null) return;
    this.frontendCompresses = fe !== undefined;
    this.algo = chooseAlgorithm(this.comp, req.headers);
    if (this.algo !== null && this.comp.offload) removeHeader(req, 'accept-encoding');
  }

  /** The response head arrived (before the response rules): decide compression. */
  responseHead(res: HttpHead, req: HttpHead): void {
    const c = this.comp;
    this.compressing =
      this.algo !== null && c !== null && compressible(res, { requestMethod: req.method, requestVersionMinor: req.versionMinor }, c);
  }

  /**
   * `http-response cache-store`: start storing this response if it may be
   * stored. A hit is not stored again; a backend's cache does not store
   * what the frontend compresses (HAProxy's filter order).
   */
  cacheStore(cache: HttpCache, action: CacheAction, res: HttpHead): void {
    if (this.hit !== null || this.writer !== null || this.cacheReq === null) return;
    if (this.compressing && this.frontendCompresses && action.inBackend) return;
    const w = cache.beginStore(this.cacheReq, res.status, res.reason, res.headers, res.chunked ? -1 : res.contentLength);
    if (typeof w !== 'string') this.writer = w;
  }

  /** The head of the stored response to send (304 when the request's validators match), with its Age. */
  hitHead(): HttpHead {
    const { entry, notModified } = this.hit!;
    const nowSec = this.hitCache!.nowSec();
    const h = new HttpHead();
    h.status = notModified ? 304 : entry.status;
    h.reason = notModified ? 'Not Modified' : entry.reason;
    h.headers = [...entry.headers, 'age', String(entry.age(nowSec))];
    h.contentLength = entry.body.length;
    return h;
  }

  /** The stored body to send for `req`, or null (HEAD, 304). */
  hitBody(req: HttpHead): Buffer | null {
    const hit = this.hit!;
    return req.method === 'HEAD' || hit.notModified ? null : hit.entry.body;
  }

  /**
   * After the response rules, before the head is sent: rewrite the head for
   * compression and return the pipe the body must go through, or null when
   * it goes to the client as it is.
   */
  startBody(res: HttpHead, framing: BodyFraming, client: Socket, owner: ResponsePipeOwner, counters: readonly { bytesOut: number }[], copyInput: boolean): ResponsePipe | null {
    let writer = this.writer;
    this.writer = null;
    if (writer !== null && framing === 'none') {
      writer.finish();
      writer = null;
    } else if (writer !== null && framing === 'close') {
      // A body delimited by the connection's end is not stored.
      writer.abort();
      writer = null;
    }
    const compress = this.compressing && framing !== 'none' && framing !== 'close';
    if (compress) compressedHead(res, this.algo!);
    if (!compress && writer === null) return null;
    return new ResponsePipe(client, owner, counters, { chunked: framing === 'chunked', algo: compress ? this.algo : null, writer, copyInput });
  }

  /** The transaction ends without a body being sent (an error, a denied response). */
  abandon(): void {
    this.writer?.abort();
    this.writer = null;
  }
}
