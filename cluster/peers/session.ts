// One connection with one peer (the I/O adapter around the pure parts): a
// TCP or TLS socket, the frame codec, the handshake, then stick-table sync,
// heartbeats and the dead-peer timer. Whatever goes wrong on it (a bad
// frame, a timeout, a refusal) closes this session only, with a PeersError
// its node logs and counts; the node decides about reconnecting.

import type { Socket } from 'node:net';
import type { EventLogger } from '../../src/events/index.ts';
import { encodeFrame, FrameDecoder } from './codec.ts';
import { Handshake, type HandshakeConfig, type HandshakeResult } from './handshake.ts';
import { PeersCode, PeersError } from './peers-error.ts';
import type { FrameMsg, NodeStatusMsg } from './schema.ts';
import { SessionSync, type LinkTables, type SyncedTable } from './table-sync.ts';

export interface SessionTiming {
  /** A heartbeat goes out when nothing else was sent for this long (ms). */
  readonly heartbeatMs: number;
  /** Nothing received for this long closes the session (ms). */
  readonly deadMs: number;
  /** The handshake must be over within this (ms). */
  readonly handshakeMs: number;
}

/** The node a session belongs to. */
export interface SessionHost {
  readonly events: EventLogger;
  readonly section: string;
  readonly timing: SessionTiming;
  readonly maxFrame: number;
  handshakeConfig(): HandshakeConfig;
  /** The handshake succeeded: the node adopts the session (startSync) or closes it. */
  established(s: PeerSession, r: HandshakeResult): void;
  closed(s: PeerSession, why: PeersError): void;
  acked(t: SyncedTable): void;
  /** The peer says what its node is now (an established session only). */
  nodeStatus(s: PeerSession, msg: NodeStatusMsg): void;
}

export type SessionState = 'connecting' | 'handshake' | 'established' | 'closed';

/** Bytes queued in the socket above which sync waits for a drain. */
const HIGH_WATER = 512 * 1024;
/** How long a Refuse may take to leave before the socket is destroyed. */
const LINGER_MS = 500;

export class PeerSession {
  readonly role: 'connect' | 'accept';
  readonly socket: Socket;
  readonly #host: SessionHost;
  readonly #decoder: FrameDecoder;
  #handshake: Handshake | undefined;
  #sync: SessionSync | undefined;
  #timer: NodeJS.Timeout | undefined;
  #pumpScheduled = false;
  state: SessionState;
  /** The peer's name: expected (connector) or announced (once the handshake is done). */
  peer: string | undefined;
  /** A random id of the peer's process, from its Hello. */
  peerInstance = '';
  version = 0;
  remoteHash: Uint8Array = new Uint8Array(0);
  /** The peer's whole-file configuration hash, from its Hello then its NodeStatus frames (empty: not sent). */
  remoteFileHash: Uint8Array = new Uint8Array(0);
  remoteSoftware = '';
  readonly startedAt = Date.now();
  establishedAt = 0;
  lastRecv = Date.now();
  lastSent = Date.now();
  bytesIn = 0;
  bytesOut = 0;
  framesOut = 0;
  /** Smallest transit delay seen for a NodeStatus (receiver's clock minus sender's), and when: see statusAge(). */
  #statusDelay = { min: Infinity, at: 0 };
  /** Frames with a body this version does not know (a newer peer): ignored. */
  unknownFrames = 0;
  closeReason: PeersError | undefined;

