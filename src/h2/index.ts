// HTTP/2 on the client side: node:http2 sessions whose streams feed the
// HTTP/1.1 pipeline (gateway), with the pure translations of request heads
// and responses between the two; and to servers (`proto h2`): a session
// that the pipeline speaks HTTP/1.1 to (server-socket).
export { H2Gateway, H2_PREFACE, type H2Options, type StreamTarget } from './gateway.ts';
export { requestHead, type RequestHead } from './request-head.ts';
export { ResponseReader, type ResponseSink } from './response-reader.ts';
export { H2ServerSocket, type H2ServerOptions } from './server-socket.ts';
