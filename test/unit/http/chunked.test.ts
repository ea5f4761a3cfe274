import test from 'ava';
import { ChunkedScanner } from '../../../src/http/index.ts';

const body = '4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: yes\r\n\r\n';

test('finds the end of a chunked body with extensions and trailers', (t) => {
  const s = new ChunkedScanner();
  const b = Buffer.from(body + 'NEXT', 'latin1');
  t.is(s.scan(b, 0, b.length), body.length);
  t.true(s.done);
});

test('same result whatever the packet boundaries (every split, and byte by byte)', (t) => {
  const b = Buffer.from(body, 'latin1');
  for (let cut = 1; cut < b.length; cut++) {
    const s = new ChunkedScanner();
    t.is(s.scan(b, 0, cut), -1, `first part up to ${cut}`);
    t.is(s.scan(b, cut, b.length), b.length, `split at ${cut}`);
  }
  const s = new ChunkedScanner();
  let end = -1;
  for (let i = 0; i < b.length && end < 0; i++) end = s.scan(b, i, i + 1);
  t.is(end, b.length);
});

test('invalid framing is an error, not a hang', (t) => {
  for (const bad of ['x\r\n', '4\r\nWikiXX', '4\nWiki\r\n', '0\r\n\r\x00', 'fffffffffffffffffff\r\n']) {
    const s = new ChunkedScanner();
    const b = Buffer.from(bad, 'latin1');
    t.is(s.scan(b, 0, b.length), -2, JSON.stringify(bad));
    t.not(s.error, '');
  }
});
