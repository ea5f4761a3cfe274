import test from 'ava';
import { DEFAULT_MAX_FRAME, encodeFrame, FrameDecoder, PeersCode, PeersError, type FrameMsg } from '../../../cluster/peers/index.ts';

const hello: FrameMsg = {
  hello: {
    version: 1,
    minVersion: 1,
    cluster: 'lb',
    from: 'a',
    to: 'b',
    configHash: Buffer.alloc(32, 7),
    nonce: Buffer.alloc(16, 1),
    secret: true,
    software: 'hawser',
    instance: 'x1',
  },
};
const updates: FrameMsg = {
  updates: {
    table: 3,
    names: ['a', 's1'],
    entries: [{ ikey: -1062731263, ver: 1.7e15 + 3, vnode: 1, srv: 2, tags: [5], shares: [{ node: 1, ver: 1.7e15, d: [1, -1, 2, 3] }] }],
    updateId: 99,
  },
};

function drain(d: FrameDecoder): Array<FrameMsg | PeersError> {
  const out: Array<FrameMsg | PeersError> = [];
  for (let i = 0; i < 100; i++) {
    const f = d.next();
    if (f === undefined) break;
    out.push(f);
    if (f instanceof PeersError) break;
  }
  return out;
}

test('frames survive any split of the byte stream', (t) => {
  const bytes = Buffer.concat([encodeFrame(hello), encodeFrame(updates), encodeFrame({ heartbeat: {} })]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const d = new FrameDecoder();
    const got: Array<FrameMsg | PeersError> = [];
    d.push(bytes.subarray(0, cut));
    got.push(...drain(d));
    d.push(bytes.subarray(cut));
    got.push(...drain(d));
    t.is(got.length, 3, `cut at ${cut}`);
    const [h, u, b] = got as FrameMsg[];
    t.is(h!.body, 'hello');
    t.is(h!.hello!.from, 'a');
    t.deepEqual(Buffer.from(h!.hello!.nonce), Buffer.alloc(16, 1));
    t.is(u!.body, 'updates');
    t.is(u!.updates!.entries[0]!.ikey, -1062731263);
    t.is(u!.updates!.entries[0]!.ver, 1.7e15 + 3, 'versions travel exactly');
    t.deepEqual(u!.updates!.entries[0]!.shares[0]!.d, [1, -1, 2, 3]);
    t.is(b!.body, 'heartbeat');
  }
});

test('byte-by-byte delivery decodes the same', (t) => {
  const bytes = encodeFrame(updates);
  const d = new FrameDecoder();
  const got: Array<FrameMsg | PeersError> = [];
  for (const b of bytes) {
    d.push(Buffer.from([b]));
    got.push(...drain(d));
  }
  t.is(got.length, 1);
  t.is((got[0] as FrameMsg).updates!.updateId, 99);
});

test('an oversize frame is refused from its length prefix alone', (t) => {
  const d = new FrameDecoder(1000);
  // Length 1001 as a varint, and no body yet.
  d.push(Buffer.from([0xe9, 0x07]));
  const f = d.next();
  t.true(f instanceof PeersError);
  t.is((f as PeersError).code, PeersCode.OVERSIZE);
  t.is(d.buffered, 0, 'nothing is kept');
  d.push(Buffer.alloc(2000));
  t.is(d.next(), f, 'the decoder stays failed');
  // A huge length is refused before its prefix even ends.
  const d2 = new FrameDecoder(1000);
  d2.push(Buffer.from([0xff, 0xff, 0xff]));
  t.is((d2.next() as PeersError).code, PeersCode.OVERSIZE);
  t.true(DEFAULT_MAX_FRAME >= 1 << 20);
});

test('a length prefix over 5 bytes is a framing error', (t) => {
  const d = new FrameDecoder(2 ** 40);
  d.push(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]));
  t.is((d.next() as PeersError).code, PeersCode.BAD_LENGTH);
});

test('bytes that are not a Frame are a typed error, not an exception', (t) => {
  const d = new FrameDecoder();
  // Field 1 (hello), length-delimited, claiming 5 bytes where 1 follows.
  d.push(Buffer.from([3, 0x0a, 0x05, 0x01]));
  const f = d.next();
  t.true(f instanceof PeersError);
  t.is((f as PeersError).code, PeersCode.MALFORMED);
  t.regex((f as PeersError).message, /^HAWSER_PEERS_MALFORMED malformed frame/);
});

test('an unknown body (a newer peer) decodes as an empty frame', (t) => {
  const d = new FrameDecoder();
  // Field 40, varint 1: not in this version's Frame.
  d.push(Buffer.from([3, 0xc0, 0x02, 0x01]));
  const f = d.next() as FrameMsg;
  t.false(f instanceof PeersError);
  t.is(f.body, undefined);
});

test('random garbage never throws and never yields a frame after an error', (t) => {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let errors = 0;
  for (let round = 0; round < 300; round++) {
    const d = new FrameDecoder(4096);
    const n = 1 + Math.floor(rand() * 200);
    const junk = Buffer.alloc(n);
    for (let i = 0; i < n; i++) junk[i] = Math.floor(rand() * 256);
    t.notThrows(() => {
      d.push(junk);
      let failed = false;
      for (let i = 0; i < 300; i++) {
        const f = d.next();
        if (f === undefined) break;
        if (f instanceof PeersError) {
          failed = true;
          errors++;
          t.is(d.next(), f);
          break;
        }
        t.false(failed);
      }
    });
  }
  t.true(errors > 0, 'garbage is mostly refused');
});
