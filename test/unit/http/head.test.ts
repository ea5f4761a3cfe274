import test from 'ava';
import { DEFAULT_LIMITS, HEAD_END, isHeadError, parseRequestHead, parseResponseHead, renderRequestHead, renderResponseHead } from '../../../src/http/index.ts';

function req(text: string) {
  const b = Buffer.from(text, 'latin1');
  const end = b.indexOf(HEAD_END);
  if (end < 0) throw new Error('no head end in fixture');
  return parseRequestHead(b, 0, end + 4, DEFAULT_LIMITS);
}

function res(text: string) {
  const b = Buffer.from(text, 'latin1');
  return parseResponseHead(b, 0, b.indexOf(HEAD_END) + 4, DEFAULT_LIMITS);
}

test('a plain GET parses with its fields as sent', (t) => {
  const h = req('GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nX-Thing:  spaced value  \r\n\r\n');
  if (isHeadError(h)) return t.fail(h.message);
  t.is(h.method, 'GET');
  t.is(h.target, '/a?b=1');
  t.is(h.versionMinor, 1);
  t.deepEqual(h.headers, ['Host', 'example.com', 'X-Thing', 'spaced value']);
  t.is(h.host, 'example.com');
  t.is(h.contentLength, -1);
  t.true(h.keepAlive);
});

test('framing facts are derived: length, chunked, close, upgrade, expect', (t) => {
  const a = req('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nConnection: close\r\nExpect: 100-continue\r\n\r\n');
  if (isHeadError(a)) return t.fail(a.message);
  t.is(a.contentLength, 12);
  t.false(a.keepAlive);
  t.true(a.expectContinue);
  const b = req('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n');
  if (isHeadError(b)) return t.fail(b.message);
  t.true(b.chunked);
  const c = req('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n');
  if (isHeadError(c)) return t.fail(c.message);
  t.true(c.connUpgrade);
  t.is(c.upgrade, 'websocket');
  const d = req('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n');
  if (isHeadError(d)) return t.fail(d.message);
  t.true(d.keepAlive, 'HTTP/1.0 with keep-alive stays open');
  const e = req('GET / HTTP/1.0\r\n\r\n');
  if (isHeadError(e)) return t.fail(e.message);
  t.false(e.keepAlive, 'HTTP/1.0 closes by default');
});

test('Transfer-Encoding beats Content-Length: the length is dropped and the connection closed', (t) => {
  const h = req('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n');
  if (isHeadError(h)) return t.fail(h.message);
  t.true(h.chunked);
  t.is(h.contentLength, -1);
  t.is(h.get('content-length'), undefined);
  t.false(h.keepAlive);
});

const bad: Array<[string, string]> = [
  ['GE T / HTTP/1.1\r\nHost: x\r\n\r\n', 'invalid HTTP version'],
  ['GET / HTTP/2.0\r\nHost: x\r\n\r\n', 'invalid HTTP version'],
  ['GET / HTTP/1.1\r\n\r\n', 'missing Host'],
  ['GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', 'duplicate Host'],
  ['GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n', 'obsolete line folding'],
  ['GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n', 'invalid header name'],
  ['GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n', 'invalid header value'],
  ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', 'Content-Length'],
  ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 'Content-Length'],
  ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n', 'Content-Length'],
  ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', 'Transfer-Encoding'],
  ['POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 'Transfer-Encoding'],
  ['GET foo HTTP/1.1\r\nHost: x\r\n\r\n', 'invalid request target'],
  ['GET / HTTP/1.1\nHost: x\r\n\r\n', 'line ending'],
  ['GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n', 'invalid request target'],
];

for (const [i, [text, why]] of bad.entries()) {
  test(`refused #${i}: ${JSON.stringify(text.slice(0, 60))} (${why})`, (t) => {
    const h = req(text);
    t.true(isHeadError(h), 'must be refused');
    if (isHeadError(h)) t.true(h.message.includes(why), `message "${h.message}" should mention "${why}"`);
  });
}

test('identical repeated Content-Length values are accepted', (t) => {
  const h = req('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7, 7\r\n\r\n');
  if (isHeadError(h)) return t.fail(h.message);
  t.is(h.contentLength, 7);
});

test('too many headers and too large heads are refused', (t) => {
  let many = 'GET / HTTP/1.1\r\nHost: x\r\n';
  for (let i = 0; i < 101; i++) many += `X-${i}: v\r\n`;
  const h = req(many + '\r\n');
  t.true(isHeadError(h));
  const big = req('GET / HTTP/1.1\r\nHost: x\r\nX: ' + 'a'.repeat(DEFAULT_LIMITS.maxHeadSize) + '\r\n\r\n');
  t.true(isHeadError(big));
});

test('responses: status, reason, framing', (t) => {
  const r = res('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n');
  if (isHeadError(r)) return t.fail(r.message);
  t.is(r.status, 200);
  t.is(r.reason, 'OK');
  t.is(r.contentLength, 3);
  const n = res('HTTP/1.1 204\r\n\r\n');
  if (isHeadError(n)) return t.fail(n.message);
  t.is(n.status, 204);
  t.is(n.reason, '');
  t.true(isHeadError(res('HTTP/1.1 20 OK\r\n\r\n')));
  t.true(isHeadError(res('HTTP/1.1 600 Nope\r\n\r\n')));
  const other = res('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n');
  if (isHeadError(other)) return t.fail(other.message);
  t.true(other.otherEncoding, 'a non-chunked coding means: read until close');
});

test('rendering drops hop-by-hop fields and states our own Connection', (t) => {
  const h = req('GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, foo\r\nKeep-Alive: timeout=5\r\nProxy-Connection: x\r\nAccept: */*\r\n\r\n');
  if (isHeadError(h)) return t.fail(h.message);
  t.is(
    renderRequestHead(h, 'X-Forwarded-For: 10.0.0.1\r\n', 'close'),
    'GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nConnection: close\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n',
  );
  const r = res('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  if (isHeadError(r)) return t.fail(r.message);
  t.is(renderResponseHead(r, ''), 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
});
