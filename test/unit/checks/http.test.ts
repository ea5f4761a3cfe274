// HTTP checks: the request bytes are those haproxy 2.6 writes for the same
// configuration (captured from its checks), and each verdict below is the
// one haproxy logged for the same answer.

import test from 'ava';
import { httpRequest, httpScript, parseResponse, parseStatusRanges, type HttpCheckRequest } from '../../../src/checks/http.ts';
import { CheckError } from '../../../src/checks/error.ts';
import { exchange } from './exchange.ts';

const req = (o: Partial<HttpCheckRequest> = {}): HttpCheckRequest =>
  ({ method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [], ...o });
type Expect = { negate: boolean; match: 'status' | 'rstatus' | 'string' | 'rstring'; pattern: string };
const ex = (match: Expect['match'], pattern: string, negate = false): Expect => ({ match, pattern, negate });

test('request bytes match haproxy 2.6 on the wire', (t) => {
  t.is(httpRequest(req()).toString(), 'OPTIONS / HTTP/1.0\r\n\r\n');
  t.is(httpRequest(req({ method: 'GET', uri: '/x', version: 'HTTP/1.1', headers: [['Host', 'foo'], ['X-A', 'b']] })).toString(),
    'GET /x HTTP/1.1\r\nhost: foo\r\nx-a: b\r\nconnection: close\r\n\r\n');
  t.is(httpRequest(req({ method: 'POST', uri: '/p', version: 'HTTP/1.1', headers: [['Host', 'foo']], body: 'hello' })).toString(),
    'POST /p HTTP/1.1\r\nhost: foo\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello');
  t.is(httpRequest(req({ method: 'GET', uri: '/l', headers: [['Host', 'legacy']] })).toString(), 'GET /l HTTP/1.0\r\nhost: legacy\r\n\r\n');
  t.is(httpRequest(req({ method: 'HEAD', uri: '/h', version: 'HTTP/1.1', headers: [['Host', 'foo'], ['Connection', 'keep-alive']] })).toString(),
    'HEAD /h HTTP/1.1\r\nhost: foo\r\n\r\n');
  t.is(httpRequest(req({ headers: [['Content-Length', '99'], ['Connection', 'keep-alive']] })).toString(),
    'OPTIONS / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n');
});

test('by default 2xx and 3xx pass, with the status as code', (t) => {
  t.like(exchange(httpScript(req()), ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']).done, { status: 'L7OK', code: 200, info: '' });
  t.like(exchange(httpScript(req()), ['HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n']).done, { status: 'L7OK', code: 301 });
  t.like(exchange(httpScript(req()), ['HTTP/1.0 200\r\n\r\nno reason']).done, { status: 'L7OK', code: 200 });
  t.like(exchange(httpScript(req()), ['HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n']).done,
    { status: 'L7STS', code: 404, info: 'Not Found' });
  t.like(exchange(httpScript(req()), ['HTTP/1.1 503 Service Unavailable\r\n', 'Content-Length: 4\r\n\r\ndown']).done,
    { status: 'L7STS', code: 503, info: 'Service Unavailable' }, 'a head in two pieces');
});

test('no answer or no HTTP is an invalid response without info', (t) => {
  t.like(exchange(httpScript(req()), []).done, { status: 'L7RSP', info: '' });
  t.like(exchange(httpScript(req()), ['FOO BAR\r\n\r\n']).done, { status: 'L7RSP', info: '' });
  t.like(exchange(httpScript(req()), ['HTTP/1.1 200 OK\r\nContent'], 'eof').done, { status: 'L7RSP', info: '' });
  t.like(exchange(httpScript(req()), [], 'timeout').done, { status: 'L7TOUT', info: '' });
});

test('expect status lists and ranges, negated or not', (t) => {
  const r500 = ['HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\nok'];
  t.like(exchange(httpScript(req(), ex('status', '200,300-499')), r500).done, { status: 'L7STS', code: 500, info: 'Internal Server Error' });
  t.like(exchange(httpScript(req(), ex('status', '500', true)), r500).done, { status: 'L7STS', code: 500 });
  t.like(exchange(httpScript(req(), ex('status', '200-599')), r500).done, { status: 'L7OK', code: 500 });
  t.like(exchange(httpScript(req(), ex('rstatus', '^5', true)), r500).done, { status: 'L7STS', info: 'Internal Server Error' });
  t.like(exchange(httpScript(req(), ex('rstatus', '^(2|5)')), r500).done, { status: 'L7OK' });
});

test('expect string and rstring on a chunked body', (t) => {
  const chunked = ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'];
  t.like(exchange(httpScript(req(), ex('string', 'lo wor')), chunked, 'timeout').done, { status: 'L7OK', code: 200 });
  t.like(exchange(httpScript(req(), ex('rstring', '^hel+o')), chunked, 'timeout').done, { status: 'L7OK' });
  t.like(exchange(httpScript(req(), ex('string', 'hello', true)), chunked, 'timeout').done,
    { status: 'L7RSP', info: 'HTTP check matched unwanted content' });
  t.like(exchange(httpScript(req(), ex('string', 'nothere')), chunked, 'timeout').done,
    { status: 'L7RSP', info: 'HTTP content check did not match' });
});

test('a body still coming: a match passes at once, a miss waits for the rest', (t) => {
  const partial = ['HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\nhello'];
  t.like(exchange(httpScript(req(), ex('string', 'hello')), partial, 'timeout').done, { status: 'L7OK' });
  t.like(exchange(httpScript(req(), ex('string', 'nothere')), partial, 'timeout').done, { status: 'L7TOUT' });
  t.like(exchange(httpScript(req(), ex('string', 'world')), [...partial, ' world, and more'], 'timeout').done, { status: 'L7OK' });
  t.like(exchange(httpScript(req(), ex('string', 'x')), ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']).done,
    { status: 'L7RSP', info: 'HTTP content check could not find a response body' });
});

test('HEAD answers and interim 1xx answers', (t) => {
  const head = httpScript(req({ method: 'HEAD', version: 'HTTP/1.1' }), ex('status', '200'));
  t.like(exchange(head, ['HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'], 'timeout').done, { status: 'L7OK' });
  t.like(exchange(httpScript(req()), ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n']).done, { status: 'L7OK', code: 204 });
});

test('the response parser', (t) => {
  t.is(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\n'), false), 'incomplete');
  t.is(parseResponse(Buffer.from('SSH-2.0-OpenSSH'), false), 'invalid');
  t.is(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nbad header\r\n\r\n'), false), 'invalid');
  t.is(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), false), 'invalid');
  const r = parseResponse(Buffer.from('HTTP/1.1 200 OK\nContent-Length: 3\n\nabcdef'), false);
  t.like(r, { status: 200, reason: 'OK', complete: true });
  t.is(typeof r === 'object' ? r.body.toString() : '', 'abc');
  t.deepEqual(parseStatusRanges('200,300-310'), [[200, 200], [300, 310]]);
  t.throws(() => parseStatusRanges('2xx'), { instanceOf: CheckError });
});