  constructor(host: SessionHost, socket: Socket, role: 'connect' | 'accept', expectedPeer?: string) {
    this.#host = host;
    this.socket = socket;
    this.role = role;
    this.peer = expectedPeer;
    this.state = role === 'connect' ? 'connecting' : 'handshake';
    this.#decoder = new FrameDecoder(host.maxFrame);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => this.#schedulePump());
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const tls = err.code?.startsWith('ERR_SSL') === true || /certificate|ssl|tls/i.test(err.message);
      this.close(new PeersError(tls ? PeersCode.TLS : PeersCode.CONNECTION, err.code ?? err.message));
    });
    socket.on('close', () => this.close(new PeersError(PeersCode.CONNECTION, 'connection closed by the peer')));
    const t = host.timing;
    this.#timer = setInterval(() => this.#tick(), Math.max(10, Math.min(t.heartbeatMs, t.deadMs) / 2));
    this.#timer.unref();
  }

  /**
   * How much longer a NodeStatus sent at `sentMs` (the peer's monotonic
   * clock) took to arrive than the fastest one of this session: about 0
   * when fresh, the time it waited when it sat in a stalled connection.
   * The two clocks' offset cancels out; the baseline may rise by 100 ppm of
   * the time elapsed, so that clocks drifting apart do not age every frame.
   */
  statusAge(sentMs: number, now: number): number | undefined {
    if (!(Number.isFinite(sentMs) && sentMs > 0)) return undefined;
    const delay = now - sentMs;
    const d = this.#statusDelay;
    d.min = Math.min(delay, d.min + (now - d.at) * 1e-4);
    d.at = now;
    return delay - d.min;
  }

  get frames(): number {
    return this.#decoder.frames;
  }

  /** The socket is connected (and TLS is up): the handshake starts. */
  begin(): void {
    if (this.state === 'closed') return;
    this.state = 'handshake';
    this.lastRecv = Date.now();
    this.#handshake = new Handshake(this.#host.handshakeConfig(), this.role, this.peer);
    for (const f of this.#handshake.start()) this.send(f);
  }

  /** The node adopted this session: tables start flowing. */
  startSync(link: LinkTables, tables: ReadonlyMap<string, SyncedTable>, configHash: Uint8Array): void {
    const session = this;
    this.#sync = new SessionSync(
      {
        send: (f) => session.send(f),
        writable: () => session.socket.writableLength < HIGH_WATER,
        again: () => session.#schedulePump(),
        acked: (t) => session.#host.acked(t),
        events: this.#host.events,
        peer: this.peer!,
        section: this.#host.section,
      },
      link,
    );
    this.send(this.#sync.setTables(tables, configHash));
  }

  /** A reload changed the tables: announce them again. */
  setTables(tables: ReadonlyMap<string, SyncedTable>, configHash: Uint8Array): void {
    if (this.#sync === undefined || this.state !== 'established') return;
    this.send(this.#sync.setTables(tables, configHash));
    this.#schedulePump();
  }

  /** Local writes are waiting: send what the socket takes. */
  pump(): void {
    if (this.#sync === undefined || this.state !== 'established') return;
    if (this.#sync.pump() && this.socket.writableLength < HIGH_WATER) this.#schedulePump();
  }

  tables(): ReturnType<SessionSync['status']> {
    return this.#sync?.status() ?? [];
  }

  /** The peer acknowledged every table up to these update ids (see SessionSync.settled). */
  settled(upTo: ReadonlyMap<string, number>): boolean {
    return this.state === 'established' && this.#sync !== undefined && this.#sync.settled(upTo);
  }

  send(f: FrameMsg): void {
    if (this.state === 'closed') return;
    const bytes = encodeFrame(f);
    if (bytes.length > this.#host.maxFrame + 5) {
      // Batches are cut far below the maximum: this is a bug, not a peer's fault.
      this.#host.events.error(
        { event: 'peers-frame-too-big', peers: this.#host.section, peer: this.peer, bytes: bytes.length },
        `Peers ${this.#host.section}: a ${bytes.length}-byte frame to '${this.peer}' was not sent (over the maximum frame size)`,
      );
      return;
    }
    this.socket.write(bytes);
    this.bytesOut += bytes.length;
    this.framesOut++;
    this.lastSent = Date.now();
  }

  /**
   * Ends the session. `tell` sends the reason first (a Refuse); `linger`
   * lets frames already queued leave before the socket is destroyed.
   */
  close(why: PeersError, tell = false, linger = tell): void {
    if (this.state === 'closed') return;
    if (tell) this.send({ refuse: { code: why.code, reason: why.message.slice(why.code.length + 1) } });
    this.state = 'closed';
    this.closeReason = why;
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (linger) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    } else this.socket.destroy();
    this.#host.closed(this, why);
  }

  #onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.bytesIn += chunk.length;
    this.lastRecv = Date.now();
    this.#decoder.push(chunk);
    for (;;) {
      const f = this.#decoder.next();
      if (f === undefined) break;
      if (f instanceof PeersError) {
        this.close(f, true);
        return;
      }
      this.#handle(f);
      // #handle may have closed the session.
      if ((this.state as SessionState) === 'closed') return;
    }
    if (this.#sync !== undefined) for (const a of this.#sync.takeAcks()) this.send(a);
  }

  #handle(f: FrameMsg): void {
    if (this.state === 'connecting') return;
    if (this.state === 'handshake') {
      const hs = this.#handshake;
      if (hs === undefined) return this.close(new PeersError(PeersCode.UNEXPECTED, 'data before the handshake'), true);
      const step = hs.receive(f);
      for (const out of step.send) this.send(out);
      // A Refuse of ours is already queued: it leaves before the socket goes.
      if (step.fail !== undefined) return this.close(step.fail, false, step.send.length > 0);
      if (step.done !== undefined) {
        this.state = 'established';
        this.establishedAt = Date.now();
        this.peer = step.done.peer;
        this.version = step.done.version;
        this.remoteHash = step.done.configHash;
        this.remoteFileHash = step.done.fileHash;
        this.remoteSoftware = step.done.software;
        this.peerInstance = step.done.instance;
        this.#host.established(this, step.done);
      }
      return;
    }
    const s = this.#sync;
    switch (f.body) {
      case 'tables':
        s?.onTables(f.tables!);
        return;
      case 'updates':
        s?.onUpdates(f.updates!);
        return;
      case 'resyncEnd':
        s?.onResyncEnd(f.resyncEnd!);
        return;
      case 'ack':
        s?.onAck(f.ack!);
        return;
      case 'heartbeat':
        return;
      case 'nodeStatus':
        return this.#host.nodeStatus(this, f.nodeStatus!);
      case 'refuse':
        return this.close(new PeersError(PeersCode.REFUSED, `refused by the peer: ${f.refuse!.code} ${f.refuse!.reason}`));
      case 'hello':
      case 'auth':
        return this.close(new PeersError(PeersCode.UNEXPECTED, `unexpected ${f.body} after the handshake`), true);
      default:
        this.unknownFrames++;
    }
  }

  #schedulePump(): void {
    if (this.#pumpScheduled || this.state !== 'established') return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.pump();
    });
  }

  #tick(): void {
    const now = Date.now();
    const t = this.#host.timing;
    if (this.state === 'established') {
      if (now - this.lastRecv > t.deadMs) return this.close(new PeersError(PeersCode.TIMEOUT, `nothing received from '${this.peer}' for ${now - this.lastRecv} ms`));
      if (now - this.lastSent >= t.heartbeatMs) this.send({ heartbeat: {} });
    } else if (now - this.startedAt > t.handshakeMs) {
      this.close(new PeersError(PeersCode.TIMEOUT, `${this.state === 'connecting' ? 'connection' : 'handshake'} not done after ${now - this.startedAt} ms`));
    }
  }
}
