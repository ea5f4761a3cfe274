// The HTTP/2 <-> HTTP/1.1 translations of the gateway: request heads from
// header blocks (pseudo-headers, Host from :authority, cookies joined,
// connection fields dropped, chunked when the length is unknown) and
// HTTP/1.1 responses read back as status, fields and unframed body, fed in
// pieces of every size.

import test from 'ava';
import { requestHead, ResponseReader, type ResponseSink } from '../../../src/h2/index.ts';

test('request head: request line, Host from :authority, cookies joined, connection fields dropped', (t) => {
  const r = requestHead({ ':method': 'GET', ':path': '/a?b=1', ':scheme': 'https', ':authority': 'x.test:8443', cookie: ['a=1', 'b=2'] as unknown as string, 'x-y': 'z', connection: 'keep-alive', te: 'trailers' }, false);
  t.deepEqual(r, { text: 'GET /a?b=1 HTTP/1.1\r\nhost: x.test:8443\r\nx-y: z\r\nte: trailers\r\ncookie: a=1; b=2\r\n\r\n', chunked: false, tunnel: false });
  const keep = requestHead({ ':method': 'GET', ':path': '/', ':authority': 'a', host: 'b' }, false);
  t.true(typeof keep !== 'string' && keep.text.includes('host: b\r\n') && !keep.text.includes('host: a'), 'a host field wins over :authority');
});

test('request head: a body is chunked unless a content-length is given; malformed blocks are refused', (t) => {
  const c = requestHead({ ':method': 'POST', ':path': '/u', ':authority': 'a' }, true);
  t.true(typeof c !== 'string' && c.chunked && c.text.endsWith('transfer-encoding: chunked\r\n\r\n'));
  const l = requestHead({ ':method': 'POST', ':path': '/u', ':authority': 'a', 'content-length': '3' }, true);
  t.true(typeof l !== 'string' && !l.chunked);
  t.is(typeof requestHead({ ':method': 'GET', ':authority': 'a' }, false), 'string');
  t.is(typeof requestHead({ ':method': 'GET', ':path': '/' }, false), 'string', 'no authority, no host');
  const connect = requestHead({ ':method': 'CONNECT', ':authority': 'h:443' }, true);
  t.true(typeof connect !== 'string' && connect.text.startsWith('CONNECT h:443 HTTP/1.1\r\n'));
});

test('request head: an extended CONNECT (RFC 8441) is the Upgrade request, with the key HTTP/2 leaves out', (t) => {
  const r = requestHead({ ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'https', ':path': '/chat', ':authority': 'ws.test', 'sec-websocket-version': '13' }, true, 'a2V5a2V5a2V5a2V5a2V5aw==');
  t.deepEqual(r, {
    text: 'GET /chat HTTP/1.1\r\nhost: ws.test\r\nconnection: upgrade\r\nupgrade: websocket\r\nsec-websocket-key: a2V5a2V5a2V5a2V5a2V5aw==\r\nsec-websocket-version: 13\r\n\r\n',
    chunked: false,
    tunnel: true,
  });
});

class Collect implements ResponseSink {
  status = 0;
  headers: Record<string, string | string[]> = {};
  endStream = false;
  trailersMayFollow = false;
  trailers: Record<string, string | string[]> | undefined;
  body = '';
  ended = 0;
  failed = '';
  head(status: number, headers: Record<string, string | string[]>, endStream: boolean, trailersMayFollow: boolean): void {
    this.status = status;
    this.headers = headers;
    this.endStream = endStream;
    this.trailersMayFollow = trailersMayFollow;
  }
  data(chunk: Buffer): void {
    this.body += chunk.toString('latin1');
  }
  end(trailers?: Record<string, string | string[]>): void {
    this.ended++;
    this.trailers = trailers;
  }
  error(why: string): void {
    this.failed = why;
  }
}

/** Feeds `text` in pieces of `step` bytes. */
function read(text: string, step: number, headRequest = false, close = false, tunnel = false): Collect {
  const c = new Collect();
  const r = new ResponseReader(c, headRequest, tunnel);
  const b = Buffer.from(text, 'latin1');
  for (let i = 0; i < b.length; i += step) r.write(b.subarray(i, i + step));
  if (close) r.close();
  return c;
}

test('responses: content-length, chunked, close-delimited, 1xx skipped, HEAD and 204 without body, in any pieces', (t) => {
  for (const step of [1, 3, 7, 1000]) {
    const l = read('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello', step);
    t.is(l.status, 200);
    t.deepEqual(l.headers, { 'content-length': '5', 'set-cookie': ['a=1', 'b=2'] }, 'connection fields dropped, repeated ones kept');
    t.is(l.body, 'hello');
    t.is(l.ended, 1);
    t.false(l.trailersMayFollow);
    const c = read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: v\r\n\r\n', step);
    t.is(c.status, 201);
    t.false('transfer-encoding' in c.headers);
    t.is(c.body, 'abcde');
    t.is(c.ended, 1);
    t.true(c.trailersMayFollow);
    t.deepEqual(c.trailers, { t: 'v' }, 'the trailer section, whatever the pieces');
    const g = read(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nframe\r\n0\r\ngrpc-status: 0\r\nGrpc-Message:  all good \r\nContent-Length: 5\r\nx-many: 1\r\nx-many: 2\r\n\r\n',
      step,
    );
    t.deepEqual(g.trailers, { 'grpc-status': '0', 'grpc-message': 'all good', 'x-many': ['1', '2'] }, 'framing fields are no trailers');
    t.is(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', step).trailers, undefined, 'no trailer section');
    // Checked as head fields are: what HTTP/2 would refuse fails the response (the stream is reset), never a throw.
    for (const bad of ['bad name: x', 'x-v: a\x01b', 'no colon']) {
      const r = read(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n${bad}\r\n\r\n`, step);
      t.regex(r.failed, /^invalid trailer section: /, JSON.stringify(bad));
      t.is(r.ended, 0);
    }
    const c2 = read('HTTP/1.1 200 OK\r\nHTTP2-Settings: AAA\r\nTE: gzip\r\nContent-Length: 0\r\n\r\n', step);
    t.deepEqual(c2.headers, { 'content-length': '0' }, 'fields node:http2 refuses as connection-specific are dropped');
    const h = read('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', step, true);
    t.true(h.endStream);
    t.is(h.ended, 1);
    const e = read('HTTP/1.1 204 No Content\r\n\r\n', step);
    t.true(e.endStream);
    const k = read('HTTP/1.1 200 OK\r\n\r\nuntil the end', step, false, true);
    t.is(k.body, 'until the end');
    t.is(k.ended, 1);
  }
});

test('responses: bad framing and a cut-short body are errors, never a silent end', (t) => {
  t.regex(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 4).failed, /./);
  t.regex(read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', 4, false, true).failed, /cut short/);
  t.regex(read('garbage\r\n\r\n', 100).failed, /./);
});

test('responses: for an extended CONNECT a 101 is the 200 and what follows is tunnel data; a refusal is a response', (t) => {
  const up = read('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\nSec-WebSocket-Protocol: chat\r\n\r\n\x81\x02hi', 5, false, true, true);
  t.is(up.status, 200);
  t.deepEqual(up.headers, { 'sec-websocket-protocol': 'chat' });
  t.false(up.endStream);
  t.is(up.body, '\x81\x02hi');
  t.is(up.ended, 1);
  const no = read('HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno', 5, false, false, true);
  t.is(no.status, 403);
  t.is(no.body, 'no');
});
