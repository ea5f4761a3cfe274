// Who may share the tables: a secret (HMAC challenge) or TLS with a CA.
// Strangers connect with raw sockets and speak the protocol themselves.

import test from 'ava';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { encodeFrame, FrameDecoder, PeersCode, PeersError, type FrameMsg } from '../../../cluster/peers/index.ts';
import { freePorts } from '../../support/ports.ts';
import { peersNode, peersPki, peersSection, peerStatus, table, until } from '../../support/peers.ts';

/** A raw client: what it receives, frame by frame, until the other end closes. */
function stranger(port: number, socket?: Socket): { socket: Socket; frames: Array<FrameMsg | PeersError>; closed: Promise<void>; send: (f: FrameMsg) => void } {
  const s = socket ?? connect({ host: '127.0.0.1', port });
  const d = new FrameDecoder();
  const frames: Array<FrameMsg | PeersError> = [];
  s.on('data', (c: Buffer) => {
    d.push(c);
    for (let f = d.next(); f !== undefined; f = d.next()) {
      frames.push(f);
      if (f instanceof PeersError) break;
    }
  });
  s.on('error', () => {});
  const closed = new Promise<void>((r) => s.on('close', () => r()));
  return { socket: s, frames, closed, send: (f) => s.write(encodeFrame(f)) };
}

function hello(from: string, to: string, secret: boolean): FrameMsg {
  return {
    hello: { version: 1, minVersion: 1, cluster: 'lb', from, to, configHash: Buffer.alloc(32), nonce: Buffer.alloc(16, 9), secret, software: 'x', instance: 'x' },
  };
}

const bodies = (frames: Array<FrameMsg | PeersError>): string[] => frames.map((f) => (f instanceof PeersError ? f.code : (f.body ?? '?')));

test('nodes with different secrets never share a table, and say why', async (t) => {
  const [pa, pb] = await freePorts(2);
  const ta = table('a');
  const tb = table('b');
  const a = await peersNode(t, peersSection({ a: pa!, b: pb! }, ['secret right-one']), 'a', [ta]);
  const b = await peersNode(t, peersSection({ a: pa!, b: pb! }, ['secret wrong-one']), 'b', [tb]);
  ta.add(ta.getOrCreate(1)!, ta.data('gpc0')!, 1);
  tb.add(tb.getOrCreate(2)!, tb.data('gpc0')!, 1);
  await until(() => (peerStatus(a, 'b').errors[PeersCode.AUTH] ?? 0) > 0 && (peerStatus(b, 'a').errors[PeersCode.AUTH] ?? 0) > 0, 5000, 'refusals');
  await new Promise((r) => setTimeout(r, 200));
  t.is(peerStatus(a, 'b').status === 'ESTA', false);
  t.is(tb.lookup(1), undefined);
  t.is(ta.lookup(2), undefined);
  t.true(a.events.some((e) => e.event === 'peers-session-failed' && e.code === PeersCode.AUTH));
  t.regex(peerStatus(b, 'a').lastError ?? '', /HAWSER_PEERS_(AUTH|REFUSED)/);
});

test('a stranger without the secret can neither read nor write the table', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! }, ['secret s3cret']);
  const ta = table('a');
  ta.add(ta.getOrCreate(7)!, ta.data('gpc0')!, 3);
  const a = await peersNode(t, cfg, 'a', [ta]);
  // Claims to be b, answers the challenge with a guess.
  const x = stranger(pa!);
  x.send(hello('b', 'a', true));
  await until(() => x.frames.length >= 1, 3000, "a's hello");
  x.send({ auth: { proof: Buffer.alloc(32, 1) } });
  await x.closed;
  t.deepEqual(bodies(x.frames), ['hello', 'refuse'], 'only the challenge and the refusal came back');
  t.is((x.frames[1] as FrameMsg).refuse!.code, PeersCode.AUTH);
  // Skips the handshake and pushes entries.
  const y = stranger(pa!);
  y.send({ updates: { table: 1, names: ['b'], entries: [{ ikey: 99, ver: 1e16, vnode: 1, srv: 0, tags: [0], shares: [] }], updateId: 1 } });
  await y.closed;
  t.deepEqual(bodies(y.frames), ['refuse']);
  t.is((y.frames[0] as FrameMsg).refuse!.code, PeersCode.UNEXPECTED);
  t.is(ta.lookup(99), undefined, 'nothing was written');
  t.is(ta.used, 1);
  // Without claiming a secret at all.
  const z = stranger(pa!);
  z.send(hello('b', 'a', false));
  await z.closed;
  t.deepEqual(bodies(z.frames), ['refuse']);
  t.is(a.node.status().peers.find((p) => p.name === 'b')!.status === 'ESTA', false);
  t.true(a.events.some((e) => e.event === 'peers-refused' || e.event === 'peers-session-failed'));
});

