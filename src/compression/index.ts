// HTTP response compression (`compression algo|type|offload`), with HAProxy
// 2.6's rules for when a response is compressed and how its head changes,
// plus brotli (`br`) for clients that accept it. negotiate.ts and
// response.ts are pure; encoder.ts adapts node:zlib. The proxy streams
// bodies through an encoder with bounded buffers (src/proxy/response-pipe.ts).
//
//   const c = effectiveCompression(fe.config.compression, be.config.compression);
//   const algo = c && chooseAlgorithm(c, req.headers);          // on the request
//   if (algo && compressible(res, { requestMethod, requestVersionMinor }, c)) compressedHead(res, algo);

export { effectiveCompression, chooseAlgorithm, codingName, type EffectiveCompression } from './negotiate.ts';
export { compressible, compressedHead, type ExchangeFacts } from './response.ts';
export { createEncoder, syncFlushKind, type Encoder } from './encoder.ts';
