// This node's membership in one `peers` section: it listens on the local
// peer's address, calls every other peer, keeps one session per peer, and
// replicates the section's stick tables over them.
//
// - One session per peer. Both ends call each other; when two sessions
//   end up established, both ends keep the same one: a session from a new
//   process instance of the peer replaces the old (the old is dead, we just
//   have not noticed yet); otherwise the one opened by the node whose name
//   sorts first wins; two opened by the same node: the newer one.
// - A lost session is called again after a jittered exponential backoff;
//   the update ids acknowledged by the peer survive it, so the next session
//   resumes where the last one stopped when the log still has it.
// - Local writes wake one flush per event-loop turn that pumps every
//   session; acknowledgements trim each table's update log to the oldest
//   position a peer still needs.
// - Every timer is unref'd and cleared by stop().
// - Hand-over (HAProxy's local peer): a process replaced by another (-sf)
//   stops listening, then calls its own address, which only its successor
//   (bound beside it with SO_REUSEPORT) still answers, and pushes every
//   table to it in a full resync before it closes. The successor accepts a
//   session from its own name only from another process instance.

import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type { EventLogger } from '../../src/events/index.ts';
import type { StickTable } from '../../src/stick/index.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import { DEFAULT_MAX_FRAME } from './codec.ts';
import { configHash, shortHash } from './config-hash.ts';
import type { PeersCredentials } from './credentials.ts';
import { NONCE_BYTES, type HandshakeConfig, type HandshakeResult } from './handshake.ts';
import { PeersCode, PeersError } from './peers-error.ts';
import { PeerSession, type SessionHost, type SessionTiming } from './session.ts';
import type { NodeStatusMsg } from './schema.ts';
import type { PeersSettings, RemotePeer } from './settings.ts';
import { LinkTables, type SharedTableStatus, type SyncedTable } from './table-sync.ts';

export interface PeersTiming extends SessionTiming, BackoffPolicy {
  /** How long a stopping process may spend handing its tables to its successor (ms). */
  readonly handoverMs: number;
}

export const DEFAULT_TIMING: PeersTiming = {
  heartbeatMs: 2000,
  deadMs: 6000,
  handshakeMs: 5000,
  minMs: 200,
  maxMs: 5000,
  handoverMs: 10_000,
};

/** What a stopping process's hand-over came to: no successor answered, every table acknowledged, or not (lost, out of time). */
export type HandoverResult = 'none' | 'done' | 'incomplete';

export interface PeersNodeOptions {
  readonly settings: PeersSettings;
  readonly credentials: PeersCredentials;
  readonly events: EventLogger;
  /** The engine's stick tables (re-read on refreshTables()); those with def.peers = this section are replicated. */
  readonly tables: () => ReadonlyMap<string, StickTable>;
  readonly timing?: Partial<PeersTiming>;
  readonly maxFrame?: number;
  /** Protocol versions spoken (tests of mixed versions). */
  readonly version?: number;
  readonly minVersion?: number;
  /**
   * A peer's NodeStatus (its VRRP claims, its file hash) and how long it
   * waited on the way (PeerSession.statusAge): false when its content is
   * not valid, then it is dropped and counted (HAWSER_PEERS_BAD_STATUS).
   */
  readonly onNodeStatus?: (peer: string, msg: NodeStatusMsg, ageMs: number | undefined) => boolean;
}

/** `show peers` figures of one peer. */
export interface PeerStatus {
  name: string;
  local: boolean;
  addr: string;
  /** NONE (local), IDLE (waiting to call again), CONN, HSHK, ESTA. */
  status: 'NONE' | 'IDLE' | 'CONN' | 'HSHK' | 'ESTA';
  /** ms before the next call (IDLE only). */
  reconnectIn: number | undefined;
  direction: 'in' | 'out' | undefined;
  since: number | undefined;
  version: number;
  tls: boolean;
  src: string | undefined;
  software: string;
  bytesIn: number;
  bytesOut: number;
  sessions: number;
  reconnects: number;
  lastError: string | undefined;
  remoteHash: string | undefined;
  drift: boolean;
  /** The peer's whole-file configuration hash (shortHash), when it sends one. */
  remoteFileHash: string | undefined;
  errors: Record<string, number>;
  tables: SharedTableStatus[];
}