test('malformed and oversize frames close that session only, and are counted', async (t) => {
  const [pa, pb] = await freePorts(2);
  const cfg = peersSection({ a: pa!, b: pb! });
  const ta = table('a');
  const tb = table('b');
  const a = await peersNode(t, cfg, 'a', [ta], { maxFrame: 4096 });
  await peersNode(t, cfg, 'b', [tb]);
  await until(() => peerStatus(a, 'b').status === 'ESTA', 5000, 'session');
  const bad = stranger(pa!);
  bad.socket.write(Buffer.from([4, 0x0a, 0x7f, 0x01, 0x02]));
  await bad.closed;
  t.is((bad.frames[0] as FrameMsg).refuse!.code, PeersCode.MALFORMED);
  const big = stranger(pa!);
  big.socket.write(Buffer.from([0x80, 0x80, 0x04])); // 65536 > 4096
  await big.closed;
  t.is((big.frames[0] as FrameMsg).refuse!.code, PeersCode.OVERSIZE);
  const st = a.node.status();
  t.is(st.errors[PeersCode.MALFORMED], 1);
  t.is(st.errors[PeersCode.OVERSIZE], 1);
  t.is(a.events.filter((e) => e.event === 'peers-bad-frame').length, 2);
  // The real session went on.
  t.is(peerStatus(a, 'b').status, 'ESTA');
  ta.add(ta.getOrCreate(5)!, ta.data('gpc0')!, 1);
  await until(() => tb.lookup(5) !== undefined, 3000, 'sync after the attacks');
  t.pass();
});

test('mixed protocol versions work when their ranges meet, and are refused cleanly when not', async (t) => {
  const [pa, pb, pc] = await freePorts(3);
  const cfg = peersSection({ a: pa!, b: pb!, c: pc! });
  const ta = table('a');
  const tb = table('b');
  const a = await peersNode(t, cfg, 'a', [ta]);
  const b = await peersNode(t, cfg, 'b', [tb], { version: 2, minVersion: 1 });
  const c = await peersNode(t, cfg, 'c', [table('c')], { version: 3, minVersion: 2 });
  ta.add(ta.getOrCreate(1)!, ta.data('gpc0')!, 1);
  await until(() => tb.lookup(1) !== undefined, 5000, 'a (1..1) and b (1..2) sync');
  t.is(peerStatus(b, 'a').version, 1);
  await until(() => (peerStatus(a, 'c').errors[PeersCode.VERSION] ?? 0) + (peerStatus(a, 'c').errors[PeersCode.REFUSED] ?? 0) > 0, 5000, 'refusal');
  t.true(a.events.some((e) => /speaks protocol versions 2\.\.3, this node 1\.\.1|HAWSER_PEERS_VERSION/.test(String(e.msg))));
  t.true(c.events.some((e) => /HAWSER_PEERS_VERSION/.test(String(e.msg))));
  t.not(peerStatus(c, 'a').status, 'ESTA');
});

// ---- TLS

test('TLS with a CA: members sync, a certificate from another CA is refused, plain TCP gets nothing', async (t) => {
  const f = peersPki(t);
  const [pa, pb, px] = await freePorts(3);
  const ports = { a: pa!, b: pb!, x: px! };
  const tlsLine = (crt: string): string[] => [`default-server ssl crt ${crt} ca-file ${f.ca} verify required`];
  const ta = table('a');
  const tb = table('b');
  const a = await peersNode(t, peersSection(ports, tlsLine(f.a!)), 'a', [ta]);
  await peersNode(t, peersSection(ports, tlsLine(f.b!)), 'b', [tb]);
  ta.add(ta.getOrCreate(1)!, ta.data('gpc0')!, 1);
  await until(() => tb.lookup(1) !== undefined, 8000, 'sync over TLS');
  t.true(peerStatus(a, 'b').tls);
  // x is named in the section but its certificate comes from another CA.
  const tx = table('x');
  const x = await peersNode(t, peersSection(ports, tlsLine(f.x!)), 'x', [tx]);
  await until(() => (a.node.status().errors[PeersCode.TLS] ?? 0) > 0 || (peerStatus(a, 'x').errors[PeersCode.TLS] ?? 0) > 0, 8000, 'TLS refusal');
  await new Promise((r) => setTimeout(r, 200));
  t.is(tx.lookup(1), undefined, 'x never read the table');
  t.not(peerStatus(x, 'a').status, 'ESTA');
  // A plain TCP client speaking the protocol gets no frame back.
  const plain = stranger(pa!);
  plain.send(hello('b', 'a', false));
  await plain.closed;
  t.deepEqual(bodies(plain.frames), []);
  // A TLS client without a certificate is refused by `verify required`.
  const noCert = stranger(pa!, tlsConnect({ host: '127.0.0.1', port: pa!, rejectUnauthorized: false }));
  noCert.send(hello('b', 'a', false));
  await noCert.closed;
  t.deepEqual(bodies(noCert.frames), []);
  t.is(ta.used, 1);
});
