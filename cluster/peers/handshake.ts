// The opening of a peers session, as a pure state machine: frames in,
// frames out, and at the end either the agreed session (the other node's
// name, the protocol version both speak, its configuration hash) or a
// PeersError saying why not. No socket, no timer: the session feeds it.
//
//   connector                         acceptor
//   Hello{from, to, nonce_c}   ->
//                              <-     Hello{from, to, nonce_a, proof_a}
//   Auth{proof_c}              ->
//
// With a shared secret each side proves it holds it with an HMAC over both
// nonces, both names and the section, labelled by role so that a proof can
// be neither replayed nor reflected. Without one on either end both sides
// skip the proofs; a secret on one end only is refused (a half-configured
// cluster must be noticed, not silently open). Whatever goes wrong, the
// side that notices sends a Refuse with the reason before closing, so both
// logs say the same thing. Tables are only exchanged after this.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { PeersCode, PeersError } from './peers-error.ts';
import { frameBody, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, type FrameMsg, type HelloMsg } from './schema.ts';

export interface HandshakeConfig {
  /** The peers section's name. */
  readonly cluster: string;
  /** This node's name. */
  readonly local: string;
  /** Names of the other peers of the section. */
  readonly peers: ReadonlySet<string>;
  readonly secret: Buffer | undefined;
  readonly configHash: Uint8Array;
  /** The whole configuration file's hash (cluster/config-file-hash.ts); none: not sent. */
  readonly fileHash?: Uint8Array;
  readonly software: string;
  /** Random per process start. */
  readonly instance: string;
  readonly nonce: () => Uint8Array;
  /** The versions spoken (tests and rolling upgrades override them). */
  readonly version?: number;
  readonly minVersion?: number;
}

export interface HandshakeResult {
  readonly peer: string;
  readonly version: number;
  readonly configHash: Uint8Array;
  /** Empty when the peer sent none (an older node). */
  readonly fileHash: Uint8Array;
  readonly software: string;
  readonly instance: string;
}

export interface HandshakeStep {
  /** Frames to send now, in order. */
  readonly send: FrameMsg[];
  /** Set when the handshake succeeded. */
  readonly done?: HandshakeResult;
  /** Set when it failed: close after sending `send`. */
  readonly fail?: PeersError;
}

type Role = 'connect' | 'accept';

/** The protocol version two nodes speak, or undefined when their ranges do not meet. */
export function agreeVersion(ours: { version: number; minVersion: number }, theirs: { version: number; minVersion: number }): number | undefined {
  const v = Math.min(ours.version, theirs.version);
  return v >= Math.max(ours.minVersion, theirs.minVersion) ? v : undefined;
}

/** The proof of the node playing `role`: HMAC-SHA256 over the section, both names and both nonces. */
export function authProof(secret: Buffer, role: Role, cluster: string, connector: string, acceptor: string, nonceC: Uint8Array, nonceA: Uint8Array): Buffer {
  const h = createHmac('sha256', secret);
  h.update(`hawser-peers\0${role}\0${cluster}\0${connector}\0${acceptor}\0`);
  h.update(nonceC);
  h.update(nonceA);
  return h.digest();
}

/** Random bytes each side contributes to the challenge. */
export const NONCE_BYTES = 16;

function proofMatches(got: Uint8Array | undefined, want: Buffer): boolean {
  return got instanceof Uint8Array && got.length === want.length && timingSafeEqual(got, want);
}

export class Handshake {
  readonly #cfg: HandshakeConfig;
  readonly role: Role;
  /** The node we called (connector only). */
  readonly #expected: string | undefined;
  #myNonce: Uint8Array = new Uint8Array(0);
  #theirNonce: Uint8Array = new Uint8Array(0);
  #their: HelloMsg | undefined;
  #version = 0;
  #over = false;

  constructor(cfg: HandshakeConfig, role: Role, expectedPeer?: string) {
    this.#cfg = cfg;
    this.role = role;
    this.#expected = expectedPeer;
  }

  get over(): boolean {
    return this.#over;
  }

