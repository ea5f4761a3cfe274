// HTTP/1.x codec: strict head parsing, body framing, rendering, and the
// responses Hawser produces itself. Pure: no sockets here.

export { HttpHead, HeadError, HEAD_END, DEFAULT_LIMITS, parseRequestHead, parseResponseHead, parseTrailerFields, isHeadError, removeHeader } from './head.ts';
export type { HeadLimits } from './head.ts';
export { ChunkedScanner, type ChunkSink } from './chunked.ts';
export { renderRequestHead, renderResponseHead } from './serialize.ts';
export { errorResponse, reasonPhrase, closesConnection, ERROR_STATUSES } from './errors.ts';
export { fieldValues, hasField, splitList } from './field-values.ts';
export { TOKEN } from './chars.ts';
export { CookiePair, nextCookiePair } from './cookie-pair.ts';
export { valueEnd } from './value-end.ts';
