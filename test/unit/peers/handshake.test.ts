import test from 'ava';
import { randomBytes } from 'node:crypto';
import { agreeVersion, Handshake, PeersCode, type FrameMsg, type HandshakeConfig, type HandshakeStep } from '../../../cluster/peers/index.ts';

function cfg(local: string, over: Partial<HandshakeConfig> = {}): HandshakeConfig {
  return {
    cluster: 'lb',
    local,
    peers: new Set(['a', 'b', 'c'].filter((n) => n !== local)),
    secret: Buffer.from('s3cret'),
    configHash: Buffer.alloc(32, local.charCodeAt(0)),
    software: 'hawser',
    instance: `i-${local}`,
    nonce: () => randomBytes(16),
    ...over,
  };
}

interface Outcome {
  connector: HandshakeStep | undefined;
  acceptor: HandshakeStep | undefined;
  /** Frames seen on the wire, in order. */
  wire: string[];
}

/** Plays both machines against each other until both are over (or nothing moves). */
function play(c: Handshake, a: Handshake): Outcome {
  const wire: string[] = [];
  let toA: FrameMsg[] = c.start();
  let toC: FrameMsg[] = [];
  let connector: HandshakeStep | undefined;
  let acceptor: HandshakeStep | undefined;
  for (let round = 0; round < 10 && (toA.length > 0 || toC.length > 0); round++) {
    const nextC: FrameMsg[] = [];
    for (const f of toA) {
      wire.push(`c>a ${f.body ?? Object.keys(f)[0]}`);
      if (a.over) continue;
      const step = a.receive(f);
      if (step.done !== undefined || step.fail !== undefined) acceptor = step;
      nextC.push(...step.send);
    }
    const nextA: FrameMsg[] = [];
    for (const f of [...toC, ...nextC]) {
      wire.push(`a>c ${f.body ?? Object.keys(f)[0]}`);
      if (c.over) continue;
      const step = c.receive(f);
      if (step.done !== undefined || step.fail !== undefined) connector = step;
      nextA.push(...step.send);
    }
    toA = nextA;
    toC = [];
  }
  return { connector, acceptor, wire };
}

test('with the same secret both ends prove it and agree on the session', (t) => {
  const r = play(new Handshake(cfg('a'), 'connect', 'b'), new Handshake(cfg('b'), 'accept'));
  t.deepEqual(r.wire, ['c>a hello', 'a>c hello', 'c>a auth']);
  t.is(r.connector?.done?.peer, 'b');
  t.is(r.acceptor?.done?.peer, 'a');
  t.is(r.connector?.done?.version, 1);
  t.is(r.acceptor?.done?.instance, 'i-a');
  t.deepEqual(Buffer.from(r.acceptor!.done!.configHash), Buffer.alloc(32, 'a'.charCodeAt(0)), 'the hash travels for drift checks');
});

test('a wrong secret is refused by whichever end checks first, with a Refuse', (t) => {
  // The connector checks the acceptor's proof first.
  const r = play(new Handshake(cfg('a'), 'connect', 'b'), new Handshake(cfg('b', { secret: Buffer.from('other') }), 'accept'));
  t.is(r.connector?.fail?.code, PeersCode.AUTH);
  t.is(r.connector?.done, undefined);
  t.deepEqual(r.wire, ['c>a hello', 'a>c hello', 'c>a refuse']);
  t.is(r.acceptor?.fail?.code, PeersCode.REFUSED);
  t.regex(r.acceptor!.fail!.message, /HAWSER_PEERS_AUTH/);
});