export interface PeersStatus {
  section: string;
  local: string;
  listen: string;
  configHash: string;
  tables: string[];
  /** Sessions refused or closed before the peer was known (strangers, TLS failures), by code. */
  errors: Record<string, number>;
  peers: PeerStatus[];
}

/** Connections accepted and not yet through the handshake, at most. */
const MAX_PENDING_ACCEPTS = 64;
/** How often update logs are trimmed without acks (no peer connected). */
const MAINTENANCE_MS = 1000;

class PeerLink {
  readonly remote: RemotePeer;
  session: PeerSession | undefined;
  dialing: PeerSession | undefined;
  attempts = 0;
  timer: NodeJS.Timeout | undefined;
  reconnectAt = 0;
  readonly tables = new LinkTables();
  sessions = 0;
  lastError: PeersError | undefined;
  /** Failing calls are logged once until a session succeeds again. */
  failing = false;
  /** Bad NodeStatus frames are logged once until a good one comes. */
  badStatus = false;
  bytesIn = 0;
  bytesOut = 0;
  readonly errors: Record<string, number> = {};

  constructor(remote: RemotePeer) {
    this.remote = remote;
  }
}

function count(errors: Record<string, number>, code: string): void {
  errors[code] = (errors[code] ?? 0) + 1;
}

export class PeersNode implements SessionHost {
  readonly settings: PeersSettings;
  readonly events: EventLogger;
  readonly timing: PeersTiming;
  readonly maxFrame: number;
  readonly section: string;
  readonly instance = randomBytes(8).toString('hex');
  readonly #credentials: PeersCredentials;
  readonly #getTables: () => ReadonlyMap<string, StickTable>;
  readonly #links = new Map<string, PeerLink>();
  /** Sessions with this node's other process (predecessor or successor): the peer named like us. */
  readonly #self: PeerLink;
  readonly #accepted = new Set<PeerSession>();
  readonly #version: number | undefined;
  readonly #minVersion: number | undefined;
  #server: Server | undefined;
  #synced = new Map<string, SyncedTable>();
  #hash: Buffer;
  #flushScheduled = false;
  #maintenance: NodeJS.Timeout | undefined;
  #stopped = false;
  /** What this node last announced (announce()); sent to each peer as its session is established. */
  #nodeStatus: NodeStatusMsg | undefined;
  readonly #onNodeStatus: PeersNodeOptions['onNodeStatus'];
  readonly errors: Record<string, number> = {};
  readonly #onWrite = (): void => this.#scheduleFlush();

  constructor(o: PeersNodeOptions) {
    this.settings = o.settings;
    this.section = o.settings.section;
    this.events = o.events;
    this.timing = { ...DEFAULT_TIMING, ...o.timing };
    this.maxFrame = o.maxFrame ?? DEFAULT_MAX_FRAME;
    this.#credentials = o.credentials;
    this.#getTables = o.tables;
    this.#version = o.version;
    this.#minVersion = o.minVersion;
    this.#onNodeStatus = o.onNodeStatus;
    for (const r of o.settings.remotes) this.#links.set(r.name, new PeerLink(r));
    // The successor listens where we do: on the listening address, not the (maybe relayed) one peers call.
    const l = o.settings.listen;
    const host = l.host === '' || l.host === '0.0.0.0' ? '127.0.0.1' : l.host === '::' ? '::1' : l.host;
    this.#self = new PeerLink({ name: o.settings.local, host, port: l.port, tls: o.settings.listenTls });
    this.#hash = configHash(this.section, o.settings.members, []);
    this.refreshTables();
  }

