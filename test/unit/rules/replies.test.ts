// The replies Hawser writes itself, as text: errorfiles read as raw HTTP
// responses, a reply's head taken apart and put back for
// http-after-response, statuses that carry no length.

import test from 'ava';
import { compileHttpRule, rawReply, replyBytes, replyHead, withReplyHead } from '../../../src/rules/index.ts';
import { ProxyAcls } from '../../../src/acl/index.ts';

test('an errorfile is a raw HTTP response, CRLF or LF, names lower-cased; anything else is refused', (t) => {
  const r = rawReply(Buffer.from('HTTP/1.0 503 Busy Now\r\nContent-Type: text/plain\r\nX-A: 1\r\n\r\nsorry\n'));
  t.truthy(r);
  t.is(r!.status, 503);
  t.is(r!.head, 'HTTP/1.1 503 Busy Now\r\ncontent-type: text/plain\r\nx-a: 1\r\n');
  t.is(r!.body.toString(), 'sorry\n');
  const lf = rawReply(Buffer.from('HTTP/1.1 403 Forbidden\nCache-Control: no-cache\n\nno\n'));
  t.is(lf!.head, 'HTTP/1.1 403 Forbidden\r\ncache-control: no-cache\r\n');
  t.is(lf!.body.toString(), 'no\n');
  t.is(rawReply(Buffer.from('<html>not a response</html>\r\n\r\n')), null);
  t.is(rawReply(Buffer.from('HTTP/1.1 503 no end of head\r\nx: y\r\n')), null);
});

test('a reply head taken apart and put back, edited', (t) => {
  const r = rawReply(Buffer.from('HTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\nno'))!;
  const h = replyHead(r);
  t.deepEqual(h, { status: 403, reason: 'Forbidden', headers: ['content-length', '2'] });
  h.headers.push('X-Frame-Options', 'DENY');
  const out = withReplyHead(r, 418, "I'm a teapot", h.headers);
  t.is(replyBytes(out, 'close').toString(), "HTTP/1.1 418 I'm a teapot\r\ncontent-length: 2\r\nx-frame-options: DENY\r\nconnection: close\r\n\r\nno");
});

test('return 204 states no length; auth challenges as HAProxy writes them', (t) => {
  const acls = new ProxyAcls({});
  const ret = compileHttpRule('request', ['return', 'status', '204'], acls, undefined, { loadFile: () => '' });
  t.false(ret instanceof Error);
  t.is((ret as { reply: { head: string } }).reply.head, 'HTTP/1.1 204 No Content\r\n');
  const auth = compileHttpRule('request', ['auth', 'realm', 'Staff Only'], acls, undefined, { loadFile: () => '' });
  const head = (auth as { reply: { head: string; body: Buffer } }).reply;
  t.is(head.head, 'HTTP/1.1 401 Unauthorized\r\ncontent-length: 112\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nwww-authenticate: Basic realm="Staff Only"\r\n');
  t.is(head.body.length, 112);
});