test('a connector that fakes the acceptor proof step still fails the challenge', (t) => {
  const a = new Handshake(cfg('b'), 'accept');
  const good = new Handshake(cfg('a', { secret: Buffer.from('guess') }), 'connect', 'b');
  const [hello] = good.start();
  const reply = a.receive(hello!);
  t.is(reply.done, undefined, 'with a secret the acceptor waits for the proof');
  const step = a.receive({ auth: { proof: Buffer.alloc(32) } });
  t.is(step.fail?.code, PeersCode.AUTH);
  t.is(step.send[0]?.refuse?.code, PeersCode.AUTH);
  // Replaying the acceptor's own proof back does not work either (proofs are labelled by role).
  const a2 = new Handshake(cfg('b'), 'accept');
  const r2 = a2.receive(new Handshake(cfg('a'), 'connect', 'b').start()[0]!);
  const step2 = a2.receive({ auth: { proof: r2.send[0]!.hello!.proof! } });
  t.is(step2.fail?.code, PeersCode.AUTH);
});

test('a secret on one end only is refused', (t) => {
  const r = play(new Handshake(cfg('a', { secret: undefined }), 'connect', 'b'), new Handshake(cfg('b'), 'accept'));
  t.is(r.acceptor?.fail?.code, PeersCode.AUTH);
  t.regex(r.acceptor!.fail!.message, /has no secret configured/);
  t.is(r.connector?.fail?.code, PeersCode.REFUSED);
});

test('without secrets on both ends the Hello exchange is enough', (t) => {
  const r = play(new Handshake(cfg('a', { secret: undefined }), 'connect', 'b'), new Handshake(cfg('b', { secret: undefined }), 'accept'));
  t.deepEqual(r.wire, ['c>a hello', 'a>c hello']);
  t.is(r.connector?.done?.peer, 'b');
  t.is(r.acceptor?.done?.peer, 'a');
});

test('mixed versions speak the older one, or refuse with both ranges', (t) => {
  t.is(agreeVersion({ version: 2, minVersion: 1 }, { version: 1, minVersion: 1 }), 1);
  t.is(agreeVersion({ version: 3, minVersion: 2 }, { version: 1, minVersion: 1 }), undefined);
  const ok = play(new Handshake(cfg('a', { version: 2, minVersion: 1 }), 'connect', 'b'), new Handshake(cfg('b'), 'accept'));
  t.is(ok.connector?.done?.version, 1);
  t.is(ok.acceptor?.done?.version, 1);
  const bad = play(new Handshake(cfg('a', { version: 3, minVersion: 2 }), 'connect', 'b'), new Handshake(cfg('b'), 'accept'));
  t.is(bad.acceptor?.fail?.code, PeersCode.VERSION);
  t.regex(bad.acceptor!.fail!.message, /speaks protocol versions 2\.\.3, this node 1\.\.1/);
  t.regex(bad.connector!.fail!.message, /refused by the peer: HAWSER_PEERS_VERSION/);
});

test('another section, a stranger name, or the wrong callee are refused', (t) => {
  const other = play(new Handshake(cfg('a', { cluster: 'other' }), 'connect', 'b'), new Handshake(cfg('b'), 'accept'));
  t.is(other.acceptor?.fail?.code, PeersCode.CLUSTER);
  const stranger = play(new Handshake(cfg('x'), 'connect', 'b'), new Handshake(cfg('b'), 'accept'));
  t.is(stranger.acceptor?.fail?.code, PeersCode.UNKNOWN_PEER);
  t.regex(stranger.acceptor!.fail!.message, /'x' is not a peer of section 'lb'/);
  const wrongCallee = play(new Handshake(cfg('a'), 'connect', 'c'), new Handshake(cfg('b'), 'accept'));
  t.is(wrongCallee.acceptor?.fail?.code, PeersCode.UNKNOWN_PEER);
  t.regex(wrongCallee.acceptor!.fail!.message, /called node 'c', this node is 'b'/);
});

test('anything but a Hello first is unexpected', (t) => {
  const a = new Handshake(cfg('b'), 'accept');
  const step = a.receive({ updates: { table: 1, names: [], entries: [], updateId: 1 } });
  t.is(step.fail?.code, PeersCode.UNEXPECTED);
  t.true(a.over);
});