  /** Listens, then calls every peer. Rejects with a PeersError (HAWSER_PEERS_BIND) when the address is taken (by a socket not shared with SO_REUSEPORT). */
  async start(): Promise<void> {
    const s = this.settings;
    const server = this.#credentials.server !== undefined ? createTlsServer(this.#credentials.server) : createServer();
    if (this.#credentials.server !== undefined) {
      server.on('secureConnection', (socket: Socket) => this.#accept(socket));
      server.on('tlsClientError', (err: Error, socket: Socket) => {
        count(this.errors, PeersCode.TLS);
        this.events.warn(
          { event: 'peers-tls-refused', peers: this.section, remote: `${socket.remoteAddress}:${socket.remotePort}`, error: err.message },
          `Peers ${this.section}: TLS refused from ${socket.remoteAddress}:${socket.remotePort}: ${err.message}`,
        );
      });
    } else server.on('connection', (socket: Socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new PeersError(PeersCode.BIND, `peers '${this.section}': cannot listen on ${hostPort(s.listen.host, s.listen.port)}: ${err.code ?? err.message}`)),
      );
      // SO_REUSEPORT, as the proxy's listeners: a process started with -sf binds beside the one it replaces,
      // which leaves once the new one serves; the peers then talk to the new instance and resync it.
      server.listen({ host: s.listen.host === '' ? undefined : s.listen.host, port: s.listen.port, reusePort: true }, () => resolve());
    });
    server.on('error', (err: Error) => this.events.error({ event: 'peers-listener-error', peers: this.section, error: err.message }, `Peers ${this.section}: ${err.message}`));
    this.#server = server;
    this.events.info(
      { event: 'peers-listening', peers: this.section, local: s.local, address: hostPort(s.listen.host, s.listen.port), tls: this.#credentials.server !== undefined },
      `Peers ${this.section}: ${s.local} listening on ${hostPort(s.listen.host, s.listen.port)}`,
    );
    this.#maintenance = setInterval(() => this.#trimAll(), MAINTENANCE_MS);
    this.#maintenance.unref();
    for (const link of this.#links.values()) {
      if (this.#callsFirst(link)) this.#dial(link);
      else this.#scheduleDial(link);
    }
  }

  /** The port actually listened on (tests listen on port 0). */
  get port(): number {
    const a = this.#server?.address();
    return typeof a === 'object' && a !== null ? a.port : this.settings.listen.port;
  }

  /**
   * Re-reads the engine's tables (after a reload: a changed table is a new
   * object). Returns true when the replicated set changed; peers are told.
   */
  refreshTables(): boolean {
    const next = new Map<string, SyncedTable>();
    let changed = false;
    for (const t of this.#getTables().values()) {
      if (t.def.peers !== this.section) continue;
      const old = this.#synced.get(t.def.name);
      if (old !== undefined && old.table === t) {
        next.set(t.def.name, old);
        continue;
      }
      changed = true;
      t.keepUpdates(true);
      t.onWrite = this.#onWrite;
      next.set(t.def.name, { name: t.def.name, table: t, epoch: randomBytes(8).toString('hex') });
    }
    for (const [name, old] of this.#synced) {
      if (next.get(name) === old) continue;
      changed = true;
      this.#release(old.table);
    }
    if (!changed) return false;
    this.#synced = next;
    this.#hash = configHash(this.section, this.settings.members, [...next.values()].map((s) => s.table.def));
    for (const link of [...this.#links.values(), this.#self]) link.session?.setTables(next, this.#hash);
    return true;
  }

  /**
   * Closes every session (queued updates still leave) and the listener;
   * clears every timer. With `handover`, first hands every table to this
   * node's successor process if one listens on our address (bounded by
   * timing.handoverMs); resolves with what that came to.
   */
  async stop(handover = false): Promise<HandoverResult> {
    if (this.#stopped) return 'none';
    const result = handover && this.#server !== undefined ? await this.#handOver() : 'none';
    if (this.#stopped) return result;
    this.#stopped = true;
    clearInterval(this.#maintenance);
    const bye = new PeersError(PeersCode.STOPPING, 'this node stops');
    for (const link of [...this.#links.values(), this.#self]) {
      clearTimeout(link.timer);
      link.session?.pump();
      link.session?.close(bye, false, true);
      link.dialing?.close(bye);
    }
    for (const s of this.#accepted) s.close(bye);
    for (const t of this.#synced.values()) this.#release(t.table);
    const server = this.#server;
    if (server !== undefined) await new Promise<void>((r) => server.close(() => r()));
    return result;
  }

  async #handOver(): Promise<HandoverResult> {
    const started = Date.now();
    // From now on the port is the successor's alone: our own call reaches it, not us.
    this.#server!.close();
    const link = this.#self;
    const opts = this.#credentials.clients.get(link.remote.name);
    const socket = opts !== undefined ? tlsConnect({ ...opts, host: link.remote.host, port: link.remote.port }) : connect({ host: link.remote.host, port: link.remote.port });
    const s = new PeerSession(this, socket, 'connect', link.remote.name);
    link.dialing = s;
    socket.once(opts !== undefined ? 'secureConnect' : 'connect', () => s.begin());
    let targets: Map<string, number> | undefined;
    const deadline = started + this.timing.handoverMs;
    let result: HandoverResult = 'incomplete';
    while (Date.now() < deadline) {
      if (s.state === 'closed') {
        result = s.establishedAt > 0 ? 'incomplete' : 'none';
        break;
      }
      if (s.state === 'established') {
        // What the successor must have acknowledged: every update made before it answered (later ones follow live).
        targets ??= new Map([...this.#synced.values()].map((t) => [t.name, t.table.lastUpdateId]));
        if (s.settled(targets)) {
          result = 'done';
          break;
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    if (result !== 'none') {
      const entries = [...this.#synced.values()].reduce((n, t) => n + t.table.used, 0);
      const fields = { event: 'peers-handover', peers: this.section, result, entries, ms: Date.now() - started };
      if (result === 'done') this.events.info(fields, `Peers ${this.section}: tables handed to the next process (${entries} entries in ${fields.ms} ms)`);
      else this.events.warn(fields, `Peers ${this.section}: hand-over to the next process not acknowledged after ${fields.ms} ms`);
    }
    return result;
  }

  status(): PeersStatus {
    const s = this.settings;
    const now = Date.now();
    const hash = shortHash(this.#hash);
    const peers: PeerStatus[] = [];
    const me = s.members.find((m) => m.name === s.local);
    peers.push({
      name: s.local,
      local: true,
      addr: hostPort(me?.host ?? s.listen.host, me?.port ?? s.listen.port),
      status: 'NONE',
      reconnectIn: undefined,
      direction: undefined,
      since: undefined,
      version: 0,
      tls: this.#credentials.server !== undefined,
      src: undefined,
      software: '',
      bytesIn: 0,
      bytesOut: 0,
      sessions: 0,
      reconnects: 0,
      lastError: undefined,
      remoteHash: undefined,
      drift: false,
      remoteFileHash: this.#nodeStatus !== undefined && this.#nodeStatus.fileHash.length > 0 ? shortHash(this.#nodeStatus.fileHash) : undefined,
      errors: {},
      tables: [],
    });
    for (const link of this.#links.values()) {
      const x = link.session ?? link.dialing;
      const status: PeerStatus['status'] =
        link.session !== undefined ? 'ESTA' : link.dialing === undefined ? 'IDLE' : link.dialing.state === 'connecting' ? 'CONN' : 'HSHK';
      const remoteHash = link.session !== undefined ? shortHash(link.session.remoteHash) : undefined;
      peers.push({
        name: link.remote.name,
        local: false,
        addr: hostPort(link.remote.host, link.remote.port),
        status,
        reconnectIn: status === 'IDLE' && link.timer !== undefined ? Math.max(0, link.reconnectAt - now) : undefined,
        direction: x === undefined ? undefined : x.role === 'connect' ? 'out' : 'in',
        since: link.session !== undefined ? now - link.session.establishedAt : undefined,
        version: link.session?.version ?? 0,
        tls: link.remote.tls !== undefined,
        src: x?.socket.remoteAddress !== undefined ? `${x.socket.remoteAddress}:${x.socket.remotePort}` : undefined,
        software: link.session?.remoteSoftware ?? '',
        bytesIn: link.bytesIn + (link.session?.bytesIn ?? 0),
        bytesOut: link.bytesOut + (link.session?.bytesOut ?? 0),
        sessions: link.sessions,
        reconnects: Math.max(0, link.sessions - 1),
        lastError: link.lastError?.message,
        remoteHash,
        drift: remoteHash !== undefined && remoteHash !== hash,
        remoteFileHash: link.session !== undefined && link.session.remoteFileHash.length > 0 ? shortHash(link.session.remoteFileHash) : undefined,
        errors: { ...link.errors },
        tables: link.session?.tables() ?? [],
      });
    }
    return {
      section: this.section,
      local: s.local,
      listen: hostPort(s.listen.host, this.port),
      configHash: hash,
      tables: [...this.#synced.keys()],
      errors: { ...this.errors },
      peers,
    };
  }

  /** Closes every session with `peer` (a test's partition, `clear peers`); they are called again as after any loss. */
  disconnect(peer?: string): number {
    let n = 0;
    for (const link of this.#links.values()) {
      if (peer !== undefined && link.remote.name !== peer) continue;
      const s = link.session;
      if (s === undefined) continue;
      s.close(new PeersError(PeersCode.CONNECTION, 'disconnected by an operator'));
      n++;
    }
    return n;
  }

  // ---- SessionHost

  handshakeConfig(): HandshakeConfig {
    return {
      cluster: this.section,
      local: this.settings.local,
      // Our own name too: the other process of this node, during a hand-over.
      peers: new Set([...this.#links.keys(), this.settings.local]),
      secret: this.#credentials.secret,
      configHash: this.#hash,
      ...(this.#nodeStatus !== undefined && this.#nodeStatus.fileHash.length > 0 ? { fileHash: this.#nodeStatus.fileHash } : {}),
      software: 'hawser',
      instance: this.instance,
      nonce: () => randomBytes(NONCE_BYTES),
      ...(this.#version !== undefined ? { version: this.#version } : {}),
      ...(this.#minVersion !== undefined ? { minVersion: this.#minVersion } : {}),
    };
  }

  established(s: PeerSession, r: HandshakeResult): void {
    this.#accepted.delete(s);
    if (r.peer === this.settings.local) return this.#selfEstablished(s, r);
    const link = this.#links.get(r.peer);
    if (link === undefined || this.#stopped) {
      s.close(new PeersError(PeersCode.UNKNOWN_PEER, `'${r.peer}' is not a peer of section '${this.section}'`), true);
      return;
    }
    if (link.dialing === s) link.dialing = undefined;
    const cur = link.session;
    if (cur !== undefined) {
      if (this.#keeps(cur, s) === cur) {
        s.close(new PeersError(PeersCode.DUPLICATE, `another session with '${r.peer}' is kept`));
        return;
      }
      link.session = s;
      cur.close(new PeersError(PeersCode.DUPLICATE, `replaced by a newer session with '${r.peer}'`));
    }
    link.session = s;
    link.sessions++;
    link.attempts = 0;
    link.failing = false;
    clearTimeout(link.timer);
    link.timer = undefined;
    const drift = Buffer.compare(Buffer.from(r.configHash), this.#hash) !== 0;
    this.events.info(
      {
        event: 'peers-connected',
        peers: this.section,
        peer: r.peer,
        direction: s.role === 'connect' ? 'out' : 'in',
        version: r.version,
        configDrift: drift,
      },
      `Peers ${this.section}: session with '${r.peer}' established (${s.role === 'connect' ? 'outgoing' : 'incoming'}, protocol ${r.version})`,
    );
    if (drift) {
      this.events.warn(
        { event: 'peers-config-drift', peers: this.section, peer: r.peer, local: shortHash(this.#hash), remote: shortHash(r.configHash) },
        `Peers ${this.section}: configuration of '${r.peer}' differs from this node's (hash ${shortHash(r.configHash)} vs ${shortHash(this.#hash)})`,
      );
    }
    s.startSync(link.tables, this.#synced, this.#hash);
    if (this.#nodeStatus !== undefined) s.send({ nodeStatus: this.#nodeStatus });
  }

  nodeStatus(s: PeerSession, msg: NodeStatusMsg): void {
    const link = s.peer !== undefined ? this.#links.get(s.peer) : undefined;
    // The other process of this node (a hand-over) has nothing to tell; a session not (or no longer) kept neither.
    if (link === undefined || link.session !== s) return;
    if (msg.fileHash instanceof Uint8Array && msg.fileHash.length > 0) s.remoteFileHash = msg.fileHash;
    const age = s.statusAge(msg.sentMs, performance.now());
    if (this.#onNodeStatus === undefined || this.#onNodeStatus(link.remote.name, msg, age)) {
      link.badStatus = false;
      return;
    }
    count(link.errors, PeersCode.BAD_STATUS);
    if (link.badStatus) return;
    link.badStatus = true;
    this.events.warn(
      { event: 'peers-bad-status', peers: this.section, peer: link.remote.name, code: PeersCode.BAD_STATUS },
      `Peers ${this.section}: a node status from '${link.remote.name}' is not valid; dropped (counted in show peers)`,
    );
  }

  /** What this node is now (VRRP claims, file hash): sent to every established peer now, and to each new one. */
  announce(msg: NodeStatusMsg): void {
    this.#nodeStatus = msg;
    if (this.#stopped) return;
    for (const link of this.#links.values()) if (link.session?.state === 'established') link.session.send({ nodeStatus: msg });
  }

  closed(s: PeerSession, why: PeersError): void {
    this.#accepted.delete(s);
    const self = this.#self;
    if (s === self.session || s === self.dialing) {
      if (s === self.dialing) self.dialing = undefined;
      if (s === self.session) {
        self.session = undefined;
        self.bytesIn += s.bytesIn;
        self.bytesOut += s.bytesOut;
        // The other process is gone for good: what it acknowledged must not hold back trimming the update logs.
        self.tables.tx.clear();
        self.tables.rx.clear();
      }
      count(self.errors, why.code);
      return;
    }
    const link = s.peer !== undefined ? this.#links.get(s.peer) : undefined;
    count(link?.errors ?? this.errors, why.code);
    if (why.code === PeersCode.MALFORMED || why.code === PeersCode.OVERSIZE || why.code === PeersCode.BAD_LENGTH) {
      this.events.warn(
        { event: 'peers-bad-frame', peers: this.section, peer: s.peer, code: why.code, remote: s.socket.remoteAddress },
        `Peers ${this.section}: session ${s.peer !== undefined ? `with '${s.peer}'` : `from ${s.socket.remoteAddress}`} closed: ${why.message}`,
      );
    }
    if (link === undefined) {
      if (why.code !== PeersCode.CONNECTION && why.code !== PeersCode.STOPPING && why.code !== PeersCode.MALFORMED && why.code !== PeersCode.OVERSIZE) {
        this.events.warn(
          { event: 'peers-refused', peers: this.section, remote: `${s.socket.remoteAddress}:${s.socket.remotePort}`, code: why.code },
          `Peers ${this.section}: connection from ${s.socket.remoteAddress}:${s.socket.remotePort} refused: ${why.message}`,
        );
      }
      return;
    }
    if (link.dialing === s) link.dialing = undefined;
    if (s.establishedAt > 0) {
      link.bytesIn += s.bytesIn;
      link.bytesOut += s.bytesOut;
    }
    if (link.session === s) {
      link.session = undefined;
      link.lastError = why;
      if (why.code !== PeersCode.STOPPING) {
        this.events.warn(
          { event: 'peers-disconnected', peers: this.section, peer: link.remote.name, code: why.code, reason: why.message },
          `Peers ${this.section}: session with '${link.remote.name}' lost: ${why.message}`,
        );
      }
    } else if (why.code !== PeersCode.DUPLICATE && why.code !== PeersCode.STOPPING) {
      link.lastError = why;
      if (!link.failing || why.code !== PeersCode.CONNECTION) {
        this.events.warn(
          { event: 'peers-session-failed', peers: this.section, peer: link.remote.name, code: why.code, reason: why.message, direction: s.role === 'connect' ? 'out' : 'in' },
          `Peers ${this.section}: ${s.role === 'connect' ? 'call to' : 'session from'} '${link.remote.name}' failed: ${why.message}`,
        );
      }
      link.failing = true;
    }
    if (link.session === undefined && link.dialing === undefined) this.#scheduleDial(link);
  }

  acked(t: SyncedTable): void {
    this.#trim(t);
  }

  // ---- internals

  /** A session with our own name: a predecessor handing its tables over (accepted), or our successor (called). */
  #selfEstablished(s: PeerSession, r: HandshakeResult): void {
    const self = this.#self;
    const ours = s.role === 'connect' ? s === self.dialing : !this.#stopped;
    if (r.instance === this.instance || !ours) {
      s.close(new PeersError(PeersCode.UNKNOWN_PEER, `'${r.peer}' is this node's own name`), true);
      return;
    }
    if (self.dialing === s) self.dialing = undefined;
    self.session?.close(new PeersError(PeersCode.DUPLICATE, 'replaced by a newer hand-over session'));
    self.session = s;
    self.sessions++;
    this.events.info(
      { event: 'peers-handover-session', peers: this.section, direction: s.role === 'connect' ? 'to-successor' : 'from-predecessor' },
      s.role === 'connect'
        ? `Peers ${this.section}: handing the tables to the next process of '${r.peer}'`
        : `Peers ${this.section}: the previous process of '${r.peer}' hands its tables over`,
    );
    s.startSync(self.tables, this.#synced, this.#hash);
  }

  #accept(socket: Socket): void {
    if (this.#stopped || this.#accepted.size >= MAX_PENDING_ACCEPTS) {
      socket.destroy();
      return;
    }
    const s = new PeerSession(this, socket, 'accept');
    this.#accepted.add(s);
    s.begin();
  }

  #dial(link: PeerLink): void {
    if (this.#stopped || link.session !== undefined || link.dialing !== undefined) return;
    link.timer = undefined;
    const r = link.remote;
    const opts = this.#credentials.clients.get(r.name);
    const socket = opts !== undefined ? tlsConnect({ ...opts, host: r.host, port: r.port }) : connect({ host: r.host, port: r.port });
    const s = new PeerSession(this, socket, 'connect', r.name);
    link.dialing = s;
    socket.once(opts !== undefined ? 'secureConnect' : 'connect', () => s.begin());
  }

  /**
   * Of two nodes, the one whose name sorts first calls first; the other
   * waits a little longer, so that two nodes starting together rarely open
   * two sessions (both would start a full resync, one for nothing).
   */
  #callsFirst(link: PeerLink): boolean {
    return this.settings.local < link.remote.name;
  }

  #scheduleDial(link: PeerLink): void {
    if (this.#stopped || link.timer !== undefined) return;
    const delay = backoffDelay(this.timing, link.attempts++) + (this.#callsFirst(link) ? 0 : this.timing.minMs);
    link.reconnectAt = Date.now() + delay;
    link.timer = setTimeout(() => this.#dial(link), delay);
    link.timer.unref();
  }

  /** Which of two established sessions with the same peer both ends keep. */
  #keeps(cur: PeerSession, next: PeerSession): PeerSession {
    if (cur.peerInstance !== next.peerInstance) return next;
    const local = this.settings.local;
    const opener = (s: PeerSession): string => (s.role === 'connect' ? local : s.peer!);
    if (opener(cur) === opener(next)) return next;
    const first = local < next.peer! ? local : next.peer!;
    return opener(cur) === first ? cur : next;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#stopped) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      for (const link of this.#links.values()) link.session?.pump();
      this.#self.session?.pump();
    });
  }

  /** Trims a table's update log to the oldest update a peer still needs. */
  #trim(t: SyncedTable): void {
    let min = Infinity;
    for (const link of [...this.#links.values(), this.#self]) {
      const tx = link.tables.tx.get(t.name);
      if (tx !== undefined && tx.epoch === t.epoch && tx.acked < min) min = tx.acked;
    }
    // No peer ever synced this table object: whoever comes will need a full resync anyway.
    t.table.trimUpdates(min === Infinity ? t.table.lastUpdateId : min);
  }

  #trimAll(): void {
    for (const t of this.#synced.values()) this.#trim(t);
  }

  #release(t: StickTable): void {
    if (t.onWrite === this.#onWrite) t.onWrite = undefined;
    t.keepUpdates(false);
  }
}

function hostPort(host: string, port: number): string {
  if (host === '') return `*:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