  /** What the node sends first: the connector's Hello; the acceptor waits. */
  start(): FrameMsg[] {
    if (this.role === 'accept') return [];
    this.#myNonce = this.#cfg.nonce();
    return [{ hello: this.#hello(this.#expected!, undefined) }];
  }

  receive(f: FrameMsg): HandshakeStep {
    const body = frameBody(f);
    if (this.#over) return this.#failed(PeersCode.UNEXPECTED, 'frame after the handshake ended', false);
    if (body === 'refuse') {
      this.#over = true;
      return { send: [], fail: new PeersError(PeersCode.REFUSED, `refused by the peer: ${f.refuse!.code} ${f.refuse!.reason}`) };
    }
    if (this.#their === undefined) {
      if (body !== 'hello') return this.#failed(PeersCode.UNEXPECTED, `expected a Hello, got ${body ?? 'an empty frame'}`);
      return this.role === 'accept' ? this.#acceptHello(f.hello!) : this.#connectorHello(f.hello!);
    }
    if (this.role === 'accept' && body === 'auth') {
      const want = authProof(this.#cfg.secret!, 'connect', this.#cfg.cluster, this.#their.from, this.#cfg.local, this.#theirNonce, this.#myNonce);
      if (!proofMatches(f.auth!.proof, want)) return this.#failed(PeersCode.AUTH, `peer '${this.#their.from}' failed the secret challenge`);
      return this.#done([]);
    }
    return this.#failed(PeersCode.UNEXPECTED, `unexpected ${body ?? 'empty frame'} during the handshake`);
  }

  #acceptHello(h: HelloMsg): HandshakeStep {
    const bad = this.#checkHello(h, undefined);
    if (bad !== undefined) return bad;
    this.#their = h;
    this.#theirNonce = h.nonce;
    this.#myNonce = this.#cfg.nonce();
    const proof =
      this.#cfg.secret === undefined
        ? undefined
        : authProof(this.#cfg.secret, 'accept', this.#cfg.cluster, h.from, this.#cfg.local, this.#theirNonce, this.#myNonce);
    const reply: FrameMsg = { hello: this.#hello(h.from, proof) };
    return this.#cfg.secret === undefined ? this.#done([reply]) : { send: [reply] };
  }

  #connectorHello(h: HelloMsg): HandshakeStep {
    const bad = this.#checkHello(h, this.#expected);
    if (bad !== undefined) return bad;
    this.#their = h;
    this.#theirNonce = h.nonce;
    if (this.#cfg.secret === undefined) return this.#done([]);
    const want = authProof(this.#cfg.secret, 'accept', this.#cfg.cluster, this.#cfg.local, h.from, this.#myNonce, this.#theirNonce);
    if (!proofMatches(h.proof, want)) return this.#failed(PeersCode.AUTH, `peer '${h.from}' failed the secret challenge`);
    const proof = authProof(this.#cfg.secret, 'connect', this.#cfg.cluster, this.#cfg.local, h.from, this.#myNonce, this.#theirNonce);
    return this.#done([{ auth: { proof } }]);
  }

  /** The checks both roles make on the other's Hello. */
  #checkHello(h: HelloMsg, expected: string | undefined): HandshakeStep | undefined {
    const c = this.#cfg;
    const ours = { version: c.version ?? PROTOCOL_VERSION, minVersion: c.minVersion ?? MIN_PROTOCOL_VERSION };
    const v = agreeVersion(ours, h);
    if (v === undefined) {
      return this.#failed(
        PeersCode.VERSION,
        `peer '${h.from}' speaks protocol versions ${h.minVersion}..${h.version}, this node ${ours.minVersion}..${ours.version}`,
      );
    }
    this.#version = v;
    if (h.cluster !== c.cluster) return this.#failed(PeersCode.CLUSTER, `peer '${h.from}' belongs to peers section '${h.cluster}', not '${c.cluster}'`);
    if (h.to !== c.local) return this.#failed(PeersCode.UNKNOWN_PEER, `peer '${h.from}' called node '${h.to}', this node is '${c.local}'`);
    if (expected !== undefined ? h.from !== expected : !c.peers.has(h.from)) {
      return this.#failed(
        PeersCode.UNKNOWN_PEER,
        expected !== undefined ? `node '${h.from}' answered where peer '${expected}' was expected` : `'${h.from}' is not a peer of section '${c.cluster}'`,
      );
    }
    if (h.secret !== (c.secret !== undefined)) {
      return this.#failed(
        PeersCode.AUTH,
        c.secret !== undefined ? `peer '${h.from}' has no secret configured, this node has one` : `peer '${h.from}' has a secret configured, this node has none`,
      );
    }
    if (c.secret !== undefined && !(h.nonce instanceof Uint8Array && h.nonce.length >= NONCE_BYTES)) {
      return this.#failed(PeersCode.AUTH, `peer '${h.from}' sent no usable challenge nonce`);
    }
    return undefined;
  }

  #hello(to: string, proof: Buffer | undefined): HelloMsg {
    const c = this.#cfg;
    const h: HelloMsg = {
      version: c.version ?? PROTOCOL_VERSION,
      minVersion: c.minVersion ?? MIN_PROTOCOL_VERSION,
      cluster: c.cluster,
      from: c.local,
      to,
      configHash: c.configHash,
      nonce: this.#myNonce,
      secret: c.secret !== undefined,
      software: c.software,
      instance: c.instance,
    };
    if (proof !== undefined) h.proof = proof;
    if (c.fileHash !== undefined) h.fileHash = c.fileHash;
    return h;
  }

  #done(send: FrameMsg[]): HandshakeStep {
    this.#over = true;
    const h = this.#their!;
    const fileHash = h.fileHash instanceof Uint8Array ? h.fileHash : new Uint8Array(0);
    return { send, done: { peer: h.from, version: this.#version, configHash: h.configHash, fileHash, software: h.software, instance: h.instance } };
  }

  #failed(code: PeersCode, reason: string, tell = true): HandshakeStep {
    this.#over = true;
    return { send: tell ? [{ refuse: { code, reason } }] : [], fail: new PeersError(code, reason) };
  }
}
